Tag: aimodel-area-advice
Severity: info
Check: aimodel/survey
Explanation: The archive area that the models of this package allow, for a package
 without a declaration. The context gives the most favourable area under
 the ML-Policy that the known facts allow, the area that follows if every
 unknown fact turns out against the package, the licence that the
 package's copyright file gives for the model files, and what is unknown.
 .
 The training data and the training program of a model cannot be read
 from its files. A declaration (debian/aimodel.yaml, see aimodel.yaml(5))
 states them; <code>aimodel init</code> writes one to fill in. The
 advice for every policy is printed by <code>aimodel survey</code> and by
 <code>aimodel lint --format json</code>.
See-Also: aimodel.yaml(5), aimodel-families(7), https://salsa.debian.org/deeplearning-team/ml-policy
