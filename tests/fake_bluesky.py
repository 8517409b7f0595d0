"""A fake Bluesky PDS on loopback, so tests run atproto's real XRPC code.

    with FakeBluesky(clock=lambda: NOW) as fake:
        channel = BlueskyChannel("org_b", TEST_HANDLE, TEST_PASSWORD, base_url=fake.base_url, timeout=0.5)
        fake.script(rate_limited(reset), route="create")
        ...
        assert fake.records[0]["facets"][0]["index"] == {"byteStart": 15, "byteEnd": 22}

Speaks com.atproto.server.createSession, app.bsky.actor.getProfile,
com.atproto.identity.resolveHandle, com.atproto.repo.uploadBlob (keeps the
bytes), com.atproto.repo.createRecord (keeps each record as sent, facets
and embeds included; an embed's blobs must exist and be 1,000,000 bytes at
most) and app.bsky.feed.getAuthorFeed.
Like Bluesky it has no idempotency: the same text twice makes two posts;
but a create may name its record key (rkey, a TID), and a second create
under a key already taken is refused with a 500, as Bluesky's PDS answers
today; com.atproto.repo.getRecord fetches a record by its key.
Errors have XRPC's shape: {"error": "InvalidRecord", "message": "..."}.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import secrets
import time

from fake_server import FakeServer, Reply, Seen, iso_z

TEST_HANDLE = "advocate-test.bsky.social"
TEST_DID = "did:plc:advocatetest000000000000"
TEST_PASSWORD = "SECRET-abcd-efgh-ijkl-mnop"
TEST_ENV = {"ADVOCATE_BLUESKY_APP_PASSWORD": TEST_PASSWORD}
KNOWN_HANDLES = {"someone.bsky.social": "did:plc:someone00000000000000000"}

_ROUTES = {
    ("POST", "com.atproto.server.createSession"): "login",
    ("GET", "app.bsky.actor.getProfile"): "profile",
    ("GET", "com.atproto.identity.resolveHandle"): "resolve",
    ("POST", "com.atproto.repo.createRecord"): "create",
    ("POST", "com.atproto.repo.uploadBlob"): "upload",
    ("GET", "app.bsky.feed.getAuthorFeed"): "feed",
    ("GET", "com.atproto.repo.getRecord"): "get",
}
_TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"
_TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")  # atproto's TID syntax
MAX_IMAGE_BYTES = 1_000_000  # app.bsky.embed.images: an image blob's maxSize


def error(status: int, name: str | None = None, message: str | None = None, headers: dict | None = None) -> Reply:
    default = {400: ("InvalidRequest", "Input/text must not be longer than 300 graphemes"),
               401: ("AuthenticationRequired", "Invalid identifier or password"),
               429: ("RateLimitExceeded", "Rate Limit Exceeded"),
               500: ("InternalServerError", "Internal Server Error"),
               503: ("ServiceUnavailable", "Service Unavailable")}
    known_name, known_message = default.get(status, ("Error", "Error"))
    return Reply.status_of(status, {"error": name or known_name, "message": message or known_message}, headers)


def rate_limited(reset: dt.datetime) -> Reply:
    """A 429 as Bluesky sends it: ratelimit-reset in Unix seconds."""
    return error(429, headers={"ratelimit-limit": "5000", "ratelimit-remaining": "0",
                               "ratelimit-reset": str(int(reset.timestamp())),
                               "ratelimit-policy": "5000;w=3600"})


class FakeBluesky(FakeServer):
    def __init__(self, *, handle: str = TEST_HANDLE, password: str = TEST_PASSWORD,
                 known_handles: dict[str, str] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.handle, self.did, self.password = handle, TEST_DID, password
        self.known_handles = dict(KNOWN_HANDLES if known_handles is None else known_handles)
        self.tokens: set[str] = set()  # access tokens this fake still accepts
        self.records: list[dict] = []  # records as created, oldest first (with "uri")
        self.reposts: list[dict] = []  # other people's posts this account reposted
        self.blobs: dict[str, dict] = {}  # cid -> {"data": bytes, "mimeType"}
        self._seq = 0

    def route(self, method: str, path: str) -> str:
        return _ROUTES.get((method, path.removeprefix("/xrpc/")), "unknown")

    def post_text(self, body: dict) -> str | None:
        return body.get("record", {}).get("text")

    def refuse(self, seen: Seen) -> Reply | None:
        if seen.route in ("login", "resolve"):
            return None
        token = seen.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return error(400, "ExpiredToken", "Token has expired")
        return None

    def expire_sessions(self) -> None:
        """Refuse every access token given so far, as after a long pause."""
        with self._lock:
            self.tokens.clear()

    def posted_count(self, text: str) -> int:
        with self._lock:
            return sum(1 for r in self.records if r["record"]["text"] == text)

    def default(self, seen: Seen) -> tuple[int, dict, dict]:
        handler = getattr(self, f"_{seen.route}", None)
        return handler(seen) if handler else (404, {"error": "MethodNotImplemented", "message": seen.path}, {})

    def _login(self, seen: Seen):
        if seen.body.get("identifier") not in (self.handle, self.did) or seen.body.get("password") != self.password:
            return 401, error(401).body, {}
        access = _jwt(self.did, "com.atproto.access", hours=2)
        with self._lock:
            self.tokens.add(access)
        return 200, {"did": self.did, "handle": self.handle, "accessJwt": access,
                     "refreshJwt": _jwt(self.did, "com.atproto.refresh", hours=24 * 90), "active": True}, {}

    def _profile(self, seen: Seen):
        return 200, self._author(), {}

    def _resolve(self, seen: Seen):
        handle = seen.query.get("handle", [""])[0]
        if handle == self.handle:
            return 200, {"did": self.did}, {}
        if handle in self.known_handles:
            return 200, {"did": self.known_handles[handle]}, {}
        return 400, {"error": "InvalidRequest", "message": "Unable to resolve handle"}, {}

    def _upload(self, seen: Seen):
        """com.atproto.repo.uploadBlob: the raw bytes; limits are checked when a record uses the blob."""
        if not seen.raw:
            return 400, error(400, "InvalidRequest", "request body is empty").body, {}
        cid = "bafkrei" + hashlib.sha256(seen.raw).hexdigest()[:52]
        mime = seen.headers.get("content-type", "*/*")
        with self._lock:
            self.blobs[cid] = {"data": seen.raw, "mimeType": mime}
        return 200, {"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(seen.raw)}}, {}

    def _embed_problem(self, embed: dict | None) -> str | None:
        """Why a record's embed would be refused: unknown or oversized blobs."""
        if not embed:
            return None
        blobs = [i.get("image") for i in embed.get("images", [])]
        if embed.get("$type") == "app.bsky.embed.external" and (embed.get("external") or {}).get("thumb"):
            blobs.append(embed["external"]["thumb"])
        for blob in blobs:
            cid = ((blob or {}).get("ref") or {}).get("$link")
            if cid not in self.blobs:
                return f"Could not find blob: {cid}"
            if len(self.blobs[cid]["data"]) > MAX_IMAGE_BYTES:
                return f"Blob too big: {len(self.blobs[cid]['data'])} > {MAX_IMAGE_BYTES}"
        return None

    def _create(self, seen: Seen):
        record = seen.body.get("record", {})
        problem = self._embed_problem(record.get("embed"))
        if problem:
            return 400, error(400, "InvalidRecord", problem).body, {}
        if len(record.get("text", "")) > 300:  # Bluesky counts graphemes; close enough here
            return 400, error(400, "InvalidRecord", "Invalid app.bsky.feed.post record: "
                              "Record/text must not be longer than 300 graphemes").body, {}
        rkey = seen.body.get("rkey")
        if rkey is not None and not _TID.fullmatch(str(rkey)):
            return 400, error(400, "InvalidRequest", f"Invalid record key: {rkey}").body, {}
        with self._lock:
            uri = f"at://{self.did}/app.bsky.feed.post/{rkey or self._tid()}"
            if any(r["uri"] == uri for r in self.records):  # the PDS answers a taken key with a 500 (atproto#3718)
                return 500, error(500, "InternalServerError", "Internal Server Error").body, {}
            self.records.append({"uri": uri, "cid": f"bafyrei{secrets.token_hex(8)}", "record": record,
                                 "indexedAt": record.get("createdAt")})
        return 200, {"uri": uri, "cid": self.records[-1]["cid"], "validationStatus": "valid"}, {}

    def _get(self, seen: Seen):
        """com.atproto.repo.getRecord: one record of this account by its key."""
        rkey = seen.query.get("rkey", [""])[0]
        uri = f"at://{self.did}/app.bsky.feed.post/{rkey}"
        with self._lock:
            found = next((r for r in self.records if r["uri"] == uri), None)
        if found is None:
            return 400, error(400, "RecordNotFound", f"Could not locate record: {uri}").body, {}
        return 200, {"uri": uri, "cid": found["cid"], "value": {"$type": "app.bsky.feed.post", **found["record"]}}, {}

    def repost(self, text: str, by_handle: str = "someone.bsky.social") -> None:
        """Put someone else's post, reposted, in this account's author feed."""
        did = self.known_handles.get(by_handle, "did:plc:other")
        record = {"text": text, "createdAt": iso_z(self.clock())}
        with self._lock:
            self.reposts.append({"uri": f"at://{did}/app.bsky.feed.post/{self._tid()}", "cid": "bafyreiother",
                                 "record": record, "indexedAt": record["createdAt"],
                                 "author": {"did": did, "handle": by_handle}})

    def _feed(self, seen: Seen):
        limit = int(seen.query.get("limit", ["50"])[0])
        reason = {"$type": "app.bsky.feed.defs#reasonRepost", "by": self._author(),
                  "indexedAt": iso_z(self.clock())}
        with self._lock:
            items = [{"post": self._view(r)} for r in reversed(self.records)]
            items += [{"post": self._view(r), "reason": reason} for r in reversed(self.reposts)]
        # Stable: equal times keep newest-first within each list.
        newest_first = sorted(items, key=lambda item: item["post"]["indexedAt"], reverse=True)
        return 200, {"feed": newest_first[:limit]}, {}

    def _view(self, record: dict) -> dict:
        return {"uri": record["uri"], "cid": record["cid"], "author": record.get("author") or self._author(),
                "record": {"$type": "app.bsky.feed.post", **record["record"]},
                "indexedAt": record["indexedAt"], "replyCount": 0, "repostCount": 0, "likeCount": 0}

    def _author(self) -> dict:
        return {"did": self.did, "handle": self.handle, "displayName": "Advocate Test"}

    def _tid(self) -> str:
        """A record key as Bluesky makes them: 13 base32 characters of time and a clock id."""
        self._seq += 1
        value = (int(self.clock().timestamp() * 1_000_000) << 10) | (self._seq & 0x3FF)
        return "".join(_TID_CHARS[(value >> shift) & 31] for shift in range(60, -1, -5))


def _jwt(did: str, scope: str, hours: int) -> str:
    # atproto reads `exp` against the real clock to decide when to refresh.
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    payload = {"scope": scope, "sub": did, "iat": int(time.time()), "exp": int(time.time()) + hours * 3600,
               "jti": secrets.token_hex(8)}
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(payload)}.{part({'sig': 'fake'})}"
