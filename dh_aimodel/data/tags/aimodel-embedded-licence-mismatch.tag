Tag: aimodel-embedded-licence-mismatch
Severity: warning
Check: aimodel/embedded-licence
Explanation: The model file names a licence in its own metadata (GGUF
 <code>general.license</code>, safetensors <code>__metadata__</code>, ONNX
 <code>metadata_props</code>) that disagrees with the declared licence (or,
 in a binary package without a declaration, with the copyright file). The
 context shows the embedded licence and the declared one.
 .
 Hugging Face licence tags are mapped to SPDX ids before comparing. Check
 which one is right: upstream may have relicensed the weights.
See-Also: aimodel.yaml(5)
