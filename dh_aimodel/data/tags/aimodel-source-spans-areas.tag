Tag: aimodel-source-spans-areas
Severity: error
Check: area/source-spans-areas
Explanation: The binary packages of this source fall into different archive areas
 (beyond main plus contrib), but a source package and its binaries must
 share an area (Lintian's <code>archive-liberty-mismatch</code>).
 .
 Split the source package, or move every binary to the worst area.
See-Also: archive-liberty-mismatch, debian-policy 2.2
