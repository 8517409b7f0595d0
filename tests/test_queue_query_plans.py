"""Per-case changes to the queue look the case's posts up by the case's own
index: with thousands of pending posts, SQLite otherwise walked every pending
post after a time for each case (a re-plan of 1,000 cases took 2 s more)."""

import datetime as dt

from advocate import queue
from advocate.db import open_db, write

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def _plans_of_updates(tmp_path, change) -> list[str]:
    db = open_db(tmp_path / "advocate.db")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    with write(db):
        change(db)
    db.conn.set_trace_callback(None)
    updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE POSTS")]
    assert updates, statements
    return [" ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall()) for sql in updates]


def test_withdrawing_a_cases_untouched_posts_uses_the_case_index(tmp_path):
    plans = _plans_of_updates(tmp_path, lambda db: queue.withdraw_untouched(db, 7, NOW))
    assert all("posts_case" in plan for plan in plans), plans


def test_cancelling_posts_past_a_new_deadline_uses_the_case_index(tmp_path):
    plans = _plans_of_updates(tmp_path, lambda db: queue.cancel_after_deadline(db, 7, "2026-03-20T18:00:00+00:00", NOW))
    assert all("posts_case" in plan for plan in plans), plans
