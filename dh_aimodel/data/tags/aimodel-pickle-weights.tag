Tag: aimodel-pickle-weights
Severity: warning
Check: aimodel/pickle
Explanation: The model file is (or contains) a Python pickle: a PyTorch
 <code>.bin</code>/<code>.pt</code>/<code>.pth</code>/<code>.ckpt</code>
 checkpoint, a joblib or <code>.pkl</code> file, or a NumPy array of
 objects.
 .
 Loading a pickle can run arbitrary code. Prefer safetensors or another
 format that holds data only; <code>aimodel lint</code> scans the opcode
 stream for what it would import.
See-Also: https://huggingface.co/docs/hub/security-pickle
