"""A fake Mastodon instance on loopback, so tests run Mastodon.py's real HTTP code.

    with FakeMastodon(clock=lambda: NOW) as fake:
        channel = MastodonChannel("org_m", TEST_TOKEN, base_url=fake.base_url, timeout=0.5)
        fake.script(error(503), Reply.hang(create=True))
        ...
        assert fake.create_counts["text"] == 2 and fake.posted_count("text") == 1

Speaks POST /api/v1/statuses, GET /api/v1/accounts/verify_credentials,
GET /api/v1/accounts/:id/statuses, GET /api/v1/instance (and v2), and
POST /api/v2/media (multipart `file` and `description`: 16 MB and 1,500
characters at most, as Mastodon 4.x by default); a status's media_ids must
name uploaded attachments. Like Mastodon,
a repeated Idempotency-Key answers the status it already made; status ids
are snowflakes (milliseconds << 16) so since_id given as a date works; and
content comes back as HTML, mentions shortened to @user.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from fake_server import UTC, FakeServer, Reply, Seen, iso_z

TEST_TOKEN = "SECRET-mastodon-token-do-not-leak"
TEST_ENV = {"ADVOCATE_MASTODON_ACCESS_TOKEN": TEST_TOKEN}


def error(status: int, message: str | None = None, headers: dict | None = None) -> Reply:
    """Mastodon's error shape: {"error": "..."}."""
    default = {401: "The access token is invalid", 403: "This action is outside the authorized scopes",
               404: "Record not found", 422: "Validation failed: Text character limit of 500 exceeded",
               429: "Too many requests", 500: "Internal Server Error", 503: "Service Unavailable"}
    return Reply.status_of(status, {"error": message or default.get(status, "Error")}, headers)


def rate_limited(reset: dt.datetime) -> Reply:
    """A 429 as Mastodon sends it: the reset as an ISO 8601 time."""
    stamp = reset.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return error(429, headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                               "X-RateLimit-Reset": stamp})


_ROUTES = (
    ("POST", r"/api/v1/statuses", "create"),
    ("GET", r"/api/v1/accounts/verify_credentials", "me"),
    ("GET", r"/api/v1/accounts/[^/]+/statuses", "timeline"),
    ("GET", r"/api/v1/instance", "instance"),
    ("GET", r"/api/v2/instance", "instance_v2"),
    ("POST", r"/api/v[12]/media", "upload"),
)
MAX_IMAGE_BYTES = 16 * 1024 * 1024
MAX_DESCRIPTION = 1500


