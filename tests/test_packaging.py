"""What a wheel or an sdist carries: the defaults `advocate init` copies."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shipped() -> tuple[str, ...]:
    """setup.py's SHIPPED: the top-level files and folders copied into the package."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "SHIPPED" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("setup.py has no SHIPPED")


def test_every_shipped_default_exists_and_the_sdist_carries_it():
    lines = [line.split() for line in (ROOT / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    grafted = {words[1] for words in lines if words[0] == "graft"}
    included = {word for words in lines if words[0] == "include" for word in words[1:]}
    for name in shipped():
        path = ROOT / name
        assert path.exists(), f"setup.py ships {name}, which is not in the checkout"
        assert name in (grafted if path.is_dir() else included), \
            f"MANIFEST.in does not carry {name}: a wheel built from the sdist would fail"


def test_init_finds_every_default_in_this_installation(tmp_path):
    from advocate.defaults import copy_default, default_file

    for name in shipped():
        assert default_file(name).is_file() or default_file(name).is_dir()
        copy_default(name, tmp_path / name)
        assert (tmp_path / name).exists()
