Tag: aimodel-declaration-invalid
Severity: error
Check: aimodel/declaration
Explanation: debian/aimodel.yaml cannot be loaded: its YAML syntax, a field or a value
 breaks a rule of aimodel.yaml(5). The context names the file, line and
 column; <code>aimodel validate</code> prints the full message.
 .
 Without a valid declaration the archive area, the copyright coverage and
 the checksums of the models cannot be checked; only the model files
 themselves are linted.
See-Also: aimodel.yaml(5), aimodel(1)
