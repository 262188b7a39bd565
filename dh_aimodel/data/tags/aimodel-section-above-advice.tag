Tag: aimodel-section-above-advice
Severity: warning
Check: aimodel/survey
Explanation: The package's Section puts it in a more favourable archive area than
 the facts known about its models allow, even read in the most
 favourable way: for example it is in main while its copyright file gives
 the model files a licence that is not DFSG-free.
 .
 The facts are the ones the tool read (the copyright file, the files);
 training data and program are not among them. Check the licence of the
 model files and declare the models (aimodel.yaml(5)) to have the area
 checked at every build.
See-Also: aimodel.yaml(5), https://salsa.debian.org/deeplearning-team/ml-policy
