Tag: aimodel-training-data-unavailable
Severity: info
Check: ml-policy/free-model-2
Explanation: A training data set of the model is declared <code>availability:
 unavailable</code>: private or lost.
 .
 The model cannot be retrained from its data, so it is ToxicCandy at best
 under the ML-Policy.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
