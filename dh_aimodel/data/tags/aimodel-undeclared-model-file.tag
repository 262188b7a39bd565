Tag: aimodel-undeclared-model-file
Severity: error
Check: aimodel/files
Explanation: The package contains a file that looks like model weights (by its magic
 bytes or an extension only models use), but no model of the declaration
 lists it.
 .
 An undeclared model is how non-free weights slip into main: declare it in
 the <code>files</code> of a model with its licence and training data, or
 do not ship it.
See-Also: aimodel.yaml(5)
