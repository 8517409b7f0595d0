"""Per-account state the daemon respects: paused (auth failed, or by hand)
and blocked until a rate-limit window resets."""

from __future__ import annotations

import datetime as dt

from .db import write
from .events import log_event
from .timefmt import to_db


def _ensure(db, name: str) -> None:
    db.execute("INSERT OR IGNORE INTO accounts (name) VALUES (?)", [name])


def pause(db, now: dt.datetime, name: str, reason: str) -> None:
    with write(db):
        _ensure(db, name)
        db.execute("UPDATE accounts SET paused = 1, paused_reason = ? WHERE name = ?", [reason, name])
        log_event(db, now, "account-paused", f"account {name} paused: {reason}", account=name)


def resume(db, now: dt.datetime, name: str) -> None:
    with write(db):
        _ensure(db, name)
        db.execute("UPDATE accounts SET paused = 0, paused_reason = NULL, blocked_until = NULL WHERE name = ?", [name])
        log_event(db, now, "account-resumed", f"account {name} resumed", account=name)


def block_until(db, now: dt.datetime, name: str, until: dt.datetime, why: str) -> None:
    with write(db):
        _ensure(db, name)
        db.execute("UPDATE accounts SET blocked_until = ? WHERE name = ?", [to_db(until), name])
        log_event(db, now, "rate-limited", f"account {name} waits until {to_db(until)}: {why}", account=name)


def states(db) -> dict[str, dict]:
    return {row["name"]: row for row in db.query("SELECT * FROM accounts")}
