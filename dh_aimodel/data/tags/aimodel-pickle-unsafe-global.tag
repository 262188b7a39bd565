Tag: aimodel-pickle-unsafe-global
Severity: error
Check: aimodel/pickle
Explanation: Loading a pickle in the package would run code an attacker
 chose: its opcode stream imports a name known to run commands or code,
 import or load further code, reach files or the network, or walk
 attributes (<code>os.system</code>, <code>builtins.eval</code>,
 <code>subprocess.Popen</code>, <code>importlib.import_module</code>, a
 dunder in the name); or it imports a name computed at load time or one that
 cannot be checked (<code>?</code>); or it calls what an earlier call
 returned (<code>call of what X returned</code>). The context names the
 global.
 .
 This applies to every pickle the package ships, not only to model files: a
 cache, a <code>.dill</code> session, a checkpoint under a neutral name or a
 pickle member of an archive runs the same code when loaded. A file that is
 a pickle only by its first bytes (its name is not a pickle's) may be data
 that starts like one; there only imports known to run code are reported.
 Imports outside the allow-list that run only a library's own code are
 <code>aimodel-pickle-foreign-global</code>. Nothing was unpickled or
 executed to find this.
See-Also: https://huggingface.co/docs/hub/security-pickle
