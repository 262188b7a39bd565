Tag: aimodel-format-mismatch
Severity: warning
Check: aimodel/format
Explanation: The <code>format</code> declared for a model differs from the format
 recognised from the file's magic bytes. The context shows the sniffed
 format and the declared one.
 .
 The wrong file may have been declared, or it was converted upstream.
See-Also: aimodel.yaml(5)
