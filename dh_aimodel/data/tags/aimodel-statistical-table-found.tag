Tag: aimodel-statistical-table-found
Severity: info
Check: aimodel/survey
Explanation: The package ships a statistical table of a model family, and nothing
 declares it: n-gram counts, frequency profiles or a dictionary with
 costs, derived from a corpus rather than trained by optimising a network.
 The context names the family, its size and what the file says about
 itself, then the file or the directory.
 .
 Debian has long shipped such tables in main as data, and dh-aimodel judges
 them so (their licence alone decides the area), a judgement Debian may
 make differently. aimodel-families(7) gives the reason for each family.
See-Also: aimodel-families(7)
