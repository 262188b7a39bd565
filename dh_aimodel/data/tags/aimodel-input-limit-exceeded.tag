Tag: aimodel-input-limit-exceeded
Severity: error
Check: aimodel/deb
Explanation: Reading the package reached one of the tool's resource limits:
 its data.tar expands to far more than the package's own size (a
 decompression bomb, or a member that claims terabytes), a tar header record
 is larger than any real one, or the package has more ar members than a
 .deb has. The context names the limit, what reached it and where.
 .
 Reading stopped there: what came before was checked, the rest of the
 package was not. The defaults never trouble a real package; for a huge
 model, raise the limit with <code>--limit NAME=N</code> or the
 <code>AIMODEL_LIMITS</code> environment variable (aimodel(1), RESOURCE
 LIMITS).
See-Also: aimodel(1)
