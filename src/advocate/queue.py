"""Every change of a post's state happens here, and nowhere else.

Each function runs in one BEGIN IMMEDIATE transaction (or joins the
caller's), checks the state it starts from in the same statement that
changes it, and logs an event. That is what keeps the three promises:
a post is claimed by one statement (never sent twice), the claim re-checks
its case (never sent for a closed case), and no state is ever deleted
(never lost).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import models as m
from .db import write
from .errors import InvalidChange, NotFound
from .events import log_event, log_events
from .timefmt import to_db

if TYPE_CHECKING:  # sqlite-utils costs ~90 ms to import; read commands do without
    import sqlite_utils


@dataclass(frozen=True)
class NewPost:
    """A post the planner wants; queue.add_planned stores it."""

    case_id: int
    account: str
    network: str
    scheduled_at: dt.datetime
    text: str
    dedupe_key: str
    template: str
    language: str | None  # an imported post may name none
    kind: str
    needs_review_reason: str | None = None
    with_photo: bool = False  # the template shows the case photo
    with_link: bool = False   # the template wants the action link as a card (Bluesky)


def get_post(db: sqlite_utils.Database, post_id: int) -> dict:
    rows = list(db.query("SELECT * FROM posts WHERE id = ?", [post_id]))
    if not rows:
        raise NotFound(f"post {post_id} does not exist; 'advocate queue' lists the posts")
    return rows[0]


def add_planned(db, posts: Iterable[NewPost], now: dt.datetime, review: bool) -> int:
    """Store planned posts: drafts when review is on or the post needs it."""
    stamp = to_db(now)
    columns = ("case_id", "account", "network", "template", "language", "kind", "text", "dedupe_key", "scheduled_at",
               "status", "needs_review_reason", "with_photo", "with_link", "created_at", "updated_at")
    rows = [
        (p.case_id, p.account, p.network, p.template, p.language, p.kind, p.text, p.dedupe_key, to_db(p.scheduled_at),
         m.DRAFT if (review or p.needs_review_reason) else m.SCHEDULED, p.needs_review_reason,
         int(p.with_photo), int(p.with_link), stamp, stamp)
        for p in posts
    ]
    if not rows:
        return 0
    sql = f"INSERT INTO posts ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    with write(db):  # one prepared statement for all: sqlite-utils' insert_all builds each chunk's SQL anew
        db.conn.executemany(sql, rows)
    return len(rows)


# A post a person made or touched: imported, edited, moved (edited too) or approved.
# A machine's re-plan never cancels one; when it no longer fits, it is flagged for review.
BY_HAND = "(approved = 1 OR edited = 1 OR coalesce(template, '') LIKE 'import/%')"


def withdraw_untouched(db, case_id: int, now: dt.datetime) -> int:
    """Cancel future posts the planner made and nobody touched, so the planner can redo them."""
    with write(db):
        return _cancel_where(db, now, f"case_id = ? AND NOT {BY_HAND} AND +scheduled_at > ?",
                             [case_id, to_db(now)], "replanned")


def cancel_after_deadline(db, case_id: int, deadline_at: str, now: dt.datetime) -> int:
    """A deadline brought forward: the planner's pending posts past it can no longer go out (a person's are flagged instead)."""
    with write(db):
        return _cancel_where(db, now, f"case_id = ? AND +scheduled_at >= ? AND NOT {BY_HAND}", [case_id, deadline_at], "after the deadline")


def cases_with_posts(db, statuses: tuple[str, ...], case_id: int | None = None) -> set[int]:
    """The cases (or just `case_id`) that have a post in one of `statuses`."""
    marks = ", ".join("?" * len(statuses))
    only, args = ("AND case_id = ?", [*statuses, case_id]) if case_id is not None else ("", list(statuses))
    return {row[0] for row in db.execute(f"SELECT DISTINCT case_id FROM posts WHERE status IN ({marks}) {only}", args)}


def by_hand_pending(db, case_id: int) -> list[dict]:
    """The pending posts of a case that a person made or touched."""
    return list(db.query(f"SELECT * FROM posts WHERE case_id = ? AND status IN ('draft', 'scheduled') AND {BY_HAND} "
                         "ORDER BY scheduled_at, id", [case_id]))


def flag_for_review(db, now: dt.datetime, post_id: int, reason: str) -> bool:
    """A person's post that no longer fits its case: back to draft, with the reason, for `advocate review`."""
    with write(db):
        row = db.execute("UPDATE posts SET status = 'draft', approved = 0, needs_review_reason = ?, updated_at = ? "
                         "WHERE id = ? AND status IN ('draft', 'scheduled') RETURNING case_id", [reason, to_db(now), post_id]).fetchone()
        if row:
            log_event(db, now, "flagged", f"post {post_id} waits for review: {reason}", post_id=post_id, case_id=row[0])
    return row is not None


