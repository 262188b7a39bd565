Tag: aimodel-pickle-unsafe-global
Severity: error
Check: aimodel/pickle
Explanation: The opcode stream of a pickle in the package imports a name outside
 the allow-list of what weight files need (PyTorch tensor rebuilding, NumPy
 arrays, plain containers). The context names the imported global.
 .
 Unpickling the file would import and possibly call it; names such as
 <code>os.system</code> or <code>builtins.eval</code> run commands. Nothing
 was unpickled or executed to find this.
 .
 This applies to every pickle the package ships, not only to model files: a
 cache, a <code>.dill</code> session, a checkpoint under a neutral name or a
 pickle member of an archive runs the same code when loaded. A file that is
 a pickle only by its first bytes (its name is not a pickle's) may be data
 that starts like one; there only imports known to run code are reported.
See-Also: https://huggingface.co/docs/hub/security-pickle
