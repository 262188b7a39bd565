Tag: aimodel-override-unused-by-newer-lintian
Severity: pedantic
Check: lintian/overrides
Explanation: An override in the source package's Lintian overrides silences a
 tag that the installed (or an older) Lintian emits for a declared model
 file, but that the newest Lintian dh-aimodel was checked against no longer
 emits for it: there the override is reported as
 <code>unused-override</code>.
 .
 Since Lintian 2.124 (Debian bug #1014255)
 <code>very-long-line-length-in-source-file</code> reads only files that
 file(1) calls text, so binary model weights no longer need that override.
 A package uploaded to unstable drops the override (run
 <code>aimodel overrides --lintian-version</code> with the newer version to
 see what is still needed); a backport to an older release may keep it.
See-Also: https://bugs.debian.org/1014255, aimodel(1)
