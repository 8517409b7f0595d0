"""A fake X API v2 on loopback, so tests run tweepy's real HTTP code.

In tests:

    with FakeX() as fake:
        channel = XChannel("org_x", TEST_CREDENTIALS, base_url=fake.base_url, timeout=0.5)
        fake.script(Reply.error(503), Reply.hang(create=True))
        ...
        assert fake.create_counts["text"] <= 1

As a process, for crash tests (runs until SIGTERM or SIGINT):

    python tests/fake_x.py --port-file PORT --state-file STATE.jsonl [--script hang+create,ok]

Speaks POST /2/tweets, GET /2/users/me and GET /2/users/:id/tweets. Every
create request is counted per text and, with a state file, appended to it
as one JSON line; a restarted fake reads the file back. Like X, posting a
text that was already posted answers 403 duplicate content. Requests must
carry a valid OAuth 1.0a signature for TEST_CREDENTIALS (pass
credentials=None to accept any), which proves tweepy signed the URL it
really sent.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import html
import json
import os
import re
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

UTC = dt.timezone.utc
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
TEST_CREDENTIALS = {
    "api_key": "fake-consumer-key",
    "api_secret": "SECRET-consumer-secret-do-not-leak",
    "access_token": "1000-fake-access-token",
    "access_secret": "SECRET-access-secret-do-not-leak",
}
TEST_ENV = {
    "ADVOCATE_X_API_KEY": TEST_CREDENTIALS["api_key"],
    "ADVOCATE_X_API_SECRET": TEST_CREDENTIALS["api_secret"],
    "ADVOCATE_X_ACCESS_TOKEN": TEST_CREDENTIALS["access_token"],
    "ADVOCATE_X_ACCESS_SECRET": TEST_CREDENTIALS["access_secret"],
}
_TITLES = {400: "Invalid Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class Reply:
    """What the fake does with one request.

    kind: "default" (what X would do: create, or 403 duplicate), "status"
    (answer `status` with `body`/`headers`), "hang" (answer nothing until
    the fake stops), "drop" (close the connection without an answer).
    create: for hang/drop, record the post first: X got it, the answer was lost.
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
    def error(cls, status: int, detail: str | None = None, headers: dict | None = None) -> Reply:
        title = _TITLES.get(status, "Error")
        body = {"title": title, "detail": detail or title, "type": "about:blank", "status": status}
        return cls("status", status, body, dict(headers or {}))

    @classmethod
    def hang(cls, create: bool = False) -> Reply:
        return cls("hang", create=create)

    @classmethod
    def drop(cls, create: bool = False) -> Reply:
        return cls("drop", create=create)

    @classmethod
    def from_spec(cls, spec: str) -> Reply:
        """'ok', 'hang', 'hang+create', 'drop', 'drop+create', or a status like '503'."""
        kind, _, extra = spec.strip().partition("+")
        if kind in ("hang", "drop"):
            return cls(kind, create=extra == "create")
        return cls.ok() if kind == "ok" else cls.error(int(kind))


@dataclass(frozen=True)
class Seen:
    """One request as the fake received it."""

    method: str
    path: str
    host: str
    route: str
    text: str | None = None


class FakeX:
    def __init__(
        self,
        *,
        port: int = 0,
        state_file: Path | None = None,
        credentials: dict[str, str] | None = TEST_CREDENTIALS,
        user_id: str = "1000",
        username: str = "advocate_test",
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(UTC),
        hang_seconds: float = 60.0,
    ):
        self.port = port
        self.state_file = Path(state_file) if state_file else None
        self.credentials = credentials
        self.user_id, self.username = user_id, username
        self.clock = clock
        self.hang_seconds = hang_seconds
        self.handler: Callable[[Seen], Reply | None] | None = None
        self.requests: list[Seen] = []
        self.create_counts: collections.Counter[str] = collections.Counter()
        self.posts: list[dict] = []  # created posts, oldest first
        self._scripts: dict[str, collections.deque[Reply]] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._next_id = 1_900_000_000_000_000_000
        self._load_state()

    # --- lifecycle ---

    def start(self) -> FakeX:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        # A short poll interval keeps stop() (and so each test) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hanging requests
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeX:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- scripting and inspection ---

    def script(self, *replies: Reply, route: str = "create") -> None:
        """Queue replies for the next requests on a route: create, me or timeline."""
        with self._lock:
            self._scripts[route].extend(replies)

    def posted_count(self, text: str) -> int:
        with self._lock:
            return sum(1 for post in self.posts if post["text"] == text)

    def seen(self, route: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.route == route]

    # --- deciding an answer (called from handler threads) ---

    def answer(self, seen: Seen, signature_ok: bool) -> Reply:
        with self._lock:
            self.requests.append(seen)
            if seen.route == "create":
                self.create_counts[seen.text] += 1
            if not signature_ok:
                return Reply.error(401)
            script = self._scripts[seen.route]
            reply = script.popleft() if script else None
        if reply is None and self.handler is not None:
            reply = self.handler(seen)
        return reply or Reply.ok()

    def default_body(self, seen: Seen, query: dict) -> tuple[int, dict]:
        if seen.route == "create":
            return self._create(seen.text, status=201)
        if seen.route == "me":
            return 200, {"data": {"id": self.user_id, "name": "Advocate Test", "username": self.username}}
        if seen.route == "timeline":
            return 200, self._timeline(query)
        return 404, Reply.error(404).body

    def record_lost_create(self, text: str, kind: str) -> None:
        """A hang or drop with create=True: the post exists, the answer is lost."""
        self._create(text, status=kind)

    def _create(self, text: str, status) -> tuple[int, dict]:
        with self._lock:
            if any(post["text"] == text for post in self.posts):
                self._append_state({"text": text, "status": 403, "created": False})
                return 403, Reply.error(403, DUPLICATE).body
            self._next_id += 1
            post = {"id": str(self._next_id), "text": text, "created_at": _iso(self.clock())}
            self.posts.append(post)
            self._append_state({**post, "status": status, "created": True})
        return 201, {"data": {"id": post["id"], "text": text, "edit_history_tweet_ids": [post["id"]]}}

    def _timeline(self, query: dict) -> dict:
        since = query.get("start_time", [None])[0]
        limit = int(query.get("max_results", ["10"])[0])
        with self._lock:
            posts = [p for p in reversed(self.posts) if since is None or p["created_at"] >= _iso(_parse_z(since))]
        posts = posts[:limit]
        if not posts:
            return {"meta": {"result_count": 0}}
        meta = {"result_count": len(posts), "newest_id": posts[0]["id"], "oldest_id": posts[-1]["id"]}
        # Like X, v2 timeline text comes back with &, < and > escaped.
        data = [{**p, "text": html.escape(p["text"], quote=False), "edit_history_tweet_ids": [p["id"]]}
                for p in posts]
        return {"data": data, "meta": meta}

    # --- state file ---

    def _append_state(self, line: dict) -> None:
        if self.state_file is None:
            return
        line = {**line, "received_at": _iso(self.clock())}
        with self.state_file.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def _load_state(self) -> None:
        if self.state_file is None or not self.state_file.exists():
            return
        for raw in self.state_file.read_text(encoding="utf-8").splitlines():
            try:
                line = json.loads(raw)
            except ValueError:
                continue  # torn by a kill mid-write
            self.create_counts[line["text"]] += 1
            if line.get("created"):
                self.posts.append({k: line[k] for k in ("id", "text", "created_at")})
                self._next_id = max(self._next_id, int(line["id"]))


