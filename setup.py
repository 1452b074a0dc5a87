"""The package list, found rather than listed: every package under mocknexus/, plus the bundled fixtures.

pyproject.toml's `packages.find` cannot name mocknexus._fixtures, which lives at the top level as fixtures/
(pyproject's package-dir maps it); everything else about the build is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["mocknexus", "mocknexus.*"]), "mocknexus._fixtures"])
