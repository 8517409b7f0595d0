"""What every command promises: help, one-line errors, nothing half-written, a light start-up."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from advocate.cli import cli

APRIL_10 = "--now 2019-04-10T09:00+05:00"


def all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("path", list(all_commands(cli)), ids=" ".join)
def test_every_command_has_help(workspace, path):
    result = workspace.run(" ".join(path) + " --help")
    assert "Usage:" in result.output
    command = cli
    for name in path:
        command = command.commands[name]
    assert command.help or command.short_help, f"advocate {' '.join(path)} has no help text"


def one_line_error(result) -> str:
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[-1]


def counts(workspace) -> dict:
    cases = workspace.json("case list")
    posts = workspace.json("queue --all")
    return {"cases": len(cases), "posts": len(posts)}


def test_a_missing_file_names_it_and_writes_nothing(workspace, seeds):
    error = one_line_error(workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'} nowhere.txt", ok=False))
    assert "nowhere.txt" in error
    assert counts(workspace) == {"cases": 0, "posts": 0}


def test_a_text_that_is_no_ua_is_recorded_not_refused(workspace):
    note = workspace.root / "shopping.txt"
    note.write_text("Milk, eggs, bread.\nCall the plumber on Tuesday.\n")
    result = workspace.run(f"{APRIL_10} ingest {note}")
    assert "unknown, recorded" in result.output and "nothing was started" in result.output and "--case" in result.output
    assert counts(workspace)["cases"] == 0


def test_a_past_deadline_stores_the_case_closed_with_the_fix(workspace, seeds):
    result = workspace.run(f"--now 2019-06-01T09:00+05:00 ingest {seeds / 'ua-46-19-initial.txt'}")
    assert "2019-05-21" in result.output and "--set deadline=" in result.output
    case = workspace.json("case show 1")
    assert (case["status"], case["closed_reason"]) == ("closed", "deadline passed")
    workspace.run("--now 2019-06-01T09:00+05:00 case edit 1 --set deadline=2019-07-01")
    case = workspace.json("case show 1")
    assert (case["status"], case["deadline"]) == ("open", "2019-07-01")


def test_a_final_update_that_matches_no_case_is_recorded(workspace, seeds):
    [result] = workspace.json(f"{APRIL_10} ingest {seeds / 'ua-46-19-final.txt'}")
    assert (result["kind"], result["action"], result["case"]) == ("final", "recorded", None)
    assert counts(workspace)["cases"] == 0


@pytest.mark.parametrize("value", ["someday", "2019-13-45T09:00", "2019-13-45T09:00+05:00"])  # 'yesterday' and offset-less times are read since issue 17
def test_an_invalid_now_is_one_line(workspace, value):
    error = one_line_error(workspace.run(f"--now {value} queue", ok=False))
    assert "--now" in error


@pytest.mark.parametrize("text, key", [
    ("[posting]\nposts_per_dya = 3\n", "posting.posts_per_dya"),
    ("[posting]\ndaily_cap = 'many'\n", "posting.daily_cap"),
    ("[posting]\ntimezone = 'Mars/Olympus'\n", "posting.timezone"),
    ("[advocate\n", "not valid TOML"),
    ("[accounts.org_x]\ntype = 'x'\napi_secret = 'abc'\n", "accounts.org_x.api_secret"),
])
def test_a_broken_config_names_the_key(workspace, text, key):
    workspace.config.write_text(text)
    error = one_line_error(workspace.run("queue", ok=False))
    assert key in error and str(workspace.config) in error


def test_unknown_ids_are_one_line_and_change_nothing(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    before = workspace.json("queue --all")
    for command in ("queue show 9999", "queue approve 1 9999", "case show 42", "case close 42"):
        assert "does not exist" in one_line_error(workspace.run(f"{APRIL_10} {command}", ok=False))
    assert workspace.json("queue --all") == before


def test_nothing_is_posted_or_approved_for_a_closed_case(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} case close 1")
    error = one_line_error(workspace.run(f"{APRIL_10} queue post-now 1", ok=False))
    assert "closed" in error


def test_a_correction_survives_a_re_ingest_of_an_update(workspace, seeds, tmp_path):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} case edit 1 --set deadline=2019-06-01 --set country=Kazakhstan")
    update = tmp_path / "update.txt"
    update.write_text((seeds / "ua-46-19-initial.txt").read_text().replace("URGENT ACTION", "URGENT ACTION\nTHIS IS THE FIRST UPDATE OF UA 46/19", 1))
    workspace.run(f"{APRIL_10} ingest {update}")
    case = workspace.json("case show 1")
    assert case["deadline"] == "2019-06-01"
    assert case["sources"]["deadline"]["text"] == "set by user"


def test_read_commands_do_not_import_heavy_libraries(workspace):
    code = ("import sys; from advocate.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('sqlite_utils', 'tweepy', 'apscheduler', 'pypdf', 'docx', 'dateparser', 'jinja2', 'twitter_text', 'mastodon', 'atproto', 'apprise', 'feedparser') if m in sys.modules]\n"
            "print('HEAVY', heavy, file=sys.stderr)")
    for command in (["queue", "--json"], ["case", "list", "--json"], ["status", "--json"]):
        done = subprocess.run([sys.executable, "-c", code, "--config", str(workspace.config), *command],
                              capture_output=True, text=True, check=True)
        assert "HEAVY []" in done.stderr, (command, done.stderr)
        json.loads(done.stdout)


def test_the_schema_list_matches_the_migrations():
    from advocate.db import SCHEMA
    from advocate.migrations import migrations

    assert tuple(m.name for m in migrations._migrations) == SCHEMA


def test_read_commands_migrate_an_old_database_first(workspace, seeds):
    import sqlite3

    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    db = sqlite3.connect(workspace.root / "advocate.db")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_due_posts_index'")
    db.execute("DROP INDEX posts_due_at")
    db.commit()
    db.close()
    assert workspace.json("queue") == []
    db = sqlite3.connect(workspace.root / "advocate.db")
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'posts_due_at'").fetchone()[0] == 1


def test_a_case_edit_with_one_bad_part_changes_nothing(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    before = (workspace.json("case show 1"), workspace.json("queue --all"))
    error = one_line_error(workspace.run(f"{APRIL_10} case edit 1 --set deadline=2019-06-04 --target-handle 9:mastodon=@x@y.z", ok=False))
    assert "target" in error
    assert (workspace.json("case show 1"), workspace.json("queue --all")) == before
    out = workspace.run(f"{APRIL_10} case edit 1 --set deadline=2019-06-04").output
    assert "plan updated" in out


def test_the_daily_cap_may_name_an_x_tier(workspace):
    from advocate.config import load_config

    workspace.set_config('daily_cap = "free"', 'daily_cap = "basic"')
    assert load_config(workspace.config).posting.daily_cap == 100
    workspace.set_config('daily_cap = "basic"', 'daily_cap = "premium"')
    error = one_line_error(workspace.run("queue", ok=False))
    assert "posting.daily_cap" in error and "free, basic" in error
