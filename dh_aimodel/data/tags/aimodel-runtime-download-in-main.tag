Tag: aimodel-runtime-download-in-main
Severity: error
Check: area/runtime-download
Explanation: The package's Section puts it in main, but it ships a program that
 downloads a model at run time (<code>delivery: downloaded</code>) and needs
 it to function.
 .
 A package in main must not require software outside the distribution to
 function: it belongs in contrib.
See-Also: debian-policy 2.2.1, debian-policy 2.2.2
