Tag: aimodel-copyright-licence-mismatch
Severity: error
Check: dep5/coverage
Explanation: The Files stanza of the copyright file that covers a model file (the last
 one that matches) gives another licence than the model's declaration.
 The context shows the copyright file's licence and the declared one.
 .
 Correct the stanza, or the licence in debian/aimodel.yaml.
See-Also: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
