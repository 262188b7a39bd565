Tag: aimodel-model-found
Severity: info
Check: aimodel/survey
Explanation: The package ships a trained model, and nothing declares it: there is
 no README.aimodel in the package (written by dh_aimodel from
 debian/aimodel.yaml) and no declaration was given with
 <code>--source</code>. The context names the model's family, its size and
 what its file says about itself (architecture, version, licence, author),
 then the file, or the directory of a model made of several files.
 .
 The family was recognised from the file's bytes, or, where the context
 says <code>by name</code>, from its path alone. Nothing was loaded or
 executed to find this. See aimodel-families(7) for every family and how
 it is recognised.
 .
 This is information for a reviewer: which models a package ships. The
 package's archive area is advised by aimodel-area-advice.
See-Also: aimodel-families(7), aimodel.yaml(5)
