"""dh-aimodel: declare, classify and check trained AI/ML models in Debian packages.

The package is split into a pure core (declaration, licences, policies,
classification) and adapters around it (debian control/copyright files, model
file formats, templates, the command lines).  Nothing runs at import time.
"""

__version__ = "0.1.0"
