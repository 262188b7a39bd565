Tag: aimodel-pickle-unsafe-global
Severity: error
Check: aimodel/pickle
Explanation: The opcode stream of a pickle in the model file imports a name outside
 the allow-list of what weight files need (PyTorch tensor rebuilding, NumPy
 arrays, plain containers). The context names the imported global.
 .
 Unpickling the file would import and possibly call it; names such as
 <code>os.system</code> or <code>builtins.eval</code> run commands. Nothing
 was unpickled or executed to find this.
See-Also: https://huggingface.co/docs/hub/security-pickle
