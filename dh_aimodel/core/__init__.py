"""The pure core: declaration, licences, policies, classification and build checks.

No I/O here but reading the package's own data tables (:mod:`.datafiles`):
every function takes plain values and returns plain values, so the rules can
be tested without a file system and read without knowing Debian's files.
Only core modules may be imported from here (tests/test_layout.py).
"""
