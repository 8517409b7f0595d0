"""`advocate site serve`: the built folder on localhost, for a preview (not for the public)."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..errors import AdvocateError


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the name http.server gives it
        pass


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    folder = Path(folder)
    if not (folder / "index.html").is_file():
        raise AdvocateError(f"{folder} has no index.html; run 'advocate site build {folder}' first")
    handler = functools.partial(_Quiet, directory=str(folder))
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise AdvocateError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another with --port") from None
