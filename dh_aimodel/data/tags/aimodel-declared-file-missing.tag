Tag: aimodel-declared-file-missing
Severity: error
Check: aimodel/files
Explanation: A file (or glob) listed under <code>files</code> of a shipped model in
 debian/aimodel.yaml is not in the source tree, or, for a binary package,
 not installed in it.
 .
 Either the path is wrong, the file was never added, or it is installed by
 another package than the model's <code>package</code>.
See-Also: aimodel.yaml(5)
