"""dh-aimodel: declare, classify and check trained AI/ML models in Debian packages.

Each layer is a subpackage; imports go down this list, never up
(tests/test_layout.py, doc/architecture.md):

``cli``, ``dh``      the two command lines: ``aimodel`` and the debhelper command
``commands``, ``lint``  what the commands do (write a skeleton or stanzas; lint)
``hub``              the network: Hugging Face metadata, verified downloads
``packaging``        Debian's files: control, DEP-5, overrides, substvars, .deb
``formats``          model file formats and the pickle scanner
``manifest``         debian/aimodel.yaml text to the core's declaration
``tree``             source trees and build directories, hashing, atomic writes
``core``             declaration, licences, policies, classification: no I/O

Nothing runs at import time.
"""

__version__ = "0.1.0"

#: Where a source package declares its models (aimodel.yaml(5)), relative to
#: the source tree: here, not in a layer, because both command lines need it
#: before they import anything else (dh_aimodel's no-op run checks only this).
DECLARATION = "debian/aimodel.yaml"
