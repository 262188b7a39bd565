"""debian/aimodel.yaml text to the core's :class:`~dh_aimodel.core.declaration.Declaration`."""
