"""RSS/Atom feeds, polled on an interval; new entries are ingested like inbox files.

Each entry is handled once: its id is remembered in `feed_entries` with
what became of it. An entry's text is its own content when the feed
carries it, else the page (or PDF) its link points to, fetched with a
timeout. A feed or a link that cannot be fetched is logged and tried
again at the next poll (an entry gives up after MAX_ATTEMPTS, and says
so in the events); nothing here ever stops the daemon.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from .config import Config
from .db import write
from .errors import AdvocateError
from .events import log_event
from .intake import apply_document
from .timefmt import from_db, to_db

logger = logging.getLogger("advocate")

POLLED_KEY = "feeds_polled_at"
MAX_ATTEMPTS = 5
USER_AGENT = "advocate (Urgent Action campaigns; feed reader)"

Fetch = Callable[[str, float], bytes]


class FetchError(Exception):
    """A feed or a page could not be fetched now; try again at the next poll."""


@dataclass
class FeedResult:
    ingested: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    feed_errors: dict[str, str] = field(default_factory=dict)


def fetch_url(url: str, timeout: float) -> bytes:
    """The bytes at an http(s) or file URL; FetchError when they cannot be had now."""
    if urlparse(url).scheme == "file":
        try:
            return Path(url2pathname(unquote(urlparse(url).path))).read_bytes()
        except OSError as exc:
            raise FetchError(f"{public_url(url)}: {exc.strerror}") from None
    import requests

    try:
        with requests.get(url, timeout=timeout, headers={"User-Agent": USER_AGENT}, stream=True) as response:
            response.raise_for_status()
            return _read_at_most(response, MAX_FETCH_BYTES)
    except requests.RequestException as exc:
        raise FetchError(f"{public_url(url)}: {fetch_failure(exc)}") from None


# A page or PDF bigger than any document we would read is cut short here,
# so a hostile server cannot fill memory; the reader then refuses it by size.
MAX_FETCH_BYTES = 200 * 1024 * 1024


def _read_at_most(response, limit: int) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)


def public_url(url: str) -> str:
    """scheme://host/path: what may be logged and stored of a URL.

    The query, fragment and any user:password are left out: feed and
    document links carry tokens and signed parameters there.
    """
    try:
        parts = urlparse(url)
        host = parts.hostname or ""
        host = f"[{host}]" if ":" in host else host
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a malformed port or address: show nothing of it
        return "(a malformed URL)"
    if parts.scheme == "file":
        return f"file://{parts.path}"
    if not parts.netloc:  # an entry id like 'ua-1' or 'sha256:...', not a link
        return url
    return f"{parts.scheme}://{host}{port}{parts.path}"


def fetch_failure(exc: BaseException) -> str:
    """Why a request failed, from its status code or its type: its text holds the full URL."""
    import requests

    response = getattr(exc, "response", None)
    if isinstance(exc, requests.HTTPError) and response is not None:
        return f"HTTP {response.status_code}{(' ' + response.reason) if response.reason else ''}"
    if isinstance(exc, requests.ConnectTimeout):  # before Timeout: it is both
        return "no connection within the timeout"
    if isinstance(exc, requests.Timeout):
        return "no answer within the timeout"
    if isinstance(exc, requests.ConnectionError):
        reason = exc.args[0] if exc.args else exc
        reason = getattr(reason, "reason", reason)
        return f"the connection failed ({type(reason).__name__})"
    return f"the request failed ({type(exc).__name__})"


def feeds_due(db, config: Config, now: dt.datetime) -> bool:
    if not config.feeds.urls:
        return False
    row = db.execute("SELECT value FROM daemon WHERE key = ?", [POLLED_KEY]).fetchone()
    last = from_db(row[0]) if row else None
    return last is None or now - last >= dt.timedelta(minutes=config.feeds.interval_minutes)


def poll_feeds(db, config: Config, now: dt.datetime, fetch: Fetch = fetch_url) -> FeedResult:
    """Poll every configured feed once; a feed that fails does not stop the others."""
    result = FeedResult()
    for url in config.feeds.urls:
        try:
            entries = read_feed(url, fetch, config.feeds.timeout_seconds)
        except FetchError as exc:
            logger.warning("feed %s not read, trying again at the next poll: %s", public_url(url), exc)
            result.feed_errors[url] = str(exc)
            continue
        for entry in reversed(entries):  # feeds list the newest first; an update needs its UA before it
            handle_entry(db, url, entry, now, config, fetch, result)
    with write(db):
        db.execute("INSERT OR REPLACE INTO daemon (key, value) VALUES (?, ?)", [POLLED_KEY, to_db(now)])
    return result


def read_feed(url: str, fetch: Fetch, timeout: float) -> list:
    import feedparser

    parsed = feedparser.parse(fetch(url, timeout))
    if parsed.bozo and not parsed.entries:
        raise FetchError(f"not an RSS or Atom feed ({parsed.get('bozo_exception')})")
    return list(parsed.entries)


def entry_key(entry) -> str:
    key = entry.get("id") or entry.get("link")
    if key:
        return key
    return "sha256:" + hashlib.sha256(f"{entry.get('title')}|{entry.get('summary')}".encode()).hexdigest()


def handle_entry(db, feed: str, entry, now: dt.datetime, config: Config, fetch: Fetch, result: FeedResult) -> None:
    key = entry_key(entry)
    seen = db.execute("SELECT status, attempts FROM feed_entries WHERE feed = ? AND entry_id = ?", [feed, key]).fetchone()
    if seen and seen[0] != "retry":
        return
    name = entry.get("link") or entry.get("title") or key
    attempts = (seen[1] if seen else 0) + 1
    try:
        document = entry_document(entry, fetch, config.feeds.timeout_seconds, config.ingest)
        outcome = apply_document(db, config, now, name, document, record_unknown=False)  # a feed's other posts are not kept
    except FetchError as exc:
        _record_retry(db, feed, key, entry, now, attempts, str(exc), result)
        return
    except AdvocateError as exc:  # not a UA, a passed deadline...: handled, not retried
        _record(db, feed, key, entry, now, "rejected", attempts, str(exc))
        result.rejected.append(name)
        return
    _record(db, feed, key, entry, now, "ingested", attempts, None, outcome.document_id)
    result.ingested.append(name)


def _record_retry(db, feed, key, entry, now, attempts: int, error: str, result: FeedResult) -> None:
    if attempts < MAX_ATTEMPTS:
        logger.warning("feed entry %s not fetched (attempt %s), trying again at the next poll: %s", public_url(key), attempts, error)
        _record(db, feed, key, entry, now, "retry", attempts, error)
        result.retrying.append(key)
        return
    with write(db):
        _record(db, feed, key, entry, now, "failed", attempts, error)
        log_event(db, now, "feed-failed", f"feed entry {public_url(entry.get('link') or key)} given up after {attempts} attempts: {error}")


def _record(db, feed, key, entry, now, status: str, attempts: int, error: str | None, document_id: int | None = None) -> None:
    with write(db):
        db.execute(
            """INSERT INTO feed_entries (feed, entry_id, link, title, status, attempts, error, document_id, first_seen, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (feed, entry_id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
                 error = excluded.error, document_id = excluded.document_id, updated_at = excluded.updated_at""",
            [feed, key, entry.get("link"), entry.get("title"), status, attempts, error, document_id, to_db(now), to_db(now)])


def entry_document(entry, fetch: Fetch, timeout: float, limits=None):
    """The entry's own full content when the feed carries it; else what its link points to."""
    from .ingest import read_document
    from .ingest.limits import DEFAULT_LIMITS

    limits = limits or DEFAULT_LIMITS

    content = entry.get("content") or []
    if content and content[0].get("value", "").strip():
        part = content[0]
        is_html = part.get("type", "text/html") != "text/plain" and "<" in part["value"]  # some feeds call plain text HTML
        suffix = ".html" if is_html else ".txt"
        return read_document(None, data=part["value"].encode("utf-8"), filename=f"feed entry{suffix}", limits=limits)
    link = entry.get("link")
    if not link:
        raise AdvocateError("the entry has neither content nor a link")
    filename = Path(urlparse(link).path).name or "page.html"
    return read_document(None, data=fetch(link, timeout), filename=filename, limits=limits)
