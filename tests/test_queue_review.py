"""Reviewing the queue like a coordinator: filter, sort, page, see the calendar, import posts, and bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from advocate.models import POST_JSON

APRIL_10 = "--now 2019-04-10T09:00+05:00"
NOW = dt.datetime.fromisoformat("2019-04-10T09:00+05:00")
ALMATY = ZoneInfo("Asia/Almaty")  # the posting time zone of the default config


@pytest.fixture
def planned(workspace, seeds):
    """The seed case with its plan: drafts from 10 April to its deadline, 21 May."""
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    return workspace


def local_day(post) -> dt.date:
    return dt.datetime.fromisoformat(post["scheduled_at"]).astimezone(ALMATY).date()


def refused(space, command: str) -> str:
    """Run a command that must fail: one line on stderr, no traceback; returns that line."""
    result = space.run(f"{APRIL_10} {command}", ok=False)
    assert result.exit_code != 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


# --- filters, sorting, pages, CSV ---------------------------------------------------

def test_from_and_to_take_whole_days(planned):
    everything = planned.json(f"{APRIL_10} queue")
    tomorrow = planned.json(f"{APRIL_10} queue --from tomorrow --to tomorrow")
    assert tomorrow == [p for p in everything if local_day(p) == dt.date(2019, 4, 11)]
    present = sorted({local_day(p) for p in everything})
    first, last = present[1], present[3]
    days = planned.json(f"{APRIL_10} queue --from {first} --to {last}")
    assert {local_day(p) for p in days} == {d for d in present if first <= d <= last}
    assert days == [p for p in everything if first <= local_day(p) <= last]


def test_from_takes_relative_and_iso_times(planned):
    later = planned.json(f"{APRIL_10} queue --from +3d")
    cutoff = NOW + dt.timedelta(days=3)
    assert later and all(dt.datetime.fromisoformat(p["scheduled_at"]) >= cutoff for p in later)
    assert len(later) < len(planned.json(f"{APRIL_10} queue"))
    until = planned.json(f"{APRIL_10} queue --to 2019-04-15T12:00+06:00")
    assert until and all(dt.datetime.fromisoformat(p["scheduled_at"]) < dt.datetime.fromisoformat("2019-04-15T12:00+06:00") for p in until)


def test_sort_by_id_status_and_case_either_way(planned):
    planned.run(f"{APRIL_10} queue approve 5 6")
    by_id = [p["id"] for p in planned.json(f"{APRIL_10} queue --sort id --desc")]
    assert by_id == sorted(by_id, reverse=True)
    statuses = [p["status"] for p in planned.json(f"{APRIL_10} queue --sort status")]
    assert statuses == ["draft"] * (len(statuses) - 2) + ["scheduled", "scheduled"]
    assert [p["status"] for p in planned.json(f"{APRIL_10} queue --sort status --desc")][:2] == ["scheduled", "scheduled"]
    times = [p["scheduled_at"] for p in planned.json(f"{APRIL_10} queue --sort case")]
    assert times == sorted(times)


def test_pages_of_the_table_and_of_json(planned):
    everything = planned.json(f"{APRIL_10} queue")
    pages = -(-len(everything) // 5)
    assert pages >= 3
    assert planned.json(f"{APRIL_10} queue --per-page 5 --page 2") == everything[5:10]
    first = planned.run(f"{APRIL_10} queue --per-page 5").output
    assert f"page 1 of {pages}; next: --page 2" in first
    assert f"posts 1-5 of {len(everything)}" in first
    last = planned.run(f"{APRIL_10} queue --per-page 5 --page {pages}").output
    assert f"page {pages} of {pages}" in last and "next" not in last
    beyond = planned.run(f"{APRIL_10} queue --per-page 5 --page {pages + 1}").output
    assert f"try --page {pages}" in beyond


def test_json_without_page_lists_everything(planned):
    drafts = planned.json(f"{APRIL_10} queue --status draft --per-page 1000")
    assert len(drafts) > 10 and planned.json(f"{APRIL_10} queue") == drafts


def test_csv_has_the_fields_of_json(planned):
    posts = planned.json(f"{APRIL_10} queue --case 1")
    rows = list(csv.DictReader(io.StringIO(planned.run(f"{APRIL_10} queue --case 1 --csv").output, newline="")))
    assert list(rows[0]) == list(POST_JSON)
    assert [(int(r["id"]), r["text"], r["scheduled_at"]) for r in rows] == [(p["id"], p["text"], p["scheduled_at"]) for p in posts]


@pytest.mark.parametrize("options, says", [
    ("--json --csv", "choose one of --json and --csv"),
    ("--from 2019-05-01 --to 2019-04-01", "must come before --to"),
    ("--page 2 --limit 5", "do not mix"),
    ("--from 'the day after never'", "not a time I can read"),
])
def test_list_options_that_do_not_fit(planned, options, says):
    result = planned.run(f"{APRIL_10} queue {options}", ok=False)
    assert result.exit_code != 0
    assert says in result.stderr and "Traceback" not in result.output


# --- bad input: one line, nothing changes ----------------------------------------------

@pytest.mark.parametrize("command, says", [
    ("queue show 999", "post 999 does not exist"),
    ("queue approve 999", "post 999 does not exist"),
    ("queue move 999 +2h", "post 999 does not exist"),
    ("queue edit 999 --text 'hello'", "post 999 does not exist"),
    ("queue move 3 2019-05-22T10:00+05:00", "after case 1's deadline"),
    ("queue move 3 2019-04-01T10:00+05:00", "in the past"),
    ("queue move 3 'when pigs fly'", "not a time I can read"),
    ("queue edit 3 --text '" + "Free Serikzhan Bilash now. " * 12 + "'", "shorten it"),
    ("queue edit 3 --text 'Free him #one #two #three'", "3 hashtags; at most 2 allowed"),
    ("queue approve", "name post ids, --case ID or --all"),
])
def test_bad_input_is_one_line_and_changes_nothing(planned, command, says):
    before = planned.json(f"{APRIL_10} queue --all")
    assert says in refused(planned, command)
    assert planned.json(f"{APRIL_10} queue --all") == before


def test_nothing_moves_or_changes_in_a_closed_case(planned):
    planned.run(f"{APRIL_10} case close 1 --reason released")
    before = planned.json(f"{APRIL_10} queue --all")
    assert "closed" in refused(planned, "queue move 3 +2h")
    assert "closed" in refused(planned, "queue edit 3 --text 'A new text for Serikzhan Bilash'")
    assert "closed" in refused(planned, "queue approve 3")
    assert planned.json(f"{APRIL_10} queue --all") == before


# --- calendar -----------------------------------------------------------------------------

def test_calendar_counts_posts_per_day_against_the_cap(planned):
    data = planned.json(f"{APRIL_10} calendar")
    posts = planned.json(f"{APRIL_10} queue")
    assert [d["date"] for d in data["days"]][:2] == ["2019-04-10", "2019-04-11"] and len(data["days"]) == 14
    for day in data["days"]:
        expected = sum(local_day(p).isoformat() == day["date"] for p in posts)
        assert day["total"] == expected == day["cases"][0]["posts"] == day["accounts"][0]["posts"]
        assert day["accounts"][0] == {"name": "rehearsal", "posts": expected, "daily_cap": 17, "over_cap": False}


def test_calendar_marks_the_deadline_day(planned):
    data = planned.json(f"{APRIL_10} calendar --days 45")
    marked = [d["date"] for d in data["days"] if d["cases"][0]["deadline_day"]]
    assert marked == ["2019-05-21"]
    after = [d for d in data["days"] if d["cases"][0]["after_deadline"]]
    assert after and all(d["total"] == 0 for d in after)
    table = planned.run(f"{APRIL_10} calendar --days 45").output
    assert "DL" in table and "Serikzhan Bilash" in table and "21 May" in table
    assert max(len(line) for line in table.splitlines()) <= 100


def test_calendar_warns_when_an_account_is_over_its_cap(planned):
    first = planned.json(f"{APRIL_10} queue")[0]
    moved_to = dt.datetime.fromisoformat(first["scheduled_at"]) + dt.timedelta(hours=2)
    planned.run(f"{APRIL_10} queue move 2 {moved_to.isoformat()}")  # two posts on one day
    planned.set_config('daily_cap = "free"', 'daily_cap = 1')
    data = planned.json(f"{APRIL_10} calendar")
    over = [d["date"] for d in data["days"] if d["accounts"][0]["over_cap"]]
    assert over and all(d["total"] > 1 for d in data["days"] if d["date"] in over)
    table = planned.run(f"{APRIL_10} calendar").output
    assert f"{over[0]}: rehearsal has 2 posts, over its daily cap of 1" in table


def test_calendar_without_cases_says_what_to_do(workspace):
    assert "advocate ingest FILE" in workspace.run(f"{APRIL_10} calendar").output


# --- import -------------------------------------------------------------------------------

HEADER = "case_id,account,scheduled_at,text,language,kind\n"
GOOD = [
    '1,rehearsal,2019-04-12T10:00+05:00,"Free Serikzhan Bilash, now; he defends rights. #Bilash",en,appeal\n',
    '1,rehearsal,2019-04-13T10:00+05:00,"@GenProkRK, release Serikzhan Bilash.",en,\n',
    '1,rehearsal,2019-05-20T10:00+05:00,"Освободите Серикжана Билаша!",ru,last-call\n',
]


def write_csv(space, rows, name="posts.csv") -> str:
    path = space.root / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return str(path)


def test_import_adds_every_row_as_a_draft_and_logs_it(planned):
    before = len(planned.json(f"{APRIL_10} queue"))
    a = before + 1  # the plan's posts are numbered 1..before
    out = planned.run(f"{APRIL_10} import {write_csv(planned, GOOD)}").output
    assert f"imported 3 posts from posts.csv (ids {a}-{a + 2})" in out
    added = {p["id"]: p for p in planned.json(f"{APRIL_10} queue") if p["id"] >= a}
    assert len(added) == 3 and len(planned.json(f"{APRIL_10} queue")) == before + 3
    assert {p["status"] for p in added.values()} == {"draft"}
    assert (added[a]["language"], added[a + 2]["language"], added[a]["template"]) == ("en", "ru", "import/posts.csv")
    assert added[a]["text"] == "Free Serikzhan Bilash, now; he defends rights. #Bilash"
    assert added[a + 2]["kind"] == "last-call" and added[a]["kind"] == "appeal"
    events = planned.json(f"{APRIL_10} queue show {a}")["events"]
    assert any(e["kind"] == "imported" and "posts.csv row 2" in e["message"] for e in events)


def test_import_without_review_schedules_all_but_mentions(planned):
    planned.set_config("\nreview = true", "\nreview = false")  # not mention_needs_review
    a = len(planned.json(f"{APRIL_10} queue")) + 1
    planned.run(f"{APRIL_10} import {write_csv(planned, GOOD)}")
    added = {p["id"]: p for p in planned.json(f"{APRIL_10} queue") if p["id"] >= a}
    assert [added[i]["status"] for i in (a, a + 1, a + 2)] == ["scheduled", "draft", "scheduled"]
    assert added[a + 1]["needs_review"] == "mentions genprokrk"


LONG = "Free Serikzhan Bilash now. " * 12
BAD_ROWS = [
    ('9,rehearsal,2019-04-12T10:00+05:00,Hello,en,\n', "row 3, case_id: case 9 does not exist"),
    ('one,rehearsal,2019-04-12T10:00+05:00,Hello,en,\n', "row 3, case_id: 'one' is not a case number"),
    ('1,mastodon_main,2019-04-12T10:00+05:00,Hello,en,\n', "row 3, account: 'mastodon_main' is not one of the configured accounts"),
    ('1,rehearsal,2019-04-12T10:00,Hello,en,\n', "row 3, scheduled_at: '2019-04-12T10:00' has no UTC offset"),
    ('1,rehearsal,12/04/2019 10:00,Hello,en,\n', "row 3, scheduled_at: '12/04/2019 10:00' is not a time"),
    ('1,rehearsal,2019-04-09T10:00+05:00,Hello,en,\n', "row 3, scheduled_at: 2019-04-09T10:00+05:00 is in the past"),
    ('1,rehearsal,2019-05-22T10:00+05:00,Hello,en,\n', "row 3, scheduled_at: 2019-05-22T10:00+05:00 is after case 1's deadline"),
    (f'1,rehearsal,2019-04-12T10:00+05:00,{LONG},en,\n', "row 3, text: 323 of 280 weighted characters on dryrun; shorten it"),
    ('1,rehearsal,2019-04-12T10:00+05:00,Free him #a #b #c,en,\n', "row 3, text: 3 hashtags; at most 2 allowed"),
    ('1,rehearsal,2019-04-12T10:00+05:00,,en,\n', "row 3, text: empty"),
    ('1,rehearsal,2019-04-12T10:00+05:00,"FREE  serikzhan bilash, now; he defends rights. #Bilash",en,\n', "row 3, text: the same text as row 2"),
    ('1,rehearsal,2019-04-12T10:00+05:00,Hello,English,\n', "row 3, language: 'english' is not a language code"),
    ('1,rehearsal,2019-04-12T10:00+05:00,Hello,en,teaser\n', "row 3, kind: 'teaser' is not a kind of post"),
    ('1,rehearsal,2019-04-12T10:00+05:00,Hello, world,en,\n', "row 3, text: more cells than columns"),
]


@pytest.mark.parametrize("bad, says", BAD_ROWS, ids=[says.split(": ")[0] + " " + says.split(": ")[1][:24] for _, says in BAD_ROWS])
def test_import_refuses_the_whole_file_for_one_bad_row(planned, bad, says):
    before = planned.json(f"{APRIL_10} queue --all")
    line = refused(planned, f"import {write_csv(planned, [GOOD[0], bad, GOOD[2]])}")
    assert f"posts.csv {says}" in line and line.endswith("nothing was imported")
    assert planned.json(f"{APRIL_10} queue --all") == before


def test_import_refuses_a_text_already_queued(planned):
    queued = planned.json(f"{APRIL_10} queue")[0]
    row = f'1,rehearsal,2019-04-12T10:00+05:00,"{queued["text"]}",,\n'
    line = refused(planned, f"import {write_csv(planned, [row])}")
    assert f"row 2, text: the same text is already queued for case 1 on rehearsal (post {queued['id']})" in line


def test_import_refuses_a_closed_case_and_a_missing_column(planned):
    planned.run(f"{APRIL_10} case close 1 --reason released")
    assert "row 2, case_id: case 1 is closed (released)" in refused(planned, f"import {write_csv(planned, GOOD[:1])}")
    path = planned.root / "short.csv"
    path.write_text("case_id,account,text\n1,rehearsal,Hello\n")
    assert "short.csv row 1, scheduled_at: no such column" in refused(planned, f"import {path}")


def test_import_of_an_empty_or_missing_file(planned):
    path = planned.root / "empty.csv"
    path.write_text(HEADER)
    assert "no posts in it" in refused(planned, f"import {path}")
    result = planned.run(f"{APRIL_10} import {planned.root / 'nope.csv'}", ok=False)
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_queue_list_takes_the_same_options(planned):
    assert planned.json(f"{APRIL_10} queue list --sort id --desc --per-page 5 --page 1") == planned.json(f"{APRIL_10} queue --sort id --desc")[:5]


# --- nothing a person made is dropped by a machine (issue 13, point 3) -----------------------

def _by_id(space) -> dict[int, dict]:
    return {p["id"]: p for p in space.json(f"{APRIL_10} queue --all")}


def test_a_replan_keeps_every_post_a_person_imported_edited_approved_or_moved(planned):
    ids = sorted(_by_id(planned))
    planned.run(f"{APRIL_10} queue approve {ids[0]}")
    planned.run(f"{APRIL_10} queue edit {ids[1]} --text 'Written by a person. #Bilash'")
    planned.run(f"{APRIL_10} queue move {ids[2]} +1h")
    imported = max(ids) + 1
    planned.run(f"{APRIL_10} import {write_csv(planned, GOOD[:1])}")
    out = planned.run(f"{APRIL_10} case edit 1 --target-handle 1:mastodon=@prokuror@mastodon.example").output
    assert "withdrawn" in out
    after = _by_id(planned)
    for post_id in (ids[0], ids[1], ids[2], imported):
        assert after[post_id]["status"] in ("draft", "scheduled"), (post_id, after[post_id])
    assert after[ids[3]]["status"] == "cancelled" and after[ids[3]]["error"] == "replanned"  # the planner's own, untouched


def test_a_persons_post_past_a_new_deadline_waits_for_review_with_the_reason(planned):
    imported = max(_by_id(planned)) + 1
    planned.run(f"{APRIL_10} import {write_csv(planned, GOOD)}")  # its last row goes out on 20 May
    planned.run(f"{APRIL_10} queue approve {imported + 2}")
    out = planned.run(f"{APRIL_10} case edit 1 --set deadline=2019-05-10").output
    post = _by_id(planned)[imported + 2]
    assert post["status"] == "draft" and not post["approved"]
    assert post["needs_review"] == "after the new deadline (2019-05-10): move it earlier or reject it"
    assert f"waits for review: post {imported + 2}: after the new deadline (2019-05-10)" in out
    assert "advocate review" in out
    shown = planned.run(f"{APRIL_10} review --case 1", input="q\n").output  # review shows it, with the reason
    assert "AFTER the deadline" not in shown.split("── post")[1]  # soonest first: the first post is not this one
    events = planned.json(f"{APRIL_10} queue show {imported + 2}")["events"]
    assert any(e["kind"] == "flagged" for e in events)


def test_a_persons_post_mentioning_a_removed_target_waits_for_review(planned):
    imported = max(_by_id(planned)) + 1
    planned.run(f"{APRIL_10} import {write_csv(planned, GOOD)}")  # row 3 mentions @GenProkRK, target 1's X handle
    out = planned.run(f"{APRIL_10} case edit 1 --target 1 --set handle=").output
    post = _by_id(planned)[imported + 1]
    assert post["status"] == "draft"
    assert post["needs_review"] == "mentions @GenProkRK, no longer a target of case 1: edit or reject it"
    assert f"waits for review: post {imported + 1}: mentions @GenProkRK" in out


@pytest.mark.parametrize("spec, says", [
    ("1:mastodon=GenProsAZ", "'GenProsAZ' is not a Mastodon address like @prokuror@mastodon.social"),
    ("1:mastodon=@a@b", "is not a Mastodon address"),
    ("1:bluesky=@prokuror", "'@prokuror' is not a Bluesky handle like @prokuror.bsky.social"),
    ("1:x=@this_is_far_too_long_for_x", "is not an X handle"),
])
def test_handles_are_checked_per_network_before_they_are_stored(planned, spec, says):
    before = planned.json(f"{APRIL_10} case show 1")["targets"]
    line = refused(planned, f"case edit 1 --target-handle {spec}")
    assert says in line and "nothing was changed" in line
    assert planned.json(f"{APRIL_10} case show 1")["targets"] == before


def test_good_handles_are_stored_in_their_networks_form(planned):
    planned.run(f"{APRIL_10} case edit 1 --target-handle 1:mastodon=Prokuror@Mastodon.Social --target-handle 1:bluesky=prokuror.bsky.social")
    handles = planned.json(f"{APRIL_10} case show 1")["targets"][0]["handles"]
    assert handles == {"mastodon": "@Prokuror@mastodon.social", "bluesky": "@prokuror.bsky.social"}


def test_a_move_is_logged_from_what_to_what(planned):
    post = min(_by_id(planned).values(), key=lambda p: p["id"])
    planned.run(f"{APRIL_10} queue move {post['id']} 2019-04-20T10:00+05:00")
    events = planned.json(f"{APRIL_10} queue show {post['id']}")["events"]
    old = post["scheduled_at"][:16].replace("T", " ")
    assert events[-1]["message"] == f"post {post['id']} moved from {old} UTC to 2019-04-20 05:00 UTC"


# --- tables that show the text; times a person reads; empty results; no vim without a terminal -----

def test_the_queue_table_shows_every_text_whole_in_80_columns(planned, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    posts = planned.json(f"{APRIL_10} queue")
    out = planned.run(f"{APRIL_10} queue").output
    assert max(len(line) for line in out.splitlines()) <= 80
    flat = " ".join(out.split())
    for post in posts[:50]:
        assert " ".join(post["text"].split()) in flat  # wrapped under its row, never cut to a sliver
    monkeypatch.setenv("COLUMNS", "200")
    wide = planned.run(f"{APRIL_10} queue").output
    assert max(len(line) for line in wide.splitlines()) <= 200 and "Text" in wide.splitlines()[1]


def test_history_and_case_list_wrap_to_the_terminal(planned, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    planned.run(f"{APRIL_10} queue approve --all")
    planned.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-04-15T00:00+05:00")
    out = planned.run(f"{APRIL_10} case list").output
    assert "Serikzhan Bilash" in out and max(len(line) for line in out.splitlines()) <= 80
    sent = planned.json(f"{APRIL_10} history")
    out = planned.run(f"{APRIL_10} history").output
    assert sent and max(len(line) for line in out.splitlines()) <= 80
    assert all(" ".join(p["text"].split()) in " ".join(out.split()) for p in sent)
    assert out.splitlines()[0] == f"{len(sent)} sent, newest first, times in Asia/Almaty"


def test_an_empty_result_names_the_filter_that_matched_nothing(planned):
    assert planned.run(f"{APRIL_10} queue --status failed --case 1").output.strip() == "No posts match --case 1 --status failed"
    out = planned.run(f"{APRIL_10} queue --account rehearsal --from 2019-06-01").output
    assert out.startswith("No posts match --account rehearsal --from 2019-06-01")
    assert planned.run(f"{APRIL_10} history --case 1").output.strip() == "Nothing posted yet for case 1."


def test_queue_account_is_the_option_and_channel_still_works(planned):
    assert planned.json(f"{APRIL_10} queue --account rehearsal") == planned.json(f"{APRIL_10} queue --channel rehearsal")


def test_queue_move_counts_a_relative_time_from_the_post_and_answers_in_the_posting_zone(planned):
    post = planned.json(f"{APRIL_10} queue")[2]
    out = planned.run(f"{APRIL_10} queue move {post['id']} +2h").output
    at = dt.datetime.fromisoformat(post["scheduled_at"]) + dt.timedelta(hours=2)
    assert out.strip() == f"post {post['id']} moved to {at.astimezone(ALMATY):%a %d %b %Y %H:%M} Asia/Almaty (+06)"
    assert planned.json(f"{APRIL_10} queue show {post['id']}")["scheduled_at"] == at.astimezone(dt.UTC).isoformat()


def test_queue_show_prints_times_in_the_posting_zone(planned):
    post = planned.json(f"{APRIL_10} queue")[0]
    out = planned.run(f"{APRIL_10} queue show {post['id']}").output
    at = dt.datetime.fromisoformat(post["scheduled_at"]).astimezone(ALMATY)
    assert f"scheduled_at: {at:%a %d %b %Y %H:%M} Asia/Almaty (+06)" in out
    assert "+00:00" not in out


def test_queue_edit_without_a_terminal_never_opens_an_editor(planned, monkeypatch):
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    post = planned.json(f"{APRIL_10} queue")[0]
    line = refused(planned, f"queue edit {post['id']}")
    assert line == f"Error: post {post['id']}: no terminal to edit in; give the new text with --text '...'"
    line = refused(planned, f"queue edit {post['id']} --text ''")
    assert line == f"Error: post {post['id']}: the new text is empty; write the post's text (or reject the post)"
    assert planned.json(f"{APRIL_10} queue show {post['id']}")["text"] == post["text"]


@pytest.mark.parametrize("command", ["ingest {seed}", "queue", "review", "case list", "history", "queue approve --all"])
def test_commands_need_the_database_init_made_and_create_none(tmp_path, seeds, command):
    from click.testing import CliRunner

    from advocate.cli import cli

    (tmp_path / "config.toml").write_text("")
    args = ["--config", str(tmp_path / "config.toml"), "--now", "2019-04-10T09:00+05:00",
            *command.format(seed=seeds / "ua-46-19-initial.txt").split()]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and "run 'advocate init' first" in result.output, result.output
    assert not [p for p in tmp_path.rglob("*.db")]
    assert not list((tmp_path / "home").rglob("*.db")) if (tmp_path / "home").exists() else True


# --- a simulation never touches the live queue (issue 13, point 6) -------------------------------

def test_a_simulation_rehearses_on_a_copy_and_says_where_its_outbox_went(planned):
    planned.run(f"{APRIL_10} queue approve --all")
    before = planned.json(f"{APRIL_10} queue --all")
    result = planned.run(f"{APRIL_10} daemon --simulate --until 2019-04-25T00:00+05:00")
    assert "rehearsed on a copy of the database" in result.stderr
    assert str(planned.root / "simulate-rehearsal.jsonl") in result.stderr
    assert planned.json(f"{APRIL_10} queue --all") == before          # nothing marked sent
    assert planned.run(f"{APRIL_10} history").output.strip() == "Nothing posted yet."
    assert planned.json(f"{APRIL_10} status")["counts"].get("sent", 0) == 0
    lines = planned.outbox("simulate-rehearsal.jsonl")
    assert lines and planned.outbox() == []                           # the account's own outbox untouched
    planned.run(f"{APRIL_10} daemon --simulate --until 2019-04-25T00:00+05:00")
    assert planned.outbox("simulate-rehearsal.jsonl") == lines        # each run's outbox holds that run only


def test_in_place_goes_with_simulate_and_only_with_dry_run_accounts(planned):
    assert "--in-place goes with --simulate" in refused(planned, "daemon --in-place")
    planned.set_config('accounts = ["rehearsal"]', 'accounts = ["rehearsal", "org_x"]')
    planned.config.write_text(planned.config.read_text() + '\n[accounts.org_x]\ntype = "x"\n')
    line = refused(planned, "daemon --simulate --in-place --until 2019-04-25T00:00+05:00")
    assert "would mark posts of org_x sent without publishing them" in line


def test_changes_and_fields_read_as_text_never_as_python_reprs(planned):
    out = planned.run(f"{APRIL_10} case edit 1 --set hashtags=#A,#B").output
    assert "hashtags: #Bilash, #KazakhsInChina -> #A, #B" in out
    shown = planned.run(f"{APRIL_10} case show 1").output
    assert "['" not in shown and "{'" not in shown and "['" not in out


def test_pause_and_resume_live_under_queue_and_the_old_names_still_work(planned):
    from advocate.cli import cli

    visible = {name for name, command in cli.commands.items() if not command.hidden}
    assert "account" not in visible
    assert {n for n, c in cli.commands["case"].commands.items() if not c.hidden}.isdisjoint({"pause", "resume"})
    assert "'advocate queue resume --case 1'" in planned.run(f"{APRIL_10} queue pause --case 1").output
    assert planned.json(f"{APRIL_10} case show 1")["paused"] is True
    planned.run(f"{APRIL_10} case resume 1")  # the old name, for scripts
    assert planned.json(f"{APRIL_10} case show 1")["paused"] is False
    planned.run(f"{APRIL_10} queue pause --account rehearsal --reason 'new credentials'")
    assert planned.json(f"{APRIL_10} status")["accounts"]["rehearsal"]["paused_reason"] == "new credentials"
    assert "account rehearsal resumed" in planned.run(f"{APRIL_10} queue resume --account rehearsal").output
    help_text = planned.run("daemon --help").output
    assert "Needs --until" in help_text and "--in-place" in help_text


def test_review_will_not_approve_a_post_past_its_deadline_but_moves_it(planned):
    imported = max(_by_id(planned)) + 1
    planned.run(f"{APRIL_10} import {write_csv(planned, GOOD)}")  # row 4 goes out on 20 May
    planned.run(f"{APRIL_10} case edit 1 --set deadline=2019-05-10")
    out = " ".join(planned.run(f"{APRIL_10} review --case 1", input="s\n" * 40 + "q\n").output.split())
    assert "AFTER the deadline (2019-05-10): it cannot go out; move it earlier or reject it" in out
    assert "waits after the new deadline (2019-05-10): move it earlier or reject it" in out
    answers = {p["id"]: "s" for p in planned.json(f"{APRIL_10} queue --status draft")}
    keys = "".join(f"{'a' if post_id == imported + 2 else 's'}\n" for post_id in sorted(answers, key=lambda i: _by_id(planned)[i]["scheduled_at"]))
    out = " ".join(planned.run(f"{APRIL_10} review --case 1", input=keys + "m\n2019-05-08 10:00\na\n").output.split())
    assert f"post {imported + 2} goes out after case 1's deadline (2019-05-10), so it could never go out" in out
    post = _by_id(planned)[imported + 2]
    assert post["status"] == "scheduled" and post["scheduled_at"] == "2019-05-08T04:00:00+00:00"


def test_an_edit_is_logged_from_what_to_what(planned):
    post = min(_by_id(planned).values(), key=lambda p: p["id"])
    planned.run(f"{APRIL_10} queue edit {post['id']} --text 'Free Serikzhan Bilash now. #Bilash'")
    message = planned.json(f"{APRIL_10} queue show {post['id']}")["events"][-1]["message"]
    old = " ".join(post["text"].split())[:39]
    assert message == f'post {post["id"]} edited from "{old}…" to "Free Serikzhan Bilash now. #Bilash"'
