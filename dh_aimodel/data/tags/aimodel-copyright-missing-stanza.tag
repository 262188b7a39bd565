Tag: aimodel-copyright-missing-stanza
Severity: error
Check: dep5/coverage
Explanation: The machine-readable copyright file has no Files stanza that covers a
 shipped model file (or the copyright file is missing or not DEP-5).
 .
 Model weights often have other authors and another licence than the code
 around them; <code>aimodel copyright</code> writes the stanza.
See-Also: debian-policy 12.5, https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