def _handler_for(fake: FakeX) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self._serve()

        def do_GET(self):
            self._serve()

        def log_message(self, *args):  # keep test output quiet
            pass

        def _serve(self):
            parts = urlsplit(self.path)
            body = self._read_json()
            seen = Seen(self.command, parts.path, self.headers.get("Host", ""),
                        _route(self.command, parts.path), body.get("text"))
            reply = fake.answer(seen, _signature_ok(fake.credentials, self))
            if reply.kind in ("hang", "drop"):
                self._lose(reply, seen)
            elif reply.kind == "status":
                self._send(reply.status, reply.body, reply.headers)
            else:
                self._send(*fake.default_body(seen, parse_qs(parts.query)))

        def _lose(self, reply: Reply, seen: Seen):
            if reply.create and seen.route == "create":
                fake.record_lost_create(seen.text, reply.kind)
            if reply.kind == "hang":
                fake._stopping.wait(fake.hang_seconds)
            self.close_connection = True  # no answer at all

        def _read_json(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                value = json.loads(raw) if raw else {}
            except ValueError:
                return {}
            return value if isinstance(value, dict) else {}

        def _send(self, status: int, body: dict | None, headers: dict | None = None):
            data = json.dumps(body or {}).encode()
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


def _route(method: str, path: str) -> str:
    if method == "POST" and path == "/2/tweets":
        return "create"
    if method == "GET" and path == "/2/users/me":
        return "me"
    if method == "GET" and re.fullmatch(r"/2/users/[^/]+/tweets", path):
        return "timeline"
    return "unknown"


def _signature_ok(credentials: dict | None, request: BaseHTTPRequestHandler) -> bool:
    """Verify the OAuth 1.0a HMAC-SHA1 signature over the URL as received."""
    if credentials is None:
        return True
    from oauthlib.common import Request
    from oauthlib.oauth1.rfc5849 import signature, utils

    header = request.headers.get("Authorization", "")
    if not header.startswith("OAuth "):
        return False
    oauth = dict(utils.parse_authorization_header(header))
    uri = f"http://{request.headers.get('Host')}{request.path}"
    checked = Request(uri, http_method=request.command)
    checked.params = signature.collect_parameters(
        uri_query=urlsplit(request.path).query, headers={"Authorization": header}
    )
    checked.signature = utils.unescape(oauth.get("oauth_signature", ""))
    return (
        oauth.get("oauth_consumer_key") == credentials["api_key"]
        and oauth.get("oauth_token") == credentials["access_token"]
        and signature.verify_hmac_sha1(checked, credentials["api_secret"], credentials["access_secret"])
    )


def _iso(when: dt.datetime) -> str:
    """X's timestamp format: 2026-01-01T09:00:00.000Z"""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _parse_z(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run a fake X API v2 on 127.0.0.1.")
    parser.add_argument("--port-file", type=Path, required=True, help="write the port here once listening")
    parser.add_argument("--state-file", type=Path, required=True, help="JSON lines of create requests")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--script", default="", help="replies for the next creates, e.g. 503,hang+create,ok")
    parser.add_argument("--any-credentials", action="store_true", help="skip the OAuth signature check")
    args = parser.parse_args(argv)

    fake = FakeX(port=args.port, state_file=args.state_file,
                 credentials=None if args.any_credentials else TEST_CREDENTIALS)
    fake.script(*(Reply.from_spec(s) for s in args.script.split(",") if s.strip()))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with fake:
        # Write then rename: a reader never sees a half-written port.
        tmp = args.port_file.with_name(args.port_file.name + ".tmp")
        tmp.write_text(str(fake.port))
        tmp.replace(args.port_file)
        print(fake.port, flush=True)  # lets a parent wait by reading, not polling
        stop.wait()


if __name__ == "__main__":
    main()
