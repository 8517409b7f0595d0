"""`advocate review` driven through a real pseudo-terminal, 80 columns wide, as over SSH.

pexpect waits for the screen's text (no sleeping); the clock is pinned with
ADVOCATE_NOW; $EDITOR is unset unless a test sets it.
"""

from __future__ import annotations

import os
import re
import sys

import pexpect
import pytest

NOW = "2019-04-10T09:00+05:00"
KEYS = r"\[a\]pprove"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def spawn(workspace, command: str, env: dict | None = None) -> pexpect.spawn:
    environ = {k: v for k, v in os.environ.items() if k not in ("EDITOR", "VISUAL", "ADVOCATE_NOW")}
    environ.update({"ADVOCATE_NOW": NOW, "COLUMNS": "80", "LINES": "24", "NO_COLOR": "1", **(env or {})})
    environ.pop("COLUMNS")  # the width comes from the terminal itself, as over SSH
    args = ["-m", "advocate", "--config", str(workspace.config), *command.split()]
    return pexpect.spawn(sys.executable, args, env=environ, dimensions=(24, 80), encoding="utf-8",
                         timeout=30, cwd=str(workspace.root))


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return ANSI.sub("", child.before)


def screen_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").split("\n")


@pytest.fixture
def planned(workspace, seeds):
    workspace.run(f"--now {NOW} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"--now {NOW} schedule")
    return workspace


def drafts(workspace) -> list[dict]:
    return workspace.json(f"--now {NOW} queue --status draft")


def test_a_new_ua_becomes_an_approved_campaign_in_four_commands_through_a_terminal(workspace, seeds):
    child = spawn(workspace, f"ingest {seeds / 'ua-46-19-initial.txt'}")
    assert "Serikzhan Bilash" in finish(child)
    child = spawn(workspace, "case show 1")
    assert "2019-05-21" in finish(child)
    child = spawn(workspace, "schedule")
    assert "posts planned" in finish(child)
    waiting = len(drafts(workspace))
    child = spawn(workspace, "review")
    for _ in range(waiting):
        child.expect(KEYS)
        child.send("a")  # one key, no Enter
    out = finish(child)
    assert f"Reviewed {waiting} of {waiting} waiting posts: {waiting} approved" in out
    assert "Nothing else waits for review." in out
    assert drafts(workspace) == []
    assert {p["status"] for p in workspace.json(f"--now {NOW} queue")} == {"scheduled"}


def test_each_post_is_shown_whole_in_80_columns_with_what_a_reviewer_needs(planned):
    first = drafts(planned)[0]
    child = spawn(planned, "review")
    child.expect(KEYS)
    lines = screen_lines(ANSI.sub("", child.before + child.after))
    child.send("q")
    summary = finish(child)
    assert max(len(line) for line in lines + screen_lines(summary)) <= 80
    screen = "\n".join(lines)
    words = " ".join(first["text"].split())
    assert words in " ".join(" ".join(lines).split())  # the whole text, wrapped, nothing cut
    assert f"post {first['id']} · 1 of {len(drafts(planned))}" in screen
    assert "Asia/Almaty" in screen                              # the posting zone, named
    assert re.search(r"\d+ days before the deadline \(2019-05-21\)", screen)
    assert re.search(r"\d+ of 280 weighted characters, fits", screen)
    assert "mentions  none" in screen
    assert "waits     every planned post waits for approval" in screen
    assert "Reviewed 0 of" in summary


def test_reject_skip_and_quit_leave_a_summary_and_the_rest_waiting(planned):
    ids = [p["id"] for p in drafts(planned)]
    child = spawn(planned, "review")
    for key in "rs":
        child.expect(KEYS)
        child.send(key)
    child.expect(KEYS)
    child.send("q")
    out = finish(child)
    assert "1 rejected, 1 skipped" in out
    assert f"{len(ids) - 1} posts still wait" in out
    everything = {p["id"]: p for p in planned.json(f"--now {NOW} queue --all")}
    assert everything[ids[0]]["status"] == "cancelled"
    assert everything[ids[1]]["status"] == "draft"


def test_edit_without_an_editor_is_typed_inline_and_never_opens_vim(planned):
    post = drafts(planned)[0]
    child = spawn(planned, "review")
    child.expect(KEYS)
    child.send("e")
    child.expect("end with a line holding only '.'")
    child.sendline("Free Serikzhan Bilash now. #Bilash")
    child.sendline(".")
    child.expect("edited: 34 of 280")
    child.expect(KEYS)
    child.send("a")
    child.expect(KEYS)
    child.send("q")
    out = finish(child)
    assert "1 approved" in out and "edited: posts" in out
    shown = planned.json(f"--now {NOW} queue show {post['id']}")
    assert shown["text"] == "Free Serikzhan Bilash now. #Bilash"
    assert shown["status"] == "scheduled" and shown["edited"] is True


def test_edit_opens_the_editor_named_in_editor(planned, tmp_path):
    post = drafts(planned)[0]
    script = tmp_path / "editor.py"
    script.write_text("import sys\np = sys.argv[1]\nopen(p, 'w').write('Written in my editor. #Bilash')\n")
    child = spawn(planned, "review", env={"EDITOR": f"{sys.executable} {script}"})
    child.expect(KEYS)
    child.send("e")
    child.expect("edited:")
    child.expect(KEYS)
    child.send("q")
    finish(child)
    assert planned.json(f"--now {NOW} queue show {post['id']}")["text"] == "Written in my editor. #Bilash"


def test_a_relative_move_counts_from_the_posts_own_time_and_shows_the_zone(planned):
    import datetime as dt

    post = drafts(planned)[0]
    child = spawn(planned, "review")
    child.expect(KEYS)
    child.send("m")
    child.expect("move to")
    child.sendline("+2h")
    child.expect(r"moved to ([^;]*); press a")
    shown = child.match.group(1)
    child.expect(KEYS)
    child.send("q")
    finish(child)
    moved = dt.datetime.fromisoformat(planned.json(f"--now {NOW} queue show {post['id']}")["scheduled_at"])
    assert moved == dt.datetime.fromisoformat(post["scheduled_at"]) + dt.timedelta(hours=2)
    assert shown == f"{moved.astimezone(dt.timezone(dt.timedelta(hours=6))):%a %d %b %Y %H:%M} Asia/Almaty (+06)"


def test_a_bad_answer_is_one_line_on_the_screen_and_the_post_stays(planned):
    child = spawn(planned, "review")
    child.expect(KEYS)
    child.send("m")
    child.expect("move to")
    child.sendline("2001-01-01 10:00")
    child.expect("! post \\d+: .* is in the past")
    child.expect(KEYS)
    child.send("x")
    child.expect("press a to approve")
    child.expect(KEYS)
    child.send("q")
    assert "Reviewed 0 of" in finish(child)


def test_case_and_account_filters_and_an_empty_review_names_them(planned):
    out = planned.run(f"--now {NOW} review --account rehearsal --case 1", input="q\n").output
    assert "post " in out and "Reviewed 0 of" in out
    planned.run(f"--now {NOW} queue approve --all")
    assert "Nothing waits for review for case 1 on account rehearsal: no drafts match" in \
        planned.run(f"--now {NOW} review --case 1 --account rehearsal").output
    assert planned.run(f"--now {NOW} review").output.startswith("Nothing waits for review: no drafts")
    bad = planned.run(f"--now {NOW} review --account nosuch", ok=False)
    assert bad.exit_code == 1 and "nosuch" in bad.output


def test_review_on_a_pipe_reads_one_answer_a_line_and_stops_at_the_end_of_input(planned):
    ids = [p["id"] for p in drafts(planned)]
    out = planned.run(f"--now {NOW} review", input="a\na\n").output
    assert "2 approved" in out and f"{len(ids) - 2} posts still wait" in out


def test_review_needs_the_database_init_made(tmp_path):
    from click.testing import CliRunner

    from advocate.cli import cli

    (tmp_path / "config.toml").write_text("")
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.toml"), "review"])
    assert result.exit_code == 1 and "advocate init" in result.output
    assert not list(tmp_path.glob("*.db"))


def test_a_post_that_mentions_someone_says_so_and_why_it_waits(planned):
    mentioning = [p for p in drafts(planned) if "@GenProkRK" in p["text"]]
    assert mentioning
    before = [p for p in drafts(planned) if p["scheduled_at"] < mentioning[0]["scheduled_at"]]
    out = " ".join(planned.run(f"--now {NOW} review", input="s\n" * len(before) + "q\n").output.split())
    assert "mentions @GenProkRK waits it mentions @GenProkRK: a person approves every automated mention" in out
