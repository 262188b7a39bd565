Tag: aimodel-section-mismatch
Severity: error
Check: area/section
Explanation: The Section of the package in debian/control (or DEBIAN/control) does not
 match the archive area that its models give it. The context shows the
 declared Section and the recommended one.
 .
 The area is the worst of the shipped models' areas; a package that
 downloads a model at run time is at least contrib; <code>aimodel classify</code>
 prints the reasons.
See-Also: debian-policy 2.4, aimodel(1)
