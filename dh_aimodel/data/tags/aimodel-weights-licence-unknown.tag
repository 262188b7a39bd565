Tag: aimodel-weights-licence-unknown
Severity: error
Check: ml-policy/free-model-1
Explanation: The licence of a model's weights is <code>unknown</code>, or names an id
 that the licence knowledge base does not know (nor, for a
 <code>LicenseRef-</code> id, the declaration's <code>licenses:</code>
 mapping).
 .
 An unknown licence cannot be judged DFSG-free, so the model is treated as
 non-free. Give the SPDX expression of the weights' licence, or a verdict
 for the LicenseRef id.
See-Also: aimodel.yaml(5), https://salsa.debian.org/deeplearning-team/ml-policy
