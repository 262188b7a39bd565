Tag: aimodel-source-spans-areas
Severity: info
Check: area/source-spans-areas
Explanation: On their own, the binary packages of this source would fall into
 different archive areas (beyond main plus contrib); the context lists those
 areas. A binary package sits in its source's area (Lintian's
 <code>archive-liberty-mismatch</code>; only a main source may also build contrib
 packages), so every binary follows the source into the worst area, and
 <code>aimodel classify</code> recommends that Section for each of them: that layout
 passes dh_aimodel, aimodel lint and Lintian.
 .
 This tag is the advice that would let the freer packages stay where they
 belong: build the packages that need the worse area from a separate source
 package, or repack the source without the models that need it
 (<code>Files-Excluded:</code> in debian/copyright, a <code>+dfsg</code> version
 suffix) and drop what needs them. <code>aimodel classify</code> names the packages
 and models.
See-Also: archive-liberty-mismatch, debian-policy 2.2, https://wiki.debian.org/UscanEnhancements
