Tag: aimodel-model-not-redistributable
Severity: error
Check: area/section
Explanation: The package ships a model that may not be redistributed at all:
 the declaration says <code>distributable: false</code>, or the weights'
 licence forbids redistribution. No archive area can carry it, not even
 non-free (Debian Policy 2.2.3 asks at least for permission to distribute).
 .
 Do not ship the file; deliver it with <code>delivery: downloaded</code> from a
 package in contrib, or correct the licence or <code>distributable</code> in
 debian/aimodel.yaml when the declaration is wrong. dh_aimodel fails the build
 with this tag.
See-Also: debian-policy 2.2.3, aimodel.yaml(5)