def _cancel_where(db, now: dt.datetime, where: str, args: list, reason: str) -> int:
    """Cancel the pending posts (draft, scheduled) that match, each with its event.

    Callers write `+scheduled_at`: the unary plus keeps SQLite from walking the
    (status, scheduled_at) index over every pending post of every case, which it
    chose over the case's own index, 1 ms a case (a re-plan of 1,000 cases: 2 s)."""
    rows = db.execute(
        f"UPDATE posts SET status = 'cancelled', cancel_reason = ?, updated_at = ? "
        f"WHERE status IN ('draft', 'scheduled') AND {where} RETURNING id, case_id",
        [reason, to_db(now), *args],
    ).fetchall()
    log_events(db, now, "withdrawn", [(f"post {post_id} cancelled: {reason}", {"post_id": post_id, "case_id": case_id})
                                      for post_id, case_id in rows])
    return len(rows)


def _select_ids(db, ids: Sequence[int], case_id: int | None, all_: bool, statuses: tuple[str, ...]) -> list[int]:
    marks = ",".join("?" * len(statuses))
    if ids:
        for post_id in ids:
            get_post(db, post_id)
        return list(ids)
    if case_id is not None:
        sql, args = f"SELECT id FROM posts WHERE case_id = ? AND status IN ({marks})", [case_id, *statuses]
    elif all_:
        sql, args = f"SELECT id FROM posts WHERE status IN ({marks})", [*statuses]
    else:
        raise InvalidChange("name post ids, --case ID or --all")
    return [row["id"] for row in db.query(sql + " ORDER BY id", args)]


def _transition(db, ids, now, allowed: tuple[str, ...], sets: str, args: list, event: str, verb: str) -> list[int]:
    """Apply one change to posts whose status is in `allowed`; refuse the rest, changing none."""
    changed, events = [], []
    with write(db):
        for post_id in ids:
            post = get_post(db, post_id)
            if post["status"] not in allowed:
                raise InvalidChange(f"post {post_id} is {post['status']}; only {'/'.join(allowed)} posts can be {verb.split(' from ')[0]}")
            db.execute(f"UPDATE posts SET {sets}, updated_at = ? WHERE id = ?", [*args, to_db(now), post_id])
            events.append((f"post {post_id} {verb}", {"post_id": post_id, "case_id": post["case_id"]}))
            changed.append(post_id)
        log_events(db, now, event, events)  # one statement: approving a thousand posts logs a thousand events
    return changed


def approve(db, now, ids=(), case_id=None, all_=False) -> list[int]:
    with write(db):  # read and change in one transaction: nothing moves in between
        targets = _select_ids(db, ids, case_id, all_, (m.DRAFT,))
        _refuse_closed(db, targets)
        return _transition(db, targets, now, (m.DRAFT, m.SCHEDULED), "status = 'scheduled', approved = 1", [], "approved", "approved")


def reject(db, now, ids=(), case_id=None, all_=False) -> list[int]:
    with write(db):  # read and change in one transaction: nothing moves in between
        targets = _select_ids(db, ids, case_id, all_, m.PENDING)
        return _transition(db, targets, now, m.PENDING, "status = 'cancelled', cancel_reason = 'rejected'", [], "rejected", "rejected")


def cancel(db, now, ids=(), case_id=None, all_=False, reason="cancelled by user") -> list[int]:
    with write(db):  # read and change in one transaction: nothing moves in between
        targets = _select_ids(db, ids, case_id, all_, m.PENDING)
        return _transition(db, targets, now, m.PENDING, "status = 'cancelled', cancel_reason = ?", [reason], "cancelled", "cancelled")


def retry(db, now, post_id: int) -> list[int]:
    """A human checked an unknown or failed post was not published: send it again."""
    with write(db):  # read and change in one transaction: nothing moves in between
        _refuse_closed(db, [post_id])
        sets = "status = 'scheduled', retry_at = NULL, error = NULL, scheduled_at = max(scheduled_at, ?)"
        return _transition(db, [post_id], now, (m.UNKNOWN, m.FAILED), sets, [to_db(now)], "retry", "set to retry")


