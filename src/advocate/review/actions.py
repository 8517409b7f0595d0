"""What one key does to one post: each goes through advocate.queue, which logs an event."""

from __future__ import annotations

import datetime as dt
import sqlite3

from .. import queue as q
from ..errors import InvalidChange


def approve(db, now: dt.datetime, post_id: int) -> None:
    """Approve a draft; one that would go out after its case's deadline must be moved first (it could never go out)."""
    from ..cases import get_case

    post = q.get_post(db, post_id)
    case = get_case(db, post["case_id"])
    if case["deadline_at"] and post["scheduled_at"] >= case["deadline_at"]:
        raise InvalidChange(f"post {post_id} goes out after case {case['id']}'s deadline ({case['deadline']}), "
                            "so it could never go out; move it earlier (m) or reject it (r)")
    q.approve(db, now, ids=[post_id])


def reject(db, now: dt.datetime, post_id: int) -> None:
    q.reject(db, now, ids=[post_id])


def checked_text(config, post: dict, text: str) -> tuple[str, str, object]:
    """(text, dedupe key, its length) once the new text fits the network and the guard; else InvalidChange."""
    from ..messages.guard import GuardSettings, check_post, dedupe_key
    from ..messages.length import measure

    text = text.strip()
    if not text:
        raise InvalidChange(f"post {post['id']}: the new text is empty; write the post's text (or reject the post)")
    size = measure(text, "x" if post["network"] == "dryrun" else post["network"])
    if not size.ok:
        raise InvalidChange(f"post {post['id']}: the new text is {size.length} of {size.limit} {size.unit}; "
                            f"shorten it by {size.length - size.limit}")
    guard = config.guard
    problems = check_post(text, GuardSettings(guard.max_hashtags, guard.max_mentions, guard.mention_needs_review), approved=True)
    if problems:
        raise InvalidChange(f"post {post['id']}: {'; '.join(problems)}")
    return text, dedupe_key(text), size


def edit(db, config, now: dt.datetime, post_id: int, text: str) -> object:
    """Store a new text for a pending post; returns its measured length."""
    post = q.get_post(db, post_id)
    text, key, size = checked_text(config, post, text)
    try:
        q.edit(db, now, post_id, text, key)
    except sqlite3.IntegrityError:  # posts_no_duplicate_text: the same text never goes out twice from one account
        other = q.same_text_as(db, post, key)
        which = f"post {other}" if other else "another post"
        raise InvalidChange(f"post {post_id}: this text is already used by {which} of case {post['case_id']} "
                            f"on {post['account']}; write a different text") from None
    return size


def move_target(text: str, post: dict, now: dt.datetime, zone: str) -> dt.datetime:
    """Where WHEN puts a post: '+2h' counts from the post's own time; other forms as `queue move` reads them."""
    from ..when import RELATIVE, parse_when

    base = dt.datetime.fromisoformat(post["scheduled_at"]) if RELATIVE.match(text.strip()) else now
    return parse_when(text, base, zone)


def move(db, now: dt.datetime, post_id: int, text: str, zone: str) -> dt.datetime:
    moment = move_target(text, q.get_post(db, post_id), now, zone)
    q.move(db, now, post_id, moment)
    return moment
