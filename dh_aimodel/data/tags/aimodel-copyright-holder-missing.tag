Tag: aimodel-copyright-holder-missing
Severity: error
Check: aimodel/copyright
Explanation: The Files stanza of debian/copyright that covers a model file does
 not name a copyright holder that debian/aimodel.yaml declares for the model
 (its <code>copyright</code> list; years are ignored in the comparison).
 .
 Debian Policy 12.5 asks the copyright file to name the holders of every
 file; add the holder to the stanza's Copyright field, or correct the
 declaration. <code>aimodel copyright</code> writes the stanza of a model that has
 none.
See-Also: debian-policy 12.5, https://dep-team.pages.debian.net/deps/dep5/
