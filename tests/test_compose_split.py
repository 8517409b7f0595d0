"""A big plan composed on several processes gives exactly the posts one
process gives: the same texts, times, languages and review reasons."""

import datetime as dt
import sqlite3

import pytest

from advocate import cases, compose_split, workers
from advocate.db import open_db, write

NOW = "2026-03-02T08:00:00+00:00"
COUNTRIES = ["Kazakhstan", "Egypt", "Iran", "Belarus"]


def _add_cases(workspace, count, handle_of):
    db = open_db(workspace.root / "advocate.db")
    start = dt.datetime.fromisoformat(NOW)
    with write(db):
        for i in range(count):
            fields = {
                "ua_number": f"UA {i + 1}/26", "person": f"Person Number{i}", "pronouns": ["he/him", "she/her"][i % 2],
                "country": COUNTRIES[i % 4], "issued": start.date().isoformat(),
                "deadline": (start + dt.timedelta(days=3 + i % 9)).date().isoformat(),
                "hashtags": [f"#Free{i}", "#HRD"], "handles": [handle_of(i)],
                "languages": [["English"], ["Russian", "English"]][i % 2],
            }
            target = {"name": f"Official {i}", "title": "Prosecutor General", "handle": handle_of(i), "additional": 0}
            cases.create_case(db, start, fields, [target], {}, {}, "UTC")
    db.close()


def _two_accounts(workspace):
    workspace.set_config('accounts = ["rehearsal"]', 'accounts = ["rehearsal", "regional"]')
    workspace.set_config('[accounts.rehearsal]', '[accounts.regional]\ntype = "dryrun"\noutbox = "regional.jsonl"\n\n[accounts.rehearsal]')


def _plan(workspace, monkeypatch, processes):
    """`advocate schedule` on a copy of the workspace's database; (posts, printed output, what the split did)."""
    db_path, before = workspace.root / "advocate.db", workspace.root / "before.db"
    _copy(db_path, before)
    did = []
    real_run, real_apart = workers.together, compose_split._apart
    monkeypatch.setattr(compose_split, "usable_processes", lambda slots: processes)
    monkeypatch.setattr(workers, "together", lambda tasks: did.append(f"forked {len(tasks)}") or real_run(tasks))
    monkeypatch.setattr(compose_split, "_apart", lambda reports: did.append(f"apart {real_apart(reports)}") or real_apart(reports))
    output = workspace.run(f"--now {NOW} schedule").output
    with sqlite3.connect(db_path) as conn:
        posts = conn.execute("SELECT case_id, account, scheduled_at, text, dedupe_key, language, template, kind, status, "
                             "needs_review_reason FROM posts ORDER BY id").fetchall()
    _copy(before, db_path)
    return posts, output, did


