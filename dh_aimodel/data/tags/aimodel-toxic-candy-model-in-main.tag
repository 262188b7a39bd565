Tag: aimodel-toxic-candy-model-in-main
Severity: error
Check: ml-policy/free-model-2
Explanation: The package's Section puts it in main, but it ships a ToxicCandy model:
 its weights are under a free licence, but its training data or training
 program is not available under free terms.
 .
 The ML-Policy keeps ToxicCandy models out of main, since the preferred
 form for modifying them cannot be shipped.
See-Also: debian-policy 2.2, https://salsa.debian.org/deeplearning-team/ml-policy