def mark_sent_by_hand(db, now, post_id: int, remote_id: str | None, url: str | None) -> list[int]:
    """A human found an unknown post published: record it, so it is never sent again."""
    sets = "status = 'sent', remote_id = ?, url = ?, error = NULL, sent_at = ?"
    return _transition(db, [post_id], now, (m.UNKNOWN,), sets, [remote_id, url, to_db(now)], "confirmed", "confirmed sent")


def edit(db, now, post_id: int, text: str, dedupe_key: str) -> None:
    with write(db):  # read and change in one transaction: nothing moves in between
        _refuse_closed(db, [post_id])
        sets = "text = ?, dedupe_key = ?, edited = 1"
        old = get_post(db, post_id)["text"]
        change = f"edited from \"{_start(old)}\" to \"{_start(text)}\""
        _transition(db, [post_id], now, m.PENDING, sets, [text, dedupe_key], "edited", change)


def _start(text: str, size: int = 40) -> str:
    """A text's first words, on one line, for the events log."""
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[:size - 1] + "…"


def move(db, now, post_id: int, when: dt.datetime) -> None:
    with write(db):  # read and change in one transaction: nothing moves in between
        _refuse_closed(db, [post_id])
        post = get_post(db, post_id)
        case = _case_of(db, post)
        if when <= now:
            raise InvalidChange(f"post {post_id}: {_zoned(when)} is in the past; choose a later time")
        if case["deadline_at"] and to_db(when) >= case["deadline_at"]:
            raise InvalidChange(f"post {post_id}: {_zoned(when)} is after case {case['id']}'s deadline ({case['deadline']}); choose an earlier time")
        moved = f"moved from {_minute(post['scheduled_at'])} to {_minute(to_db(when))}"
        _transition(db, [post_id], now, m.PENDING, "scheduled_at = ?, edited = 1", [to_db(when)], "moved", moved)


def _zoned(when: dt.datetime) -> str:
    """'2019-04-12 10:00 Asia/Almaty': to the minute, in the zone it was given in, named."""
    return f"{when:%Y-%m-%d %H:%M} {getattr(when.tzinfo, 'key', None) or when.strftime('UTC%z')}"


def _minute(stored: str) -> str:
    """'2019-04-18 09:04 UTC': a stored instant, to the minute, for the events log."""
    return stored[:16].replace("T", " ") + " UTC"


def post_now(db, now, post_id: int) -> None:
    with write(db):  # read and change in one transaction: nothing moves in between
        _refuse_closed(db, [post_id])
        sets = "status = 'scheduled', approved = 1, scheduled_at = ?, retry_at = NULL"
        _transition(db, [post_id], now, m.PENDING, sets, [to_db(now)], "post-now", "set to go out now")


def _case_of(db, post: dict) -> dict:
    return next(db.query("SELECT * FROM cases WHERE id = ?", [post["case_id"]]))


def _refuse_closed(db, ids: Iterable[int]) -> None:
    for post_id in ids:
        case = _case_of(db, get_post(db, post_id))
        if case["status"] != m.OPEN:
            raise InvalidChange(f"post {post_id} belongs to case {case['id']}, which is closed ({case['closed_reason']}); nothing is posted for a closed case")


def cancel_pending_for_case(db, case_id: int, now: dt.datetime, reason: str) -> int:
    """Called inside the transaction that closes a case."""
    return _cancel_where(db, now, "case_id = ?", [case_id], reason)


# --- the daemon's side -------------------------------------------------------

CLAIM_SQL = """
UPDATE posts SET status = 'sending', claimed_at = :now, attempts = attempts + 1, updated_at = :now
WHERE status = 'scheduled' AND id = (
    SELECT p.id FROM posts p INDEXED BY posts_due_at
    JOIN cases c ON c.id = p.case_id
    LEFT JOIN accounts a ON a.name = p.account
    WHERE p.status = 'scheduled'
      AND coalesce(p.retry_at, p.scheduled_at) <= :now
      AND c.status = 'open' AND c.paused = 0
      AND (c.deadline_at IS NULL OR c.deadline_at > :now)
      AND coalesce(a.paused, 0) = 0
      AND (a.blocked_until IS NULL OR a.blocked_until <= :now)
      AND p.account IN (SELECT value FROM json_each(:accounts))
      AND (SELECT count(*) FROM posts s INDEXED BY posts_used_by_account
           WHERE s.account = p.account AND s.status IN ('sent', 'sending', 'unknown')
             AND coalesce(s.sent_at, s.claimed_at) > :day_ago) < :daily_cap
    ORDER BY coalesce(p.retry_at, p.scheduled_at), p.id
    LIMIT 1)
RETURNING *
"""

