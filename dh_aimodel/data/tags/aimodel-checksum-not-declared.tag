Tag: aimodel-checksum-not-declared
Severity: pedantic
Check: aimodel/checksum
Explanation: A shipped model file is declared without a <code>sha256</code>.
 .
 With a checksum, dh_aimodel and <code>aimodel lint</code> can prove that
 the weights in the package are the ones described in the declaration;
 <code>aimodel fetch</code> also verifies downloads against it.
See-Also: aimodel.yaml(5)
