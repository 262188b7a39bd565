Tag: aimodel-pickle-load-bomb
Severity: error
Check: aimodel/pickle
Explanation: Loading a pickle in the package would build a structure larger
 than the scanner's budget (100 million elements): containers nested through
 memo references or <code>DUP</code> that multiply at each level, or a
 builtin constructor asked for a huge size (<code>bytes(10**12)</code>,
 <code>list(range(...))</code>). Elements are counted as a walk of the
 loaded object meets them, each reuse of a memoised structure counted again.
 .
 Loading it, or anything that then walks, hashes, copies or prints the
 result, exhausts memory or time. Real checkpoints stay far below the
 budget. Nothing was unpickled or executed to find this.
See-Also: aimodel(1)
