Tag: aimodel-unsafe-archive-member
Severity: error
Check: aimodel/deb
Explanation: The data archive of the binary package has a member whose name is
 absolute or climbs out with <code>..</code>, or a symbolic or hard link
 pointing outside the package's tree.
 .
 The member was reported, not followed or extracted.
See-Also: deb(5), tar(5)
