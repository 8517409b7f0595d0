"""Exports: ICS by RFC 5545's rules, CSV and JSON with POST's fields, files written whole or not at all."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocate.exports import calendar_days, csv_chunks, escape_text, fold, ics_chunks, json_chunks, summary, write_atomic
from advocate.models import POST_JSON

APRIL_10 = "--now 2019-04-10T09:00+05:00"
NOW = dt.datetime.fromisoformat("2019-04-10T09:00+05:00")


def post(**changes) -> dict:
    base = {key: None for key in POST_JSON}
    base.update(id=7, case_id=1, channel="rehearsal", network="dryrun", kind="appeal", language="en",
                text="Free Serikzhan Bilash, now; he is a prisoner of conscience.\n\n#Bilash",
                scheduled_at="2019-04-12T04:30:00+00:00", status="scheduled", approved=True, edited=False, attempts=0)
    base.update(changes)
    return base


def unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def events(ics: str) -> list[dict]:
    found, current = [], None
    for line in unfold(ics):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            current[name] = value
    return found


# --- ICS, pure ------------------------------------------------------------------------------

def test_ics_has_one_event_per_post_in_utc():
    ics = "".join(ics_chunks([post(), post(id=8, status="draft", scheduled_at="2019-04-13T04:30:00+00:00")], NOW))
    assert ics.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:") and ics.endswith("END:VCALENDAR\r\n")
    first, second = events(ics)
    assert first["UID"] == "post-7@advocate" and second["UID"] == "post-8@advocate"
    assert first["DTSTART"] == "20190412T043000Z" and first["DTSTAMP"] == "20190410T040000Z"
    assert (first["STATUS"], second["STATUS"]) == ("CONFIRMED", "TENTATIVE")
    assert unescape(first["DESCRIPTION"]) == post()["text"]
    assert unescape(first["SUMMARY"]) == "case 1: Free Serikzhan Bilash, now; he is a prisoner of…"


def test_a_sent_post_starts_when_it_went_out_and_links_to_it():
    sent = post(status="sent", sent_at="2019-04-12T05:01:02+00:00", url="https://x.com/a/status/1")
    event = events("".join(ics_chunks([sent], NOW)))[0]
    assert event["DTSTART"] == "20190412T050102Z" and event["URL"] == "https://x.com/a/status/1"


def test_escape_text_per_rfc_5545():
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_summary_keeps_short_texts_whole():
    assert summary(post(text="Free  him\nnow")) == "case 1: Free him now"


def test_folding_keeps_lines_within_75_octets_and_characters_whole():
    line = "DESCRIPTION:" + "Серикжан Билаш — узник совести. 🕊️ " * 6
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert len(pieces) > 1 and all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert folded.replace("\r\n ", "") == line


@given(st.text(min_size=0, max_size=400))
def test_any_text_folds_and_unfolds_to_itself(text):
    line = "DESCRIPTION:" + escape_text(text)
    folded = fold(line)
    assert all(len(p.encode("utf-8")) <= 75 for p in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_every_line_of_an_export_ends_in_crlf():
    ics = "".join(ics_chunks([post(text="x" * 500)], NOW))
    assert "\n" not in ics.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in ics.split("\r\n"))


# --- CSV and JSON, pure -------------------------------------------------------------------

def test_csv_and_json_carry_posts_fields():
    posts = [post(), post(id=8, text='He said "free me", then\nnothing')]
    rows = list(csv.DictReader(io.StringIO("".join(csv_chunks(posts)), newline="")))
    assert list(rows[0]) == list(POST_JSON)
    assert [r["text"] for r in rows] == [p["text"] for p in posts]
    assert rows[0]["approved"] == "true" and rows[0]["url"] == ""
    assert json.loads("".join(json_chunks(posts))) == posts
    assert json.loads("".join(json_chunks([]))) == []


# --- calendar, pure -----------------------------------------------------------------------

def test_calendar_days_counts_per_case_and_account_in_local_days():
    import zoneinfo

    zone = zoneinfo.ZoneInfo("Asia/Almaty")  # +06:00 in 2019
    cases = [{"id": 1, "person": "A", "ua_number": None, "status": "open", "deadline": "2019-04-11"},
             {"id": 2, "person": "B", "ua_number": None, "status": "closed", "deadline": "2019-04-30"},
             {"id": 3, "person": "C", "ua_number": None, "status": "closed", "deadline": "2019-04-30"}]
    posts = [{"case_id": 1, "account": "a", "at": "2019-04-10T18:30:00+00:00"},   # 00:30 on 11 April, local
             {"case_id": 1, "account": "b", "at": "2019-04-10T10:00:00+00:00"},
             {"case_id": 2, "account": "a", "at": "2019-04-10T10:00:00+00:00"}]
    data = calendar_days(posts, cases, dt.date(2019, 4, 10), 3, zone, {"a": 1, "b": 5})
    assert [c["id"] for c in data["cases"]] == [1, 2]  # closed case 3 has nothing in the period
    day10, day11, day12 = data["days"]
    assert day10["total"] == 2 and day10["cases"][0]["accounts"] == {"b": 1}
    assert [a["posts"] for a in day10["accounts"]] == [1, 1]
    assert day11["cases"][0] == {"case_id": 1, "posts": 1, "accounts": {"a": 1}, "deadline_day": True, "after_deadline": False}
    assert day12["cases"][0]["after_deadline"] and not day12["cases"][1]["after_deadline"]


def test_calendar_flags_an_account_over_its_cap():
    posts = [{"case_id": 1, "account": "a", "at": f"2019-04-10T1{n}:00:00+00:00"} for n in range(3)]
    cases = [{"id": 1, "person": "A", "ua_number": None, "status": "open", "deadline": None}]
    data = calendar_days(posts, cases, dt.date(2019, 4, 10), 1, dt.UTC, {"a": 2})
    assert data["days"][0]["accounts"] == [{"name": "a", "posts": 3, "daily_cap": 2, "over_cap": True}]


# --- writing files ------------------------------------------------------------------------

def test_write_atomic_replaces_the_file_whole(tmp_path):
    (tmp_path := tmp_path / "out").mkdir()
    target = tmp_path / "queue.ics"
    target.write_text("old")
    write_atomic(target, iter(["new ", "text"]))
    assert target.read_text() == "new text"
    assert [p.name for p in tmp_path.iterdir()] == ["queue.ics"]


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path):
    (tmp_path := tmp_path / "out").mkdir()
    target = tmp_path / "queue.ics"
    target.write_text("old")

    def chunks():
        yield "half of it"
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, chunks())
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["queue.ics"]


# --- through the CLI ----------------------------------------------------------------------

@pytest.fixture
def planned(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve 1 2")
    workspace.run(f"{APRIL_10} queue reject 3")
    return workspace


def test_export_ics_has_pending_and_sent_posts(planned):
    path = planned.root / "plan.ics"
    out = planned.run(f"{APRIL_10} export --ics {path}").output
    pending = planned.json(f"{APRIL_10} queue --status draft --status scheduled --status sent")
    assert f"wrote {len(pending)} posts to {path}" in out
    found = events(path.read_bytes().decode("utf-8"))
    assert [e["UID"] for e in found] == [f"post-{p['id']}@advocate" for p in pending]
    assert "post-3@advocate" not in {e["UID"] for e in found}  # rejected
    by_uid = {e["UID"]: e for e in found}
    for p in pending:
        event = by_uid[f"post-{p['id']}@advocate"]
        assert unescape(event["DESCRIPTION"]) == p["text"]
        assert event["DTSTART"] == dt.datetime.fromisoformat(p["scheduled_at"]).strftime("%Y%m%dT%H%M%SZ")
        assert unescape(event["SUMMARY"]).startswith("case 1: ")


def test_export_csv_and_json_match_queue_json(planned):
    csv_path, json_path = planned.root / "plan.csv", planned.root / "plan.json"
    planned.run(f"{APRIL_10} export --csv {csv_path} --json {json_path} --case 1 --status scheduled")
    scheduled = planned.json(f"{APRIL_10} queue --status scheduled")
    assert json.loads(json_path.read_text(encoding="utf-8")) == scheduled
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"), newline="")))
    assert [int(r["id"]) for r in rows] == [p["id"] for p in scheduled] == [1, 2]
    assert list(rows[0]) == list(POST_JSON)


def test_export_replaces_an_old_file_and_leaves_no_temporary_one(planned):
    path = planned.root / "plan.json"
    path.write_text("old")
    planned.run(f"{APRIL_10} export --json {path}")
    assert json.loads(path.read_text())
    assert not list(planned.root.glob(".plan.json.*"))


@pytest.mark.parametrize("command, says", [
    ("export", "name a file: --ics FILE, --csv FILE or --json FILE"),
    ("export --ics plan.ics --case 9", "case 9 does not exist"),
    ("export --ics no/such/folder/plan.ics", "cannot write it"),
])
def test_export_refusals_are_one_line(planned, command, says):
    result = planned.run(f"{APRIL_10} {command}", ok=False)
    assert result.exit_code != 0 and says in result.stderr
    assert "Traceback" not in result.output
    assert not (planned.root / "plan.ics").exists()
