Tag: aimodel-non-free-model-in-main
Severity: error
Check: ml-policy/free-model-1
Explanation: The package's Section puts it in main, but it ships a model whose weights
 are not under a DFSG-free licence (or may not be redistributed at all).
 .
 Under the ML-Policy such a model is non-free: the package belongs in
 non-free, or not in the archive.
See-Also: debian-policy 2.2, https://salsa.debian.org/deeplearning-team/ml-policy
