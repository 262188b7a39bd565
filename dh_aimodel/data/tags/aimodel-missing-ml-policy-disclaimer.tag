Tag: aimodel-missing-ml-policy-disclaimer
Severity: error
Check: dep5/disclaimer
Explanation: The package ships models that put it in contrib or non-free, but the header
 of its copyright file has no Disclaimer (or Comment) saying why it is not
 in main under the ML-Policy.
 .
 Debian Policy asks non-free and contrib packages to say why they are not
 part of the Debian distribution.
See-Also: debian-policy 12.5, missing-explanation-for-contrib-or-non-free-package
