"""Debian's files, read and written with python-debian and jinja2.

debian/control, debian/copyright (DEP-5), Lintian overrides, substvars,
README.aimodel, and .deb archives: adapters between those files and the core.
"""
