"""setuptools entry point; metadata lives in setup.cfg.

The top-level ``templates/`` directory (kept there so maintainers find it, as
in reuse-tool) is installed as the package data ``dh_aimodel/templates``.
"""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["dh_aimodel", "dh_aimodel.*"]) + ["dh_aimodel.templates"],
    package_dir={"dh_aimodel.templates": "templates"},
    package_data={"dh_aimodel.templates": ["*.j2"], "dh_aimodel": ["data/*", "data/tags/*", "data/families/*"]},
)