class FakeMastodon(FakeServer):
    def __init__(self, *, token: str | None = TEST_TOKEN, username: str = "advocate_test",
                 max_chars: int = 500, **kwargs):
        super().__init__(**kwargs)
        self.token = token  # None accepts any
        self.username, self.account_id = username, "109000000000000001"
        self.max_chars = max_chars
        self.statuses: list[dict] = []  # created, oldest first
        self.by_key: dict[str, dict] = {}  # Idempotency-Key -> status
        self.media: dict[str, dict] = {}  # attachment id -> {"data", "content_type", "description"}
        self._seq = 0

    def route(self, method: str, path: str) -> str:
        for want, pattern, name in _ROUTES:
            if method == want and re.fullmatch(pattern, path.rstrip("/")):
                return name
        return "unknown"

    def post_text(self, body: dict) -> str | None:
        return body.get("status")

    def refuse(self, seen: Seen) -> Reply | None:
        if seen.route in ("instance", "instance_v2") or self.token is None:
            return None
        if seen.headers.get("authorization") != f"Bearer {self.token}":
            return error(401)
        return None

    def posted_count(self, text: str) -> int:
        with self._lock:
            return sum(1 for s in self.statuses if s["_text"] == text)

    def default(self, seen: Seen) -> tuple[int, dict | list, dict]:
        if seen.route == "create":
            return self._create(seen)
        if seen.route == "me":
            return 200, self._account(), {}
        if seen.route == "timeline":
            return 200, self._timeline(seen.query), {}
        if seen.route == "instance":
            return 200, {"uri": "127.0.0.1", "title": "Fake", "version": "4.3.0"}, {}
        if seen.route == "instance_v2":
            return 200, {"domain": "127.0.0.1", "title": "Fake", "version": "4.3.0",
                         "api_versions": {"mastodon": 2}}, {}
        if seen.route == "upload":
            return self._upload(seen)
        return 404, {"error": "Record not found"}, {}

    def _create(self, seen: Seen) -> tuple[int, dict, dict]:
        text, key = seen.body.get("status", ""), seen.headers.get("idempotency-key")
        with self._lock:
            if key in self.by_key:  # Mastodon answers the status it already made
                return 200, _public(self.by_key[key]), {}
            if len(text) > self.max_chars:
                return 422, {"error": f"Validation failed: Text character limit of {self.max_chars} exceeded"}, {}
            ids = _media_ids(seen.body)
            if any(i not in self.media for i in ids):
                return 422, {"error": "Validation failed: Media attachments are invalid"}, {}
            status = self._status(text, seen.body.get("visibility", "public"))
            status["media_attachments"] = [self._attachment(i) for i in ids]
            self.statuses.append(status)
            if key:
                self.by_key[key] = status
        return 200, _public(status), {}

    def _status(self, text: str, visibility: str) -> dict:
        now = self.clock()
        self._seq += 1
        status_id = str((int(now.timestamp() * 1000) << 16) + self._seq)
        content, mentions = render_html(text, f"127.0.0.1:{self.port}")
        return {
            "id": status_id, "created_at": iso_z(now), "visibility": visibility,
            "url": f"{self.base_url}/@{self.username}/{status_id}",
            "uri": f"{self.base_url}/users/{self.username}/statuses/{status_id}",
            "content": content, "mentions": mentions, "tags": [], "emojis": [],
            "media_attachments": [], "account": self._account(), "_text": text,
        }

    def _upload(self, seen: Seen) -> tuple[int, dict, dict]:
        file = seen.body.get("file")
        description = seen.body.get("description")
        if not isinstance(file, dict) or not file["data"]:
            return 422, {"error": "Validation failed: File can't be blank"}, {}
        if len(file["data"]) > MAX_IMAGE_BYTES:
            return 422, {"error": "Validation failed: File file size must be less than 16 MB"}, {}
        if description is not None and len(description) > MAX_DESCRIPTION:
            return 422, {"error": "Validation failed: Description is too long (maximum is 1500 characters)"}, {}
        with self._lock:
            self._seq += 1
            media_id = str(110_000_000_000_000_000 + self._seq)
            self.media[media_id] = {"data": file["data"], "content_type": file["content_type"],
                                    "description": description}
        return 200, self._attachment(media_id), {}

    def _attachment(self, media_id: str) -> dict:
        media = self.media[media_id]
        return {"id": media_id, "type": "image", "url": f"{self.base_url}/media/{media_id}.jpg",
                "preview_url": f"{self.base_url}/media/{media_id}-small.jpg", "description": media["description"],
                "meta": {}, "blurhash": None}

    def _account(self) -> dict:
        return {"id": self.account_id, "username": self.username, "acct": self.username,
                "url": f"{self.base_url}/@{self.username}", "display_name": "Advocate Test",
                "created_at": "2024-01-01T00:00:00.000Z"}

    def _timeline(self, query: dict) -> list[dict]:
        since = int(query.get("since_id", ["0"])[0])
        limit = int(query.get("limit", ["20"])[0])
        with self._lock:
            newest_first = [s for s in reversed(self.statuses) if int(s["id"]) > since]
        return [_public(s) for s in newest_first[:limit]]


def _media_ids(body: dict) -> list[str]:
    value = body.get("media_ids[]", body.get("media_ids")) or []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _public(status: dict) -> dict:
    return {k: v for k, v in status.items() if not k.startswith("_")}


# How Mastodon renders a status: the forms, not every rule.
_TOKEN = re.compile(r"(?P<url>https?://\S+)|(?P<tag>(?<!\w)#\w+)|(?P<mention>(?<![\w/])@\w+(?:@[\w.-]+\w)?)")


def render_html(text: str, local_host: str) -> tuple[str, list[dict]]:
    """Mastodon's HTML for a text, and its mentions list."""
    mentions: list[dict] = []
    rendered = ["<p>" + "<br />".join(_line(line, local_host, mentions) for line in p.split("\n")) + "</p>"
                for p in re.split(r"\n{2,}", text)]
    return "".join(rendered), mentions


def _line(line: str, local_host: str, mentions: list[dict]) -> str:
    out, at = [], 0
    for match in _TOKEN.finditer(line):
        out.append(html.escape(line[at:match.start()]))
        out.append(_entity(match, local_host, mentions))
        at = match.end()
    out.append(html.escape(line[at:]))
    return "".join(out)


def _entity(match: re.Match, local_host: str, mentions: list[dict]) -> str:
    token = match.group()
    if match.lastgroup == "url":
        scheme, _, rest = token.partition("://")
        shown, hidden = rest[:30], rest[30:]
        ellipsis = ' class="ellipsis"' if hidden else ' class=""'
        return (f'<a href="{html.escape(token)}" target="_blank" rel="nofollow noopener" translate="no">'
                f'<span class="invisible">{scheme}://</span><span{ellipsis}>{html.escape(shown)}</span>'
                f'<span class="invisible">{html.escape(hidden)}</span></a>')
    if match.lastgroup == "tag":
        name = token[1:]
        return (f'<a href="http://{local_host}/tags/{name.lower()}" class="mention hashtag" rel="tag">'
                f'#<span>{html.escape(name)}</span></a>')
    user, _, host = token[1:].partition("@")
    url = f"https://{host or local_host}/@{user}"
    mentions.append({"id": str(len(mentions) + 1), "username": user, "acct": token[1:], "url": url})
    return (f'<span class="h-card" translate="no"><a href="{url}" class="u-url mention">'
            f'@<span>{html.escape(user)}</span></a></span>')
