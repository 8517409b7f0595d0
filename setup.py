"""Ship the top-level config.toml, messages/ and pages/ inside the package.

They stay at the top of the checkout, where a coordinator edits them, and
are copied into the wheel as `advocate/defaults/`, where `advocate init`
finds them with importlib.resources (see src/advocate/defaults.py).
Everything else about the build is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("config.toml", "messages", "pages")


class BuildWithDefaults(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout itself
        target = Path(self.build_lib) / "advocate" / "defaults"
        for name in SHIPPED:
            source, copy = ROOT / name, target / name
            if source.is_dir():
                shutil.copytree(source, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)


setup(cmdclass={"build_py": BuildWithDefaults})
