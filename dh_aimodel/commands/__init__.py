"""What the maintainer commands do beyond reading and judging: writing files.

``aimodel init`` (a declaration skeleton) and ``aimodel copyright`` (DEP-5
stanzas); :mod:`dh_aimodel.cli` only parses their arguments.
"""
