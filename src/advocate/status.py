"""What `advocate status` reports, gathered from the tables."""

from __future__ import annotations

import datetime as dt
import os

from .accounts import states
from .events import recent_events
from .timefmt import from_db, to_db

STALE_AFTER = dt.timedelta(minutes=2)


def gather(db, config, now: dt.datetime) -> dict:
    return {
        "daemon": _daemon(db, now),
        "next_post": _next_post(db),
        "accounts": _accounts(db, config, now),
        "counts": {row["status"]: row["n"] for row in db.query("SELECT status, count(*) AS n FROM posts GROUP BY status")},
        "last_errors": recent_events(db, ("failed", "unknown", "retry", "rate-limited", "account-paused"), 5),
    }


def _daemon(db, now) -> dict:
    info = {row["key"]: row["value"] for row in db.query("SELECT key, value FROM daemon")}
    pid = int(info["pid"]) if info.get("pid") else None
    alive = info.get("alive") == "1" and pid is not None and _running(pid)
    state = "alive" if alive else ("stopped" if pid else "never started")
    if alive and from_db(info["heartbeat"]) < now - STALE_AFTER:
        state = "stuck (no heartbeat for over 2 minutes)"
    return {"state": state, "pid": pid, "heartbeat": info.get("heartbeat")}


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _next_post(db) -> dict | None:
    rows = list(db.query(
        """SELECT p.id, p.account AS channel, coalesce(p.retry_at, p.scheduled_at) AS scheduled_at, p.case_id
           FROM posts p JOIN cases c ON c.id = p.case_id
           WHERE p.status = 'scheduled' AND c.status = 'open' ORDER BY 3 LIMIT 1"""))
    return rows[0] if rows else None


def _accounts(db, config, now) -> dict:
    known = states(db)
    since = to_db(now - dt.timedelta(hours=24))
    report = {}
    for name in config.accounts:
        sent = next(db.query("SELECT count(*) AS n FROM posts WHERE account = ? AND status = 'sent' AND sent_at >= ?", [name, since]))["n"]
        state = known.get(name, {})
        report[name] = {
            "sent_last_24h": sent, "sent_today": sent, "daily_cap": config.posting.daily_cap,  # sent_today: the old name, kept for scripts
            "paused": bool(state.get("paused")), "paused_reason": state.get("paused_reason"),
            "blocked_until": state.get("blocked_until") if (state.get("blocked_until") or "") > to_db(now) else None,
        }
    return report
