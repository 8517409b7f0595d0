"""A fake X API v2 on loopback, so tests run tweepy's real HTTP code.

In tests:

    with FakeX() as fake:
        channel = XChannel("org_x", TEST_CREDENTIALS, base_url=fake.base_url, timeout=0.5)
        fake.script(Reply.error(503), Reply.hang(create=True))
        ...
        assert fake.create_counts["text"] <= 1

As a process, for crash tests (runs until SIGTERM or SIGINT):

    python tests/fake_x.py --port-file PORT --state-file STATE.jsonl [--script hang+create,ok]

Speaks POST /2/tweets, GET /2/users/me, GET /2/users/:id/tweets and the v2
media upload: POST /2/media/upload (JSON, the image base64 in "media"; 5 MB
at most, as X's tweet_image) and POST /2/media/metadata (alt text, 1,000
characters at most). A post's media ids must name uploaded media. Every
create request is counted per text and, with a state file, appended to it
as one JSON line; a restarted fake reads the file back. Like X, posting a
text that was already posted answers 403 duplicate content. Requests must
carry a valid OAuth 1.0a signature for TEST_CREDENTIALS (pass
credentials=None to accept any), which proves tweepy signed the URL it
really sent.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import html
import json
import os
import re
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import fake_server
from fake_server import FakeServer, Seen, iso_z

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
MAX_IMAGE_BYTES = 5 * 1024 * 1024  # tweet_image
MAX_ALT = 1000
_TITLES = {400: "Invalid Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


class Reply(fake_server.Reply):
    """fake_server.Reply, with X's error bodies; kind "default" creates the
    post, or answers 403 duplicate as X does."""

    @classmethod
    def error(cls, status: int, detail: str | None = None, headers: dict | None = None) -> Reply:
        title = _TITLES.get(status, "Error")
        body = {"title": title, "detail": detail or title, "type": "about:blank", "status": status}
        return cls.status_of(status, body, headers)

    @classmethod
    def from_spec(cls, spec: str) -> Reply:
        """'ok', 'hang', 'hang+create', 'drop', 'drop+create', or a status like '503'."""
        kind, _, extra = spec.strip().partition("+")
        if kind in ("hang", "drop"):
            return cls(kind, create=extra == "create")
        return cls.ok() if kind == "ok" else cls.error(int(kind))


class FakeX(FakeServer):
    def __init__(
        self,
        *,
        state_file: Path | None = None,
        credentials: dict[str, str] | None = TEST_CREDENTIALS,
        user_id: str = "1000",
        username: str = "advocate_test",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.state_file = Path(state_file) if state_file else None
        self.credentials = credentials
        self.user_id, self.username = user_id, username
        # Asked for a reply when no script is left (e.g. to pause a create).
        self.handler: Callable[[Seen], Reply | None] | None = None
        self.posts: list[dict] = []  # created posts, oldest first
        self.media: dict[str, dict] = {}  # media id -> {"data": bytes, "media_type", "alt"}
        self._next_id = 1_900_000_000_000_000_000
        self._load_state()

    # --- inspection ---

    def posted_count(self, text: str) -> int:
        with self._lock:
            return sum(1 for post in self.posts if post["text"] == text)

    # --- what FakeServer asks (called from handler threads) ---

    def route(self, method: str, path: str) -> str:
        if method == "POST" and path == "/2/tweets":
            return "create"
        if method == "POST" and path == "/2/media/upload":
            return "upload"
        if method == "POST" and path == "/2/media/metadata":
            return "metadata"
        if method == "GET" and path == "/2/users/me":
            return "me"
        if method == "GET" and re.fullmatch(r"/2/users/[^/]+/tweets", path):
            return "timeline"
        return "unknown"

    def post_text(self, body: dict) -> str | None:
        return body.get("text")

    def refuse(self, seen: Seen) -> Reply | None:
        return None if _signature_ok(self.credentials, seen) else Reply.error(401)

    def reply_to(self, seen: Seen) -> Reply:
        # A bad signature is refused before any script is used up.
        reply = self.refuse(seen) or self.scripted(seen)
        if reply is None and self.handler is not None:
            reply = self.handler(seen)
        return reply or Reply.ok()

    def default(self, seen: Seen) -> tuple[int, dict, dict]:
        if seen.route == "create":
            missing = [m for m in _media_ids(seen.body) if m not in self.media]
            if missing:
                return 400, Reply.error(400, f"Your media IDs are invalid: {missing[0]}").body, {}
            return *self._create(seen.text, status=201, media_ids=_media_ids(seen.body)), {}
        if seen.route == "upload":
            return self._upload(seen.body)
        if seen.route == "metadata":
            return self._metadata(seen.body)
        if seen.route == "me":
            return 200, {"data": {"id": self.user_id, "name": "Advocate Test", "username": self.username}}, {}
        if seen.route == "timeline":
            return 200, self._timeline(seen.query), {}
        return 404, Reply.error(404).body, {}

    def lose(self, seen: Seen, kind: str) -> None:
        if seen.route == "create":  # the post exists, the answer is lost
            self._create(seen.text, status=kind, media_ids=_media_ids(seen.body))
        elif seen.route == "upload":
            self._upload(seen.body)

    def _upload(self, body: dict) -> tuple[int, dict, dict]:
        try:
            data = base64.b64decode(body.get("media") or "", validate=True)
        except ValueError:
            return 400, Reply.error(400, "media must be base64").body, {}
        if not data or body.get("media_category") != "tweet_image":
            return 400, Reply.error(400, "media and media_category tweet_image are required").body, {}
        if len(data) > MAX_IMAGE_BYTES:
            return 400, Reply.error(400, "File size exceeds 5242880 bytes.").body, {}
        with self._lock:
            self._next_id += 1
            media_id = str(self._next_id)
            self.media[media_id] = {"data": data, "media_type": body.get("media_type"), "alt": None}
        return 200, {"data": {"id": media_id, "media_key": f"3_{media_id}", "size": len(data),
                              "expires_after_secs": 86400}}, {}

    def _metadata(self, body: dict) -> tuple[int, dict, dict]:
        media_id = str(body.get("id") or "")
        alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        if media_id not in self.media:
            return 400, Reply.error(400, f"Unknown media id {media_id}").body, {}
        if not isinstance(alt, str) or len(alt) > MAX_ALT:
            return 400, Reply.error(400, "alt_text.text must be at most 1000 characters").body, {}
        with self._lock:
            self.media[media_id]["alt"] = alt
        return 200, {"data": {"id": media_id, "associated_metadata": {"alt_text": {"text": alt}}}}, {}

    def _create(self, text: str, status, media_ids: list[str] = ()) -> tuple[int, dict]:
        with self._lock:
            if any(post["text"] == text for post in self.posts):
                self._append_state({"text": text, "status": 403, "created": False})
                return 403, Reply.error(403, DUPLICATE).body
            self._next_id += 1
            post = {"id": str(self._next_id), "text": text, "created_at": iso_z(self.clock())}
            if media_ids:
                post["media_ids"] = list(media_ids)
            self.posts.append(post)
            self._append_state({**post, "status": status, "created": True})
        return 201, {"data": {"id": post["id"], "text": text, "edit_history_tweet_ids": [post["id"]]}}

    def _timeline(self, query: dict) -> dict:
        since = query.get("start_time", [None])[0]
        limit = int(query.get("max_results", ["10"])[0])
        with self._lock:
            posts = [p for p in reversed(self.posts) if since is None or p["created_at"] >= iso_z(_parse_z(since))]
        posts = posts[:limit]
        if not posts:
            return {"meta": {"result_count": 0}}
        meta = {"result_count": len(posts), "newest_id": posts[0]["id"], "oldest_id": posts[-1]["id"]}
        # Like X, v2 timeline text comes back with &, < and > escaped.
        data = [{**{k: v for k, v in p.items() if k != "media_ids"}, "text": html.escape(p["text"], quote=False),
                 "edit_history_tweet_ids": [p["id"]],
                 **({"attachments": {"media_keys": [f"3_{m}" for m in p["media_ids"]]}} if p.get("media_ids") else {})}
                for p in posts]
        return {"data": data, "meta": meta}

    # --- state file ---

    def _append_state(self, line: dict) -> None:
        if self.state_file is None:
            return
        line = {**line, "received_at": iso_z(self.clock())}
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


def _signature_ok(credentials: dict | None, seen: Seen) -> bool:
    """Verify the OAuth 1.0a HMAC-SHA1 signature over the URL as received."""
    if credentials is None:
        return True
    from oauthlib.common import Request
    from oauthlib.oauth1.rfc5849 import signature, utils

    header = seen.headers.get("authorization", "")
    if not header.startswith("OAuth "):
        return False
    oauth = dict(utils.parse_authorization_header(header))
    uri = f"http://{seen.headers.get('host')}{seen.target}"
    checked = Request(uri, http_method=seen.method)
    checked.params = signature.collect_parameters(
        uri_query=urlsplit(seen.target).query, headers={"Authorization": header}
    )
    checked.signature = utils.unescape(oauth.get("oauth_signature", ""))
    return (
        oauth.get("oauth_consumer_key") == credentials["api_key"]
        and oauth.get("oauth_token") == credentials["access_token"]
        and signature.verify_hmac_sha1(checked, credentials["api_secret"], credentials["access_secret"])
    )


def _media_ids(body: dict) -> list[str]:
    return [str(m) for m in (body.get("media") or {}).get("media_ids") or []]


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
