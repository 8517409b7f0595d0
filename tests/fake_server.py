"""What the loopback fakes of X, Mastodon and Bluesky share: a
ThreadingHTTPServer on 127.0.0.1 whose replies a test can script per route.

A subclass names routes (`route`), finds the post text in a create
(`post_text`), checks credentials (`refuse`), answers as the network would
(`default`) and makes a post whose answer is then lost (`lose`).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

UTC = dt.UTC


@dataclass
class Reply:
    """What a fake does with one request.

    kind: "default" (what the network would do), "status" (answer `status`
    with `body`/`headers`), "hang" (answer nothing until the fake stops),
    "drop" (close the connection without an answer).
    create: for hang/drop, make the post first: the answer was lost.
    """

    kind: str = "default"
    status: int = 200
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)
    create: bool = False

    @classmethod
    def ok(cls) -> Reply:
        return cls("default")

    @classmethod
    def status_of(cls, status: int, body: dict, headers: dict | None = None) -> Reply:
        return cls("status", status, body, dict(headers or {}))

    @classmethod
    def hang(cls, create: bool = False) -> Reply:
        return cls("hang", create=create)

    @classmethod
    def drop(cls, create: bool = False) -> Reply:
        return cls("drop", create=create)


@dataclass(frozen=True)
class Seen:
    """One request as the fake received it."""

    method: str
    path: str
    route: str
    headers: dict[str, str]  # names in lower case
    body: dict
    query: dict[str, list[str]]
    target: str  # the path and query string exactly as requested
    text: str | None  # the post's text, for a create
    raw: bytes = b""  # the body as received (uploads: multipart/form-data)

    @property
    def host(self) -> str:
        return self.headers.get("host", "")


class FakeServer:
    def __init__(
        self,
        *,
        port: int = 0,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(UTC),
        hang_seconds: float = 60.0,
    ):
        self.port = port
        self.clock = clock
        self.hang_seconds = hang_seconds
        self.requests: list[Seen] = []
        self.create_counts: collections.Counter[str | None] = collections.Counter()
        self._scripts: dict[str, collections.deque[Reply]] = collections.defaultdict(collections.deque)
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # --- to override ---

    def route(self, method: str, path: str) -> str:
        raise NotImplementedError

    def post_text(self, body: dict) -> str | None:
        raise NotImplementedError

    def refuse(self, seen: Seen) -> Reply | None:
        """A reply when the credentials are wrong, else None."""
        return None

    def default(self, seen: Seen) -> tuple[int, dict | list, dict]:
        raise NotImplementedError

    def lose(self, seen: Seen, kind: str) -> None:
        """Do what `default` would, for a hang or drop with create=True."""
        self.default(seen)

    # --- lifecycle ---

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        # A short poll interval keeps stop() (and so each test) fast.
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hanging requests
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- scripting and inspection ---

    def script(self, *replies: Reply, route: str = "create") -> None:
        """Queue replies for the next requests on a route."""
        with self._lock:
            self._scripts[route].extend(replies)

    def seen(self, route: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.route == route]

    # --- deciding an answer (called from handler threads) ---

    def answer(self, seen: Seen) -> Reply:
        with self._lock:
            self.requests.append(seen)
            if seen.route == "create":  # every attempt counts, answered or not
                self.create_counts[seen.text] += 1
        return self.reply_to(seen)

    def reply_to(self, seen: Seen) -> Reply:
        return self.scripted(seen) or self.refuse(seen) or Reply.ok()

    def scripted(self, seen: Seen) -> Reply | None:
        with self._lock:
            script = self._scripts[seen.route]
            return script.popleft() if script else None


def _handler_for(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self._serve()

        def do_GET(self):
            self._serve()

        def log_message(self, *args):  # keep test output quiet
            pass

        def _serve(self):
            parts = urlsplit(self.path)
            raw = self._read_raw()
            body = self._parse_body(raw)
            seen = Seen(self.command, parts.path, fake.route(self.command, parts.path),
                        {k.lower(): v for k, v in self.headers.items()}, body, parse_qs(parts.query),
                        self.path, fake.post_text(body), raw)
            reply = fake.answer(seen)
            if reply.kind in ("hang", "drop"):
                if reply.create:
                    fake.lose(seen, reply.kind)
                if reply.kind == "hang":
                    fake._stopping.wait(fake.hang_seconds)
                self.close_connection = True  # no answer at all
            elif reply.kind == "status":
                self._send(reply.status, reply.body, reply.headers)
            else:
                self._send(*fake.default(seen))

        def _read_raw(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _parse_body(self, data: bytes) -> dict:
            content_type = self.headers.get("Content-Type") or ""
            if content_type.startswith("multipart/form-data"):
                return parse_multipart(content_type, data)
            if not content_type.startswith(("application/json", "application/x-www-form-urlencoded", "text/")) \
                    and content_type:
                return {}  # a binary body (a Bluesky blob): read it from Seen.raw
            raw = data.decode("utf-8", errors="replace")
            if "json" in content_type:
                try:
                    value = json.loads(raw) if raw else {}
                except ValueError:
                    return {}
                return value if isinstance(value, dict) else {}
            return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}

        def _send(self, status: int, body: dict | list | None, headers: dict | None = None):
            data = json.dumps(body if body is not None else {}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, str(value))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first

    return Handler


def parse_multipart(content_type: str, data: bytes) -> dict:
    """A multipart/form-data body: text fields as str, files as
    {"filename", "content_type", "data"} (bytes)."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + data)
    fields: dict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            fields[name] = {"filename": filename, "content_type": part.get_content_type(), "data": payload}
        else:
            fields[name] = payload.decode("utf-8", errors="replace")
    return fields


def iso_z(when: dt.datetime) -> str:
    """The networks' timestamp format: 2026-01-01T09:00:00.000Z"""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
