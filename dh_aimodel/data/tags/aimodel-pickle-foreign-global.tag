Tag: aimodel-pickle-foreign-global
Severity: warning
Check: aimodel/pickle
Explanation: The opcode stream of a pickle in the package imports a name that
 is neither on the allow-list of what PyTorch, NumPy, joblib and scikit-learn
 checkpoints need nor known to run code an attacker chose: typically a model
 class of the upstream project. The context names the imported global.
 .
 Loading the pickle imports that module and runs its own code (a constructor,
 <code>__setstate__</code>) on the pickled data. Check that the library is
 one the package depends on and that the class does nothing more than store
 its state. A pickle that lives in the tree of the library it imports (the
 library's own test data) is not reported. Nothing was unpickled or
 executed to find this.
See-Also: https://huggingface.co/docs/hub/security-pickle
