"""setuptools entry point; metadata lives in setup.cfg.

The top-level ``templates/`` directory (kept there so maintainers find it, as
in reuse-tool) is installed as the package data ``dh_aimodel/templates``.
"""
from setuptools import setup

setup(
    packages=["dh_aimodel", "dh_aimodel.cli", "dh_aimodel.policies", "dh_aimodel.templates"],
    package_dir={"dh_aimodel.templates": "templates"},
    package_data={"dh_aimodel.templates": ["*.j2"], "dh_aimodel": ["data/*", "data/tags/*"]},
)
