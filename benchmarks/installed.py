"""What each benchmark does first: leave advocate's bytecode compiled, as `pip install` does.

A checkout run with PYTHONDONTWRITEBYTECODE=1 (some shells and CI machines
set it) compiles every module edited since its .pyc was written again in
each process it starts, which an installed advocate never does: the figures
would then time Python's compiler, not what a user waits for.
"""

from __future__ import annotations

import compileall
from pathlib import Path

import advocate


def as_installed() -> None:
    compileall.compile_dir(str(Path(advocate.__file__).parent), quiet=1)
