"""``dh_aimodel``, the debhelper command: option parsing and the build-time run."""