# X counts its caps over a rolling 24 hours, not per calendar day: a post
# at 20:50 and one at 09:10 the next morning fall in one window. Posts whose
# outcome is unknown count too: they may have used a slot.
RECENT_POSTS_SQL = """
SELECT coalesce(sent_at, claimed_at) AS at, text, id FROM posts INDEXED BY posts_used_by_account
WHERE account = ? AND status IN ('sent', 'sending', 'unknown') AND coalesce(sent_at, claimed_at) > ?
ORDER BY 1
"""
DAY = dt.timedelta(hours=24)


def cap_frees_at(db, account: str, now: dt.datetime, daily_cap: int) -> dt.datetime | None:
    """When the account may post again, if its rolling 24-hour cap is used up now; else None."""
    used = [r[0] for r in db.execute(RECENT_POSTS_SQL, [account, to_db(now - DAY)]).fetchall()]
    if len(used) < daily_cap:
        return None
    return dt.datetime.fromisoformat(used[len(used) - daily_cap]) + DAY


def claim_next(db, now: dt.datetime, accounts: Sequence[str], daily_cap: int = 10**9) -> dict | None:
    """Atomically take the next due post of an open case, within its account's 24-hour cap; None when nothing is due."""
    import json

    args = {"now": to_db(now), "accounts": json.dumps(list(accounts)), "day_ago": to_db(now - DAY), "daily_cap": daily_cap}
    with write(db):
        rows = list(db.execute(CLAIM_SQL, args).fetchall())
        if not rows:
            return None
        columns = [c[0] for c in db.execute("SELECT * FROM posts LIMIT 0").description]
        post = dict(zip(columns, rows[0]))
        log_event(db, now, "claimed", f"post {post['id']} claimed for {post['account']}", post_id=post["id"], case_id=post["case_id"], account=post["account"])
    return post


def record_sent(db, now, post: dict, remote_id, url) -> None:
    with write(db):
        db.execute(
            # 'unknown' too: if something marked it so meanwhile, we now know it went out.
            "UPDATE posts SET status = 'sent', remote_id = ?, url = ?, error = NULL, sent_at = ?, updated_at = ? WHERE id = ? AND status IN ('sending', 'unknown')",
            [remote_id, url, to_db(now), to_db(now), post["id"]],
        )
        _check_matched(db, now, post, "sent", f"published as {remote_id}")
        log_event(db, now, "sent", f"post {post['id']} sent on {post['account']} as {remote_id}", post_id=post["id"], case_id=post["case_id"], account=post["account"])


def _check_matched(db, now, post: dict, outcome: str, detail: str) -> None:
    """A result for a post no longer 'sending' (changed by hand meanwhile): keep the fact in the log."""
    if db.execute("SELECT changes()").fetchone()[0] == 0:
        log_event(db, now, "conflict", f"post {post['id']}: {outcome} ({detail}) arrived after its status changed; check it with 'advocate queue show {post['id']}'",
                  post_id=post["id"], case_id=post["case_id"], account=post["account"])


def record_retry(db, now, post: dict, error: str, retry_at: dt.datetime, *, counts: bool = True, max_attempts: int = 5) -> str:
    """Back to scheduled for a later try, or failed once the attempts are used up."""
    attempts = post["attempts"] if counts else post["attempts"] - 1
    with write(db):
        if attempts >= max_attempts:
            db.execute(
                "UPDATE posts SET status = 'failed', error = ?, updated_at = ? WHERE id = ? AND status = 'sending'",
                [f"gave up after {attempts} attempts: {error}", to_db(now), post["id"]],
            )
            _check_matched(db, now, post, "failed", error)
            log_event(db, now, "failed", f"post {post['id']} failed after {attempts} attempts: {error}", post_id=post["id"], case_id=post["case_id"], account=post["account"])
            return m.FAILED
        db.execute(
            "UPDATE posts SET status = 'scheduled', attempts = ?, retry_at = ?, error = ?, updated_at = ? WHERE id = ? AND status = 'sending'",
            [attempts, to_db(retry_at), error, to_db(now), post["id"]],
        )
        _check_matched(db, now, post, "retry", error)
        log_event(db, now, "retry", f"post {post['id']} will be retried at {to_db(retry_at)}: {error}", post_id=post["id"], case_id=post["case_id"], account=post["account"])
    return m.SCHEDULED


