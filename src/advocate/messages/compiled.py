"""Compiled templates kept between runs, as Python keeps .pyc files.

Parsing, checking, instrumenting and compiling a template costs about 5 ms,
paid by every command that loads messages/ (a tenth of a big schedule).
The Python code a template compiles to is kept in the user's cache folder
under a key made of the template's text and name and of everything that
shapes the code: the Python and Jinja versions and the source of the
modules that check and instrument it. Any change makes a new key; a file
that cannot be read or written is simply compiled again.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sys
import tempfile
import time
from pathlib import Path
from types import CodeType

DAY = 24 * 3600
KEEP_DAYS = 90      # a file not used for this long is removed (an old version of an edited template)
TOUCH_DAYS = 30     # a file in use is marked as used again this often, so it is never removed


def load(body: str, path: str) -> CodeType | None:
    """The code kept for this template, or None."""
    folder = _folder()
    if folder is None:
        return None
    kept = folder / _key(body, path)
    try:
        code = marshal.loads(kept.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(code, CodeType) or code.co_filename != path:
        return None
    try:
        if time.time() - kept.stat().st_mtime > TOUCH_DAYS * DAY:
            os.utime(kept)
    except OSError:  # a read-only cache still serves
        pass
    return code


def store(body: str, path: str, code: CodeType) -> None:
    """Keep `code` for next time; quietly nothing when the cache folder is not writable."""
    folder = _folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=folder)
    except OSError:
        return
    try:  # written whole, then renamed: a reader never sees half a file
        with os.fdopen(handle, "wb") as out:
            out.write(marshal.dumps(code))
        os.replace(temporary, folder / _key(body, path))
    except OSError:
        Path(temporary).unlink(missing_ok=True)
    _prune(folder)


def _prune(folder: Path) -> None:
    """Remove what has not been used for KEEP_DAYS: each edit of a template leaves its old code
    behind, and a process killed while writing leaves a temporary file."""
    oldest = time.time() - KEEP_DAYS * DAY
    try:
        for entry in os.scandir(folder):
            if entry.is_file() and entry.stat().st_mtime < oldest:
                os.unlink(entry.path)
    except OSError:  # another process pruning at the same time, a file already gone: next time
        pass


def _key(body: str, path: str) -> str:
    digest = hashlib.sha256(_salt())
    for part in (path, body):
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:40]


def pin_key() -> None:
    """Work the key out now, while the modules that compile templates are the files they were
    loaded from: a daemon upgraded under its feet must not file its old code under the new
    version's key (which the new version would then load). render.py calls this as it loads."""
    try:
        _salt()
    except OSError:  # sources not readable: _folder() says no cache
        pass


@functools.lru_cache(maxsize=1)
def _salt() -> bytes:
    """What else the compiled code depends on: Python's bytecode format, Jinja,
    and our sandbox's checks and instrumentation."""
    import importlib.util

    import jinja2

    digest = hashlib.sha256(importlib.util.MAGIC_NUMBER + jinja2.__version__.encode())
    for name in ("sandbox", "render", "compiled"):
        digest.update(Path(sys.modules[f"{__package__}.{name}"].__file__ or "").read_bytes())
    return digest.digest()


def _folder() -> Path | None:
    try:
        from platformdirs import user_cache_path

        _salt()  # the modules' sources must be readable, or nothing is kept
        return user_cache_path("advocate") / "templates"
    except Exception:  # no home folder, sources not readable, anything: compile every time instead
        return None
