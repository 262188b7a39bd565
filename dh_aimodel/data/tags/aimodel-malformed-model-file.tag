Tag: aimodel-malformed-model-file
Severity: error
Check: aimodel/format
Explanation: Reading the header of the model file (bounded reads only) found it
 malformed or hostile: a length pointing past the end, a header over the
 reader's cap, a zip bomb, a zip member escaping with <code>..</code>, a
 damaged or hand-crafted pickle opcode stream. The context names the
 finding.
 .
 Libraries that load such files may crash, exhaust memory or write outside
 their directory. Pickles are checked in every file that holds them, so a
 hand-crafted pickle stream is reported here also when the file is no model.
See-Also: aimodel(1)
