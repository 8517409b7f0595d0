"""The inbox: documents dropped in a folder change the campaign within one tick of the daemon."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from advocate.clock import parse_instant
from advocate.config import load_config
from advocate.daemon import simulate
from advocate.db import open_db
from advocate.dispatch import ChannelPool, Dispatcher
from advocate.errors import ConfigError
from advocate.watch import is_partial, move_to, scan_inbox

APRIL_10 = "--now 2019-04-10T09:00+05:00"
APRIL_25 = "--now 2019-04-25T09:00+05:00"


@pytest.fixture
def inbox(workspace):
    workspace.config.write_text(workspace.config.read_text() + '\n[inbox]\nfolder = "inbox"\n')
    return workspace.root / "inbox"


def drop(seeds, inbox, name, as_name=None):
    inbox.mkdir(exist_ok=True)
    return shutil.copy(seeds / name, inbox / (as_name or name))


def start_campaign(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve --all")


def library(workspace):
    config = load_config(workspace.config)
    return config, open_db(config.database)


def test_the_final_update_dropped_in_the_inbox_stops_the_simulated_run(workspace, seeds, inbox):
    start_campaign(workspace, seeds)
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-04-25T00:00+05:00")
    first_run = workspace.outbox()
    assert first_run

    drop(seeds, inbox, "ua-46-19-final.txt")
    workspace.run(f"{APRIL_25} daemon --simulate --in-place --until 2019-06-01T00:00+05:00")

    assert workspace.outbox() == first_run
    case = workspace.json("case show 1")
    assert (case["status"], case["closed_reason"]) == ("closed", "final update")
    assert case["documents"][-1]["filename"] == "ua-46-19-final.txt"
    assert case["closed_by_document"] == case["documents"][-1]["id"]
    assert (inbox / "processed" / "ua-46-19-final.txt").exists()
    assert not (inbox / "ua-46-19-final.txt").exists()
    assert {p["status"] for p in workspace.json(f"{APRIL_25} queue --all")} == {"sent", "cancelled"}


def test_a_file_dropped_between_two_ticks_is_seen_at_the_next_one(workspace, seeds, inbox):
    start_campaign(workspace, seeds)
    config, db = library(workspace)
    dispatcher = Dispatcher(db, config, ChannelPool(config, {}, simulate=True))
    now = parse_instant("2019-04-10T09:00+05:00")
    sent = []
    while not sent:  # tick from post to post until the first one goes out
        now = dispatcher.next_wake(now)
        sent = dispatcher.tick(now).sent
    drop(seeds, inbox, "ua-46-19-final.txt")

    following = dispatcher.tick(dispatcher.next_wake(now))

    assert following.sent == []
    assert db.execute("SELECT status, closed_reason FROM cases").fetchone() == ("closed", "final update")
    assert dispatcher.next_wake(now) is None  # nothing left to do for this campaign
    db.close()


def test_partial_files_wait_until_they_are_renamed(workspace, seeds, inbox):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    for name in (".ua-46-19-final.txt", "ua-46-19-final.txt.part", "ua-46-19-final.txt.tmp", "~final.txt"):
        drop(seeds, inbox, "ua-46-19-final.txt", name)
    config, db = library(workspace)
    now = parse_instant("2019-04-25T09:00+05:00")

    assert scan_inbox(db, inbox, now, config).processed == []
    assert db.execute("SELECT status FROM cases").fetchone() == ("open",)

    os.replace(inbox / "ua-46-19-final.txt.part", inbox / "ua-46-19-final.txt")
    result = scan_inbox(db, inbox, now, config)
    assert [(o.kind, o.action) for o in result.processed] == [("final", "closed")]
    assert (inbox / ".ua-46-19-final.txt").exists()


@pytest.mark.parametrize("name, partial", [
    ("ua.txt", False), ("ua.pdf", False), (".ua.txt", True), ("ua.txt.part", True),
    ("UA.PDF.CRDOWNLOAD", True), ("ua.docx~", True), ("ua.tmp", True),
])
def test_which_names_are_partial(name, partial):
    assert is_partial(name) is partial


def test_a_file_that_cannot_be_read_goes_to_failed_with_its_reason(workspace, seeds, inbox):
    inbox.mkdir()
    (inbox / "empty.txt").write_text("")
    config, db = library(workspace)

    result = scan_inbox(db, inbox, parse_instant("2019-04-25T09:00+05:00"), config)

    assert sorted(result.failed) == ["empty.txt"]
    reason = (inbox / "failed" / "empty.txt.reason.txt").read_text()
    assert "empty.txt" in reason and reason.count("\n") == 1
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == []
    kinds = [r[0] for r in db.execute("SELECT kind FROM events WHERE kind = 'inbox-failed'")]
    assert kinds == ["inbox-failed"]
    assert db.execute("SELECT count(*) FROM documents").fetchone() == (0,)


def test_readable_documents_that_start_nothing_are_processed_not_failed(workspace, seeds, inbox):
    inbox.mkdir()
    (inbox / "shopping.txt").write_text("eggs\nmilk\nbread\n")
    drop(seeds, inbox, "ua-46-19-final.txt")  # a final update with no case to close
    config, db = library(workspace)

    result = scan_inbox(db, inbox, parse_instant("2019-04-25T09:00+05:00"), config)

    assert result.failed == {}
    assert sorted((o.kind, o.action) for o in result.processed) == [("final", "recorded"), ("unknown", "recorded")]
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == ["shopping.txt", "ua-46-19-final.txt"]
    assert db.execute("SELECT count(*) FROM cases").fetchone() == (0,)


def test_after_a_crash_between_commit_and_move_the_file_is_unchanged_and_moved(workspace, seeds, inbox):
    from advocate.watch import ingest_file

    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    path = drop(seeds, inbox, "ua-46-19-final.txt")
    config, db = library(workspace)
    now = parse_instant("2019-04-25T09:00+05:00")
    ingest_file(db, path, now, config)  # committed; the daemon "dies" before moving the file

    result = scan_inbox(db, inbox, now, config)

    assert [o.action for o in result.processed] == ["unchanged"]
    assert (inbox / "processed" / "ua-46-19-final.txt").exists()
    assert db.execute("SELECT count(*) FROM documents").fetchone() == (2,)
    assert db.execute("SELECT count(*) FROM events WHERE kind = 'case-closed'").fetchone() == (1,)


def test_a_final_dropped_before_its_ua_closes_it_whatever_the_order(workspace, seeds, inbox):
    final = drop(seeds, inbox, "ua-46-19-final.txt")
    initial = drop(seeds, inbox, "ua-46-19-initial.txt")
    os.utime(final, (1_000_000, 1_000_000))  # the final one is "older": tried first, before its case exists
    config, db = library(workspace)

    result = scan_inbox(db, inbox, parse_instant("2019-04-10T09:00+05:00"), config)

    assert [(o.kind, o.action) for o in result.processed] == [("final", "recorded"), ("initial", "created")]
    assert result.failed == {}
    assert initial and not list((inbox / "failed").iterdir())
    assert db.execute("SELECT status, closed_reason FROM cases").fetchone() == ("closed", "final update")


def test_a_name_already_in_processed_is_kept_apart(tmp_path):
    (tmp_path / "processed").mkdir()
    (tmp_path / "processed" / "ua.txt").write_text("old")
    (tmp_path / "ua.txt").write_text("new")
    moved = move_to(tmp_path / "ua.txt", tmp_path / "processed")
    assert moved.name == "ua-2.txt" and moved.read_text() == "new"
    assert (tmp_path / "processed" / "ua.txt").read_text() == "old"


def update_text(seeds, deadline: str) -> str:
    text = (seeds / "ua-46-19-initial.txt").read_text()
    body = text.split("\n", 1)[1].replace("21 May 2019", deadline)
    return "URGENT ACTION\n\nFURTHER INFORMATION ON UA 46/19\n\nHUMAN RIGHTS DEFENDER STILL UNDER HOUSE ARREST\n\n" + body


def test_an_update_in_the_inbox_with_a_new_deadline_reopens_an_expired_case(workspace, seeds, inbox):
    start_campaign(workspace, seeds)
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-06-01T00:00+05:00")
    assert workspace.json("case show 1")["closed_reason"] == "deadline passed"

    inbox.mkdir(exist_ok=True)
    (inbox / "ua-46-19-update.txt").write_text(update_text(seeds, "30 June 2019"))
    workspace.run("--now 2019-06-01T09:00+05:00 daemon --simulate --in-place --until 2019-06-02T00:00+05:00")

    case = workspace.json("case show 1")
    assert (case["status"], case["deadline"]) == ("open", "2019-06-30")
    assert [d["action"] for d in case["documents"]] == ["created", "updated"]
    assert (inbox / "processed" / "ua-46-19-update.txt").exists()
    drafts = workspace.json("--now 2019-06-01T09:00+05:00 queue")  # the plan is extended, as `advocate ingest` would
    assert drafts and min(p["scheduled_at"] for p in drafts) > "2019-06-01" and {p["status"] for p in drafts} == {"draft"}


def test_release_news_in_the_inbox_flags_the_case_until_the_coordinator_decides(workspace, seeds, inbox):
    start_campaign(workspace, seeds)
    drop(seeds, inbox, "ua-46-19-release-news.txt")
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-04-12T00:00+05:00")

    case = workspace.json("case list")[0]
    assert case["status"] == "open" and case["needs_confirmation"] is True
    assert "released" in case["confirmation_reason"]
    listing = workspace.run("case list").output
    assert "close or keep?" in listing and "advocate case keep 1" in listing

    assert "kept open" in workspace.run(f"{APRIL_10} case keep 1").output
    case = workspace.json("case list")[0]
    assert (case["status"], case["needs_confirmation"]) == ("open", False)
    assert "not waiting" in workspace.run(f"{APRIL_10} case keep 1").output
    assert len(workspace.outbox()) > 0  # the flag alone never stops the posts


def test_closing_a_flagged_case_clears_the_flag(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    news = workspace.json(f"{APRIL_10} ingest {seeds / 'ua-46-19-un-wgad-news.txt'}")
    assert (news[0]["action"], news[0]["case"]["needs_confirmation"]) == ("recorded", True)
    workspace.run(f"{APRIL_10} case close 1 --reason released")
    case = workspace.json("case list")[0]
    assert (case["status"], case["closed_reason"], case["needs_confirmation"]) == ("closed", "released", False)


def test_a_grace_period_delays_the_deadline_closure_but_not_the_last_post(workspace, seeds):
    workspace.set_config("deadline_grace_hours = 0", "deadline_grace_hours = 24")
    start_campaign(workspace, seeds)
    deadline_at = dt.datetime.fromisoformat(workspace.json("case show 1")["deadline_at"])
    within_grace = (deadline_at + dt.timedelta(hours=12)).isoformat()
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until {within_grace}")
    assert workspace.json("case show 1")["status"] == "open"

    workspace.run(f"--now {within_grace} daemon --simulate --in-place --until 2019-06-01T00:00+05:00")
    case = workspace.json("case show 1")
    assert (case["status"], case["closed_reason"]) == ("closed", "deadline passed")
    assert dt.datetime.fromisoformat(case["closed_at"]) == deadline_at + dt.timedelta(hours=24)
    assert all(dt.datetime.fromisoformat(line["at"]) < deadline_at for line in workspace.outbox())


@pytest.mark.parametrize("text, message", [
    ("[inbox]\nfolder = 3\n", "'inbox.folder' must be a string"),
    ("[inbox]\nfoldr = \"in\"\n", "unknown key 'inbox.foldr'"),
    ("[daemon]\ndeadline_grace_hours = -1\n", "'daemon.deadline_grace_hours' must be 0 or more"),
    ("[daemon]\ndeadline_grace_hours = 1.5\n", "'daemon.deadline_grace_hours' must be a whole number"),
])
def test_bad_inbox_and_grace_settings_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as error:
        load_config(path)
    assert "\n" not in str(error.value)


def test_the_inbox_is_off_by_default_and_resolved_against_the_config_file(tmp_path):
    assert load_config(None).inbox.folder == ""
    path = tmp_path / "config.toml"
    path.write_text('[inbox]\nfolder = "drop"\n')
    assert load_config(path).inbox.folder == str(tmp_path.resolve() / "drop")


def test_simulate_without_an_inbox_ignores_folders(workspace, seeds):
    start_campaign(workspace, seeds)
    config, db = library(workspace)
    summary = simulate(db, config, parse_instant("2019-04-10T09:00+05:00"), parse_instant("2019-04-12T00:00+05:00"), {})
    assert summary.sent and not (workspace.root / "inbox").exists()


def test_migration_003_upgrades_a_database_with_cases_in_it(tmp_path):
    import sqlite3

    import sqlite_utils

    from advocate.migrations import migrations

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(sqlite3.connect(str(path), isolation_level=None))
    migrations.apply(old, stop_before="m003_confirmation_and_feeds")
    old["cases"].insert({"person": "A", "created_at": "2019-01-01T00:00:00+00:00", "updated_at": "2019-01-01T00:00:00+00:00"})
    old.conn.close()

    db = open_db(path)
    row = db.execute("SELECT needs_confirmation, confirmation_reason FROM cases").fetchone()
    assert row == (0, None)
    assert db.execute("SELECT count(*) FROM feed_entries").fetchone() == (0,)
    assert not migrations.pending(db)
