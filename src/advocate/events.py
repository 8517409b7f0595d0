"""The events log: one row per thing that happened, for audit and `status`."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from .timefmt import to_db

if TYPE_CHECKING:  # sqlite-utils costs ~90 ms to import; read commands do without
    import sqlite_utils

logger = logging.getLogger("advocate")


def log_event(db: sqlite_utils.Database, now: dt.datetime, kind: str, message: str, **ids) -> None:
    """Record an event (inside the caller's transaction) and log it as one line."""
    log_events(db, now, kind, [(message, ids)])


def log_events(db: sqlite_utils.Database, now: dt.datetime, kind: str, entries: list[tuple[str, dict]]) -> None:
    """Record many events of one kind, each (message, ids), in one statement: a plan of a thousand cases logs a thousand."""
    if not entries:
        return
    at = to_db(now)
    db.table("events").insert_all([{"at": at, "kind": kind, "message": message, **ids} for message, ids in entries])
    for message, _ in entries:
        logger.info("%s %s", kind, message)


def recent_events(db: sqlite_utils.Database, kinds: tuple[str, ...], limit: int = 10) -> list[dict]:
    marks = ",".join("?" * len(kinds))
    return list(db.query(f"SELECT * FROM events WHERE kind IN ({marks}) ORDER BY id DESC LIMIT ?", [*kinds, limit]))
