"""The defaults `advocate init` copies: config.toml, the message and the page templates.

A wheel or an sdist carries them as package data (`advocate/defaults/`,
put there by setup.py from the top of the checkout); an editable install
reads them from the checkout itself.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import AdvocateError


def default_file(name: str) -> Traversable:
    """config.toml, messages or pages, wherever this installation keeps them."""
    package = resources.files("advocate")
    packaged = package / "defaults" / name
    if packaged.is_file() or packaged.is_dir():
        return packaged
    checkout = Path(str(package)).parents[1]  # src/advocate -> the checkout
    if (checkout / "pyproject.toml").is_file() and (checkout / name).exists():
        return checkout / name
    raise AdvocateError(f"this installation of advocate lacks its default {name}; reinstall it (pip install --force-reinstall advocate)")


def copy_default(name: str, target: Path) -> None:
    """Copy a default file or folder to target, which must not exist yet."""
    _copy(default_file(name), target)


def _copy(source: Traversable, target: Path) -> None:
    if source.is_dir():
        target.mkdir(parents=True)
        for child in source.iterdir():
            if child.name != "__pycache__":
                _copy(child, target / child.name)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
