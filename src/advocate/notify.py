"""Tell the coordinator what needs them, through apprise, from the events table.

The apprise URLs hold secrets, so they come from the environment variable
named by `[notify] urls_env` (space-separated), never from config.toml;
with none set, nothing is sent and nothing is marked as told.

What has been told is one number: the id of the last event handled (row
`notified_event` in table `daemon`). Each message is sent first and the
number moves past it right after, in its own transaction: a crash in
between repeats that one message at the next start, and nothing is ever
skipped (at least once). A failed send leaves the number where it was;
the same events are tried again after RETRY_AFTER. When notifications
are first turned on, telling starts from the newest event: the history
from before is not replayed.

A daily digest (posts sent in the last day, pending, failed, per case) goes
out once a day after `[notify] digest_time` in the posting time zone.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping

from .config import Config
from .db import write
from .timefmt import from_db, to_db

logger = logging.getLogger("advocate")

CURSOR_KEY = "notified_event"
RETRY_KEY = "notify_retry_at"
DIGEST_KEY = "digest_sent_on"
BATCH = 100
RETRY_AFTER = dt.timedelta(minutes=5)
WARNINGS = ("failed", "unknown", "account-paused", "inbox-failed", "feed-failed", "rate-limited")

Send = Callable[[str, str, str], bool]  # (title, body, "info" | "warning") -> delivered


def notify_urls(config: Config, environ: Mapping[str, str]) -> list[str]:
    return environ.get(config.notify.urls_env, "").split()


def apprise_sender(urls: list[str], env_name: str) -> Send | None:
    """A function sending through every valid URL; None when none is valid. URLs are never logged."""
    import apprise

    hub, apprise_log = apprise.Apprise(), logging.getLogger("apprise")
    level = apprise_log.level
    apprise_log.setLevel(logging.CRITICAL)  # apprise logs a refused URL whole, secrets included
    try:
        for number, url in enumerate(urls, 1):
            if not hub.add(url):
                logger.error("notify: URL %s in %s is not a valid apprise URL; fix it (see apprise's list of services)", number, env_name)
    finally:
        apprise_log.setLevel(level)
    if not len(hub):
        return None

    def send(title: str, body: str, level: str) -> bool:
        kind = apprise.NotifyType.WARNING if level == "warning" else apprise.NotifyType.INFO
        return bool(hub.notify(body=body, title=title, notify_type=kind))

    return send


def _get(db, key: str) -> str | None:
    row = db.execute("SELECT value FROM daemon WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _put(db, key: str, value: str) -> None:
    with write(db):
        db.execute("INSERT OR REPLACE INTO daemon (key, value) VALUES (?, ?)", [key, value])


def _cursor(db) -> int:
    """The last event already handled; the newest one when notifications start."""
    value = _get(db, CURSOR_KEY)
    if value is None:
        value = str(db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])
        _put(db, CURSOR_KEY, value)
    return int(value)


def start(db, config: Config, environ: Mapping[str, str]) -> None:
    """Fix where telling starts, before this tick logs anything: call at the start of a tick."""
    if notify_urls(config, environ):
        _cursor(db)


def _waiting(db, now: dt.datetime) -> bool:
    retry_at = from_db(_get(db, RETRY_KEY))
    return retry_at is not None and now < retry_at


def _failed(db, now: dt.datetime, what: str) -> None:
    logger.warning("notify: %s not delivered; trying again after %s", what, to_db(now + RETRY_AFTER))
    _put(db, RETRY_KEY, to_db(now + RETRY_AFTER))


def notify_new_events(db, config: Config, now: dt.datetime, environ: Mapping[str, str], send: Send | None = None) -> int:
    """Send one message per new event of the chosen kinds; returns how many were delivered."""
    urls = notify_urls(config, environ)
    if not (urls or send) or _waiting(db, now):
        return 0
    cursor = _cursor(db)
    events = list(db.query("SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?", [cursor, BATCH]))
    wanted = set(config.notify.events)
    if not any(e["kind"] in wanted for e in events):
        if events:
            _put(db, CURSOR_KEY, str(events[-1]["id"]))
        return 0
    send = send or apprise_sender(urls, config.notify.urls_env)
    if send is None:
        return 0
    return _deliver(db, now, events, wanted, send, cursor)


def _deliver(db, now, events: list[dict], wanted: set, send: Send, cursor: int) -> int:
    told = 0
    for event in events:
        if event["kind"] in wanted:
            title, body = describe(db, event)
            if not send(title, body, "warning" if event["kind"] in WARNINGS else "info"):
                _put(db, CURSOR_KEY, str(cursor))
                _failed(db, now, f"event {event['id']}")
                return told
            told += 1
            _put(db, CURSOR_KEY, str(event["id"]))
        cursor = event["id"]
    _put(db, CURSOR_KEY, str(cursor))
    return told


def describe(db, event: dict) -> tuple[str, str]:
    """(title, body) of the message telling one event."""
    case = _case(db, event["case_id"])
    who = f"case {event['case_id']} ({case['person']})" if case else None
    kind, lines = event["kind"], [event["message"]]
    if kind == "case-closed":
        title = f"Campaign stopped: {who}"
        document = event["document_id"] or (case or {}).get("closed_by_document")
        lines.append(f"by document: {_document_name(db, document)}" if document else "by: " + (case or {}).get("closed_reason", "?"))
    elif kind == "case-needs-confirmation":
        title = f"Confirm: is the campaign for {who} over?"
        lines.append(f"from document: {_document_name(db, event['document_id'])}")
    elif kind in ("failed", "unknown"):
        title = f"Post {event['post_id']} {'failed' if kind == 'failed' else 'awaits a human (outcome unknown)'}"
        lines.append(f"see: advocate queue --status {kind}")
    elif kind == "account-paused":
        title = f"Account {event['account']} paused"
    else:
        title = f"{kind}" + (f": {who}" if who else "")
    lines.append(f"at {event['at']} (event {event['id']})")
    return f"advocate: {title}", "\n".join(lines)


def _case(db, case_id: int | None) -> dict | None:
    if case_id is None:
        return None
    rows = list(db.query("SELECT id, person, closed_reason, closed_by_document FROM cases WHERE id = ?", [case_id]))
    return rows[0] if rows else None


def _document_name(db, document_id: int | None) -> str:
    row = db.execute("SELECT filename, kind FROM documents WHERE id = ?", [document_id]).fetchone()
    return f"{row[0]} ({row[1]}, document {document_id})" if row else f"document {document_id}"


def send_digest(db, config: Config, now: dt.datetime, environ: Mapping[str, str], send: Send | None = None) -> bool:
    """Once a day after digest_time (posting time zone): sent, pending and failed posts per case."""
    if not config.notify.digest_time or _waiting(db, now):
        return False
    local = now.astimezone(config.posting.zone)
    today = local.date().isoformat()
    if local.time() < dt.time.fromisoformat(config.notify.digest_time) or _get(db, DIGEST_KEY) == today:
        return False
    urls = notify_urls(config, environ)
    send = send or (apprise_sender(urls, config.notify.urls_env) if urls else None)
    if send is None:
        return False
    if not send(f"advocate: daily digest {today}", digest_text(db, now), "info"):
        _failed(db, now, "the daily digest")
        return False
    _put(db, DIGEST_KEY, today)
    return True


def next_digest_at(db, config: Config, now: dt.datetime) -> dt.datetime | None:
    """When the next digest is due, so a daemon asleep until its next post still wakes for it."""
    if not config.notify.digest_time:
        return None
    local = now.astimezone(config.posting.zone)
    at = dt.datetime.combine(local.date(), dt.time.fromisoformat(config.notify.digest_time), tzinfo=config.posting.zone)
    if at <= now:  # today's is due or done: the ticks try it; the next wake-up is tomorrow's
        at = dt.datetime.combine(local.date() + dt.timedelta(days=1), at.time(), tzinfo=config.posting.zone)
    return at


def digest_text(db, now: dt.datetime) -> str:
    since = to_db(now - dt.timedelta(days=1))
    rows = db.query(
        """SELECT c.id, c.person, c.status, c.needs_confirmation,
                  sum(p.status = 'sent' AND p.sent_at >= ?) AS sent,
                  sum(p.status IN ('draft', 'scheduled')) AS pending,
                  sum(p.status IN ('failed', 'unknown')) AS problems
           FROM cases c LEFT JOIN posts p ON p.case_id = c.id
           WHERE c.status = 'open' OR c.closed_at >= ? GROUP BY c.id ORDER BY c.id""", [since, since])
    lines = [f"case {r['id']} ({r['person']}, {r['status']}{', needs confirmation' if r['needs_confirmation'] else ''}): "
             f"{r['sent'] or 0} sent in the last day, {r['pending'] or 0} pending, {r['problems'] or 0} failed or unknown"
             for r in rows]
    return "\n".join(lines) or "no open cases"
