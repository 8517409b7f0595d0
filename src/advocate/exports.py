"""The queue as files and as a calendar. Pure: post and case rows in, text or data out.

- CSV and JSON carry POST's fields (models.POST_JSON), so a script reads an
  export the way it reads `advocate queue --json`;
- ICS (RFC 5545) has one VEVENT per post, its start in UTC, lines folded at
  75 octets and TEXT values escaped, so any calendar application can show
  the plan beside the rest of the coordinator's week;
- the calendar view counts posts per day, case and account against each
  case's deadline and each account's daily cap.

`write_atomic` is the only function here that touches the disk.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import models as m

POST_FIELDS = tuple(m.POST_JSON)
EXPORT_STATUSES = (*m.PENDING, m.SENT)  # what goes out, or went out
ICS_STATUS = {m.DRAFT: "TENTATIVE", m.SCHEDULED: "CONFIRMED", m.SENT: "CONFIRMED", m.CANCELLED: "CANCELLED"}
SUMMARY_CHARS = 50
FOLD_OCTETS = 75


# --- CSV and JSON -------------------------------------------------------------

def csv_chunks(posts: Iterable[dict]) -> Iterator[str]:
    """A header, then one CSV record per POST (dicts shaped like POST JSON)."""
    yield _csv_record(POST_FIELDS)
    for post in posts:
        yield _csv_record(_csv_value(post.get(key)) for key in POST_FIELDS)


def _csv_record(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(list(values))
    return buffer.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def json_chunks(posts: Iterable[dict]) -> Iterator[str]:
    """A JSON list of POST, one post a line, so a big export streams."""
    yield "["
    for index, post in enumerate(posts):
        yield ("," if index else "") + "\n" + json.dumps(post, ensure_ascii=False)
    yield "\n]\n"


# --- ICS ------------------------------------------------------------------------

def ics_chunks(posts: Iterable[dict], now: dt.datetime) -> Iterator[str]:
    """A VCALENDAR, one VEVENT per post; every line ends in CRLF and is folded at 75 octets."""
    yield _lines(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//advocate//queue export//EN",
                  "CALSCALE:GREGORIAN", "METHOD:PUBLISH"])
    stamp = ics_time(now)
    for post in posts:
        yield _lines(vevent(post, stamp))
    yield _lines(["END:VCALENDAR"])


def vevent(post: dict, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:post-{post['id']}@advocate",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{ics_time(dt.datetime.fromisoformat(post['sent_at'] or post['scheduled_at']))}",
        f"SUMMARY:{escape_text(summary(post))}",
        f"DESCRIPTION:{escape_text(post['text'])}",
        f"CATEGORIES:{escape_text(post['channel'])}",
    ]
    if post["status"] in ICS_STATUS:
        lines.append(f"STATUS:{ICS_STATUS[post['status']]}")
    if post.get("url"):
        lines.append(f"URL:{post['url']}")
    return lines + ["END:VEVENT"]


def summary(post: dict) -> str:
    """'case 1: Serikzhan Bilash is a human…': the case and the text's first words."""
    words, first = " ".join(post["text"].split()).split(" "), ""
    for word in words:
        if first and len(first) + 1 + len(word) > SUMMARY_CHARS:
            return f"case {post['case_id']}: {first}…"
        first = f"{first} {word}" if first else word
    return f"case {post['case_id']}: {first}"


def ics_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon and comma escaped; every line break becomes \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8 character."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > FOLD_OCTETS:
            pieces.append(current)
            current, size = " ", 1  # a continuation line starts with one space
        current += char
        size += width
    pieces.append(current)
    return "\r\n".join(pieces)


def _lines(lines: list[str]) -> str:
    return "".join(fold(line) + "\r\n" for line in lines)


# --- the calendar view ----------------------------------------------------------

def calendar_days(posts: list[dict], cases: list[dict], first: dt.date, days: int, zone, caps: dict[str, int]) -> dict:
    """Posts per day, case and account from `first` for `days` days (local dates in `zone`).

    `posts`: rows with case_id, account and `at` (UTC ISO); `cases`: rows with
    id, person, ua_number, status and deadline (the date the UA gives);
    `caps`: account -> posts it may make a day.
    """
    dates = [first + dt.timedelta(days=n) for n in range(days)]
    counts = _count_by_day(posts, zone)
    shown = _cases_shown(cases, counts, dates)
    return {
        "timezone": str(zone), "first_day": first.isoformat(), "last_day": dates[-1].isoformat(),
        "accounts": [{"name": name, "daily_cap": cap} for name, cap in caps.items()],
        "cases": [_case_info(case) for case in shown],
        "days": [_day(day, counts.get(day, {}), shown, caps) for day in dates],
    }


def _count_by_day(posts: list[dict], zone) -> dict:
    """local date -> {(case_id, account): posts}."""
    counts: dict = {}
    for post in posts:
        day = dt.datetime.fromisoformat(post["at"]).astimezone(zone).date()
        key = (post["case_id"], post["account"])
        counts.setdefault(day, {})
        counts[day][key] = counts[day].get(key, 0) + 1
    return counts


def _cases_shown(cases: list[dict], counts: dict, dates: list[dt.date]) -> list[dict]:
    """Open cases, and closed ones with posts in the period; earliest deadline first."""
    busy = {case_id for day in dates for case_id, _ in counts.get(day, {})}
    shown = [c for c in cases if c["status"] == m.OPEN or c["id"] in busy]
    return sorted(shown, key=lambda c: (c["deadline"] or "9999", c["id"]))


def _case_info(case: dict) -> dict:
    return {"id": case["id"], "person": case["person"], "ua_number": case["ua_number"],
            "status": case["status"], "deadline": case["deadline"]}


def _day(day: dt.date, counts: dict, cases: list[dict], caps: dict[str, int]) -> dict:
    per_account = {name: sum(n for (_, account), n in counts.items() if account == name) for name in caps}
    by_case: dict[int, dict[str, int]] = {}  # sorted once a day, not once a case a day
    for (case_id, account), n in sorted(counts.items()):
        by_case.setdefault(case_id, {})[account] = n
    return {
        "date": day.isoformat(),
        "total": sum(counts.values()),
        "accounts": [{"name": name, "posts": n, "daily_cap": caps[name], "over_cap": n > caps[name]}
                     for name, n in per_account.items()],
        "cases": [_case_day(case, day, by_case.get(case["id"], {})) for case in cases],
    }


def _case_day(case: dict, day: dt.date, accounts: dict[str, int]) -> dict:
    """The case's posts on `day`, per account (`accounts`: account -> posts, in account order)."""
    deadline = dt.date.fromisoformat(case["deadline"]) if case["deadline"] else None
    return {
        "case_id": case["id"], "posts": sum(accounts.values()), "accounts": accounts,
        "deadline_day": day == deadline, "after_deadline": bool(deadline and day > deadline),
    }


# --- files ----------------------------------------------------------------------

def write_atomic(path: Path, chunks: Iterable[str]) -> int:
    """Write the chunks to a temporary file beside `path`, then rename it over `path`.

    A reader sees the old file or the new one, never half of one; on any error
    the old file stays and the temporary one is removed. Returns the file's size.
    """
    path = Path(path)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent,  # noqa: SIM115 (closed below; removed on error)
                                         prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, _mode_for(path))
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return path.stat().st_size


def _mode_for(path: Path) -> int:
    """Keep the old file's permissions; a new file gets what open() would give it."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