def record_final(db, now, post: dict, status: str, error: str) -> None:
    """failed (never retried) or unknown (left for reconciliation or a human)."""
    with write(db):
        db.execute(
            "UPDATE posts SET status = ?, error = ?, updated_at = ? WHERE id = ? AND status = 'sending'",
            [status, error, to_db(now), post["id"]],
        )
        _check_matched(db, now, post, status, error)
        log_event(db, now, status, f"post {post['id']} {status}: {error}", post_id=post["id"], case_id=post["case_id"], account=post["account"])


def mark_interrupted(db, now: dt.datetime) -> list[int]:
    """At start-up: a post still 'sending' was cut off mid-publish; its outcome is unknown."""
    with write(db):
        ids = [r["id"] for r in db.query("SELECT id FROM posts WHERE status = 'sending'")]
        for post_id in ids:
            db.execute(
                "UPDATE posts SET status = 'unknown', error = 'interrupted while sending; may or may not be published', updated_at = ? WHERE id = ?",
                [to_db(now), post_id],
            )
            log_event(db, now, "unknown", f"post {post_id} was being sent when the daemon stopped; outcome unknown", post_id=post_id)
    return ids


def reconcile_found(db, now, post: dict, remote_id: str, url: str | None) -> None:
    with write(db):
        db.execute(
            "UPDATE posts SET status = 'sent', remote_id = ?, url = ?, error = NULL, sent_at = coalesce(sent_at, ?), updated_at = ? WHERE id = ? AND status = 'unknown'",
            [remote_id, url, to_db(now), to_db(now), post["id"]],
        )
        log_event(db, now, "reconciled", f"post {post['id']} found published as {remote_id}", post_id=post["id"], case_id=post["case_id"], account=post["account"])


def reschedule(db, now, post_id: int, when: dt.datetime, why: str) -> None:
    with write(db):
        db.execute("UPDATE posts SET scheduled_at = ?, retry_at = NULL, updated_at = ? WHERE id = ? AND status = 'scheduled'", [to_db(when), to_db(now), post_id])
        log_event(db, now, "rescheduled", f"post {post_id} moved to {to_db(when)}: {why}", post_id=post_id)


def cancel_one(db, now, post_id: int, why: str) -> None:
    with write(db):
        db.execute("UPDATE posts SET status = 'cancelled', cancel_reason = ?, updated_at = ? WHERE id = ? AND status IN ('draft', 'scheduled')", [why, to_db(now), post_id])
        log_event(db, now, "cancelled", f"post {post_id} cancelled: {why}", post_id=post_id)


# --- reading ------------------------------------------------------------------

def _filters(case_id=None, statuses=(), account=None, since=None, until=None) -> tuple[str, list]:
    wanted = [
        ("case_id = ?", [case_id], case_id is not None),
        (f"status IN ({','.join('?' * len(statuses))})", list(statuses), bool(statuses)),
        ("account = ?", [account], bool(account)),
        ("scheduled_at >= ?", [to_db(since)] if since else [], bool(since)),
        ("scheduled_at < ?", [to_db(until)] if until else [], bool(until)),
    ]
    clauses = [clause for clause, _, used in wanted if used]
    args = [arg for _, values, used in wanted if used for arg in values]
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), args


def list_posts(db, *, limit=None, order="scheduled_at", **filters) -> list[dict]:
    where, args = _filters(**filters)
    sql = f"SELECT * FROM posts {where} ORDER BY {order}, id" + (f" LIMIT {int(limit)}" if limit else "")
    return list(db.query(sql, args))


def posts_json_text(db, *, limit=None, order="scheduled_at", **filters) -> str:
    """The POST list as JSON text, built by SQLite (see models.POST_JSON)."""
    where, args = _filters(**filters)
    inner = f"SELECT {m.POST_JSON_SQL} AS post FROM posts {where} ORDER BY {order}, id" + (f" LIMIT {int(limit)}" if limit else "")
    # group_concat joins the objects as text: json_group_array would parse each one again.
    return db.execute(f"SELECT '[' || coalesce(group_concat(post, ','), '') || ']' FROM ({inner})", args).fetchone()[0]