def _copy(source, target):
    """The whole database, its write-ahead log included."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def test_two_processes_plan_exactly_what_one_plans(workspace, monkeypatch):
    _two_accounts(workspace)
    _add_cases(workspace, 40, lambda i: f"@official{i}")
    alone, alone_output, _ = _plan(workspace, monkeypatch, 1)
    split, split_output, did = _plan(workspace, monkeypatch, 2)
    assert did == ["forked 2", "apart True"]  # composed apart, and kept
    assert len(alone) > 150 and {p[5] for p in alone} == {"en", "ru"}
    assert split == alone
    assert split_output == alone_output


def test_cases_sharing_an_official_are_composed_in_one_group(workspace, monkeypatch):
    # Every two cases share a prosecutor: the per-handle daily limit links them, so each pair
    # goes to one group, and the split plan is still the one-process plan.
    _two_accounts(workspace)
    _add_cases(workspace, 40, lambda i: f"@prokuror{i // 2}")
    alone, _, _ = _plan(workspace, monkeypatch, 1)
    split, _, did = _plan(workspace, monkeypatch, 2)
    assert did == ["forked 2", "apart True"]
    assert split == alone


def test_one_official_for_every_case_keeps_the_plan_in_one_process(workspace, monkeypatch):
    _two_accounts(workspace)
    _add_cases(workspace, 40, lambda i: "@GenProkuror")
    alone, _, _ = _plan(workspace, monkeypatch, 1)
    split, _, did = _plan(workspace, monkeypatch, 2)
    assert did == []  # one linked set of cases: nothing to split
    assert split == alone
    by_day = {}
    for case_id, account, at, text, *_ in split:
        if "@GenProkuror" in text:
            by_day.setdefault((account, at[:10]), []).append(case_id)
    assert by_day and all(len(ids) == 1 for ids in by_day.values())  # once a day per account, as configured


def test_a_link_not_known_in_advance_is_caught_and_planned_in_one_process_again(workspace, monkeypatch):
    _two_accounts(workspace)
    _add_cases(workspace, 40, lambda i: "@GenProkuror")
    alone, _, _ = _plan(workspace, monkeypatch, 1)
    monkeypatch.setattr(compose_split, "linked_cases", lambda cases, templates: {})  # as if no handle were known
    split, _, did = _plan(workspace, monkeypatch, 2)
    assert did == ["forked 2", "apart False"]
    assert split == alone


def test_cases_are_linked_by_every_handle_their_posts_may_mention():
    from types import SimpleNamespace

    from advocate.messages.templates import template_from_suggestion

    def case(targets, handles=(), suggestion=None):
        return SimpleNamespace(targets=targets, case={"handles": list(handles)},
                               templates=[template_from_suggestion(suggestion)] if suggestion else [])

    cases = {
        1: case([{"handle": "@GenProkRK"}]),
        2: case([{"handle": "@genprokrk"}]),                                          # the same, in other letters
        3: case([{"handle": None, "handles": {"bluesky": "@mfa.bsky.social"}}]),
        4: case([], handles=["mfa.bsky.social"]),                                     # the case's own handles
        5: case([], suggestion="Free them now! @Dushanbe_PG"),                        # the UA's suggested post
        6: case([{"handle": "@dushanbe_pg"}]),
        7: case([{"handle": "@Someone_Else"}]),
    }
    links = compose_split.linked_cases(cases, [])
    assert links == {1: 1, 2: 1, 3: 3, 4: 3, 5: 5, 6: 5, 7: 7}
    literal = template_from_suggestion("Thank you @amnesty")  # a template that names a handle itself links all
    assert set(compose_split.linked_cases(cases, [literal]).values()) == {1}


def test_a_task_that_fails_in_a_child_raises_here():
    def boom():
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        workers.together([boom, lambda: 2])
    assert workers.together([lambda: 1, lambda: 2, lambda: 3]) == [1, 2, 3]


def test_a_child_that_dies_raises_here():
    import os

    with pytest.raises(ChildProcessError):
        workers.together([lambda: os._exit(3), lambda: 2])


def test_a_plan_whose_child_fails_is_composed_in_one_process(workspace, monkeypatch):
    _two_accounts(workspace)
    _add_cases(workspace, 12, lambda i: f"@official{i}")
    alone, _, _ = _plan(workspace, monkeypatch, 1)

    def dying(tasks):
        raise ChildProcessError("a worker process ended before it answered (exit status -9)")

    monkeypatch.setattr(workers, "together", dying)
    monkeypatch.setattr(compose_split, "usable_processes", lambda slots: 2)
    workspace.run(f"--now {NOW} schedule")
    with sqlite3.connect(workspace.root / "advocate.db") as conn:
        again = conn.execute("SELECT case_id, account, scheduled_at, text, dedupe_key, language, template, kind, status, "
                             "needs_review_reason FROM posts ORDER BY id").fetchall()
    assert again == alone


@pytest.mark.parametrize("count", [1, 2, 3])
def test_groups_keep_each_case_whole_and_are_about_equal(count):
    from advocate.planner import Slot

    start = dt.datetime.fromisoformat(NOW)
    slots = [Slot(case_id, "a", start + dt.timedelta(minutes=n)) for case_id in range(1, 30) for n in range(case_id % 5 + 1)]
    groups = compose_split.split_by_case(slots, count)
    assert len(groups) == count
    assert sorted(map(id, (s for g in groups for s in g))) == sorted(map(id, slots))
    owners = [{s.case_id for s in g} for g in groups]
    assert all(not (a & b) for i, a in enumerate(owners) for b in owners[i + 1:])
    sizes = [len(g) for g in groups]
    assert max(sizes) - min(sizes) <= 5


def test_nothing_printed_before_the_fork_is_printed_twice():
    # stdout to a pipe is block-buffered: a child inherits what is not yet written, and flushes it as it
    # exits (multiprocessing flushes both streams before it forks; this holds it to that).
    import subprocess
    import sys

    script = ("from advocate.workers import together\n"
              "print('case 1: 8 posts planned')\n"
              "assert together([lambda: 1, lambda: 2]) == [1, 2]\n"
              "print('done')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "case 1: 8 posts planned\ndone\n"


def test_the_planning_line_on_a_terminal_starts_no_thread(monkeypatch):
    # A second thread would keep a big plan on one core: a process with threads must not fork.
    import io
    import sys
    import threading

    from advocate.commands.queue_cmd import _busy

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    before = threading.active_count()
    with _busy("planning posts"):
        assert threading.active_count() == before
    assert "planning posts" in sys.stderr.getvalue()


def test_the_cycle_collector_is_paused_while_planning_and_back_after_a_failure(workspace, monkeypatch):
    import gc

    from advocate import scheduling

    seen = []

    def failing_plan(*args, **kwargs):
        seen.append(gc.isenabled())
        raise RuntimeError("disk full")

    monkeypatch.setattr(scheduling, "plan", failing_plan)
    _add_cases(workspace, 2, lambda i: f"@official{i}")
    with pytest.raises(RuntimeError, match="disk full"):
        workspace.run(f"--now {NOW} schedule")
    assert seen == [False] and gc.isenabled()
