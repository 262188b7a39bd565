Tag: aimodel-checksum-mismatch
Severity: error
Check: aimodel/checksum
Explanation: The sha256 of a model file differs from the one declared for it (in
 debian/aimodel.yaml, in the checksum lock debian/aimodel.sums, or in the Files
 field of usr/share/doc/&lt;pkg&gt;/README.aimodel in a binary package).
 .
 The file is not the one whose provenance was declared. Install the declared
 file, or update the sha256 (for the lock: aimodel validate --update-sums) if
 the model was changed on purpose.
See-Also: aimodel.yaml(5), sha256sum(1)