def post_json(db, post_id: int) -> dict:
    import json

    get_post(db, post_id)
    return json.loads(db.execute(f"SELECT {m.POST_JSON_SQL} FROM posts WHERE id = ?", [post_id]).fetchone()[0])


# --- reading: filtered, sorted, paged (queue list, calendar, export) ---------

# Statuses in the order a post lives through them, for sorting by status.
_LIFECYCLE = "CASE status WHEN 'draft' THEN 0 WHEN 'scheduled' THEN 1 WHEN 'sending' THEN 2 WHEN 'unknown' THEN 3 WHEN 'failed' THEN 4 WHEN 'sent' THEN 5 ELSE 6 END"
SORTS = {
    "scheduled": ("scheduled_at", "id"),
    "case": ("case_id", "scheduled_at", "id"),
    "status": (_LIFECYCLE, "scheduled_at", "id"),
    "id": ("id",),
}


def post_events(db, post_id: int) -> list[dict]:
    """A post's history, oldest first."""
    return list(db.query("SELECT at, kind, message FROM events WHERE post_id = ? ORDER BY id", [post_id]))


def same_text_as(db, post: dict, dedupe_key: str) -> int | None:
    """The other live post of this case and account that already has this text, if any."""
    row = db.execute("SELECT id FROM posts WHERE case_id = ? AND account = ? AND dedupe_key = ? AND id != ? "
                     "AND status != 'cancelled' ORDER BY id LIMIT 1",
                     [post["case_id"], post["account"], dedupe_key, post["id"]]).fetchone()
    return row[0] if row else None


def order_by(sort: str = "scheduled", desc: bool = False) -> str:
    """An ORDER BY list for one of SORTS; --desc reverses the main key and its ties alike."""
    if sort not in SORTS:
        raise InvalidChange(f"cannot sort by '{sort}'; use one of {', '.join(SORTS)}")
    return ", ".join(f"{key} {'DESC' if desc else 'ASC'}" for key in SORTS[sort])


def count_posts(db, **filters) -> int:
    where, args = _filters(**filters)
    return db.execute(f"SELECT count(*) FROM posts {where}", args).fetchone()[0]


def _page_sql(select: str, where: str, sort: str, desc: bool, limit: int | None, offset: int) -> str:
    sql = f"SELECT {select} FROM posts {where} ORDER BY {order_by(sort, desc)}"
    if limit:
        sql += f" LIMIT {int(limit)} OFFSET {max(int(offset), 0)}"
    return sql


def page_posts(db, *, sort="scheduled", desc=False, limit=None, offset=0, **filters) -> list[dict]:
    """Rows of posts, filtered as _filters does, sorted by SORTS[sort], one page at a time."""
    where, args = _filters(**filters)
    return list(db.query(_page_sql("*", where, sort, desc, limit, offset), args))


def page_posts_json_text(db, *, sort="scheduled", desc=False, limit=None, offset=0, **filters) -> str:
    """Like page_posts, as POST JSON text built by SQLite (no Python per row)."""
    where, args = _filters(**filters)
    inner = _page_sql(f"{m.POST_JSON_SQL} AS post", where, sort, desc, limit, offset)
    # group_concat joins the objects as text: json_group_array would parse each one again.
    return db.execute(f"SELECT '[' || coalesce(group_concat(post, ','), '') || ']' FROM ({inner})", args).fetchone()[0]


def posts_on_days(db, since: dt.datetime, until: dt.datetime) -> list[dict]:
    """Posts that take a place in [since, until): not cancelled or failed; sent ones where they went out."""
    sql = """SELECT id, case_id, account, status, coalesce(sent_at, scheduled_at) AS at FROM posts
             WHERE status NOT IN ('cancelled', 'failed') AND coalesce(sent_at, scheduled_at) >= ?
               AND coalesce(sent_at, scheduled_at) < ? ORDER BY at, id"""
    return list(db.query(sql, [to_db(since), to_db(until)]))


def active_keys(db) -> dict[tuple[int, str, str], int]:
    """(case_id, account, dedupe_key) -> post id, for every post not cancelled: texts that may not come again."""
    rows = db.execute("SELECT case_id, account, dedupe_key, id FROM posts WHERE status != 'cancelled'")
    return {(case_id, account, key): post_id for case_id, account, key, post_id in rows}
