"""`advocate import FILE.csv`: posts written by hand, checked row by row, stored all or nothing.

Columns: case_id, account, scheduled_at, text, and optionally language and
kind. Every row is checked before anything is stored: the case exists and
is open; the account is configured; the time carries its UTC offset, is in
the future and before the case's deadline; the text fits the account's
network and passes the responsible-posting guard; and the same text is not
queued twice for one case and account (in the database or in the file).
The first bad row stops the import with one line naming its row (numbered
as a spreadsheet numbers them: the header is row 1) and its column.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import models as m
from .controls import bad_character
from .db import write
from .errors import InvalidChange
from .events import log_event
from .queue import NewPost, active_keys, add_planned
from .timefmt import to_db

if TYPE_CHECKING:  # the guard module loads the entity extractor: only when a file is imported
    from .messages.guard import GuardSettings

REQUIRED = ("case_id", "account", "scheduled_at", "text")
OPTIONAL = ("language", "kind")
KINDS = ("appeal", "reminder", "last-call", "thanks")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class RowError(InvalidChange):
    """One cell of one row breaks a rule."""

    def __init__(self, number: int, column: str, problem: str):
        super().__init__(f"row {number}, {column}: {problem}")
        self.number = number


@dataclass(frozen=True)
class Imported:
    ids: list[int]
    drafts: int  # of them waiting for review


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict


@dataclass
class ImportContext:
    """What the rows are checked against, read once."""

    now: dt.datetime
    cases: dict[int, dict]
    networks: dict[str, str]  # account -> network
    guard: GuardSettings
    taken: dict               # (case_id, account, dedupe_key) -> post id
    source: str = "import"
    seen: dict = field(default_factory=dict)  # same key -> row number, within the file

    @classmethod
    def load(cls, db, config, now: dt.datetime, source: str) -> ImportContext:
        from .messages.guard import GuardSettings

        guard = config.guard
        return cls(
            now=now,
            cases={row["id"]: row for row in db.query("SELECT * FROM cases")},
            networks={name: config.account(name)["type"] for name in config.accounts},
            guard=GuardSettings(guard.max_hashtags, guard.max_mentions, guard.mention_needs_review),
            taken=active_keys(db),
            source=source,
        )


# --- reading --------------------------------------------------------------------

def read_rows(path: Path) -> list[Row]:
    """The file's rows, with their columns checked; blank rows skipped."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            _check_header(reader.fieldnames)
            rows = [Row(index + 2, _clean(values, index + 2)) for index, values in enumerate(reader)]
    except UnicodeDecodeError:
        raise InvalidChange(f"{path}: not UTF-8 text; save it as 'CSV UTF-8' and import again") from None
    except csv.Error as exc:
        raise InvalidChange(f"{path}: not a CSV file I can read ({exc})") from None
    rows = [row for row in rows if any(row.values.values())]
    if not rows:
        raise InvalidChange(f"{path}: no posts in it; one row per post under the header {','.join(REQUIRED)}")
    return rows


def _check_header(names: Sequence[str] | None) -> None:
    names = [(n or "").strip().lower() for n in names or []]
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise RowError(1, missing[0], f"no such column; the header must name {', '.join(REQUIRED)} (and may name {', '.join(OPTIONAL)})")
    unknown = [n for n in names if n not in REQUIRED + OPTIONAL]
    if unknown:
        raise RowError(1, unknown[0], f"unknown column; use {', '.join(REQUIRED + OPTIONAL)}")


def _clean(values: dict, number: int) -> dict:
    if None in values:
        raise RowError(number, "text", "more cells than columns; put text with commas in double quotes")
    cleaned = {(key or "").strip().lower(): (value or "").strip() for key, value in values.items()}
    for key, value in cleaned.items():
        bad = bad_character(value, lines=key == "text")
        if bad:
            raise RowError(number, key, f"holds {bad}; remove it")
    return cleaned


# --- checking -------------------------------------------------------------------

def check_rows(rows: Iterable[Row], context: ImportContext) -> list[NewPost]:
    """A NewPost per row, or RowError for the first row that breaks a rule."""
    return [check_row(row, context) for row in rows]


def check_row(row: Row, context: ImportContext) -> NewPost:
    case = _case(row, context)
    account, network = _account(row, context)
    at = _time(row, case, context.now)
    text, review = _text(row, network, context)
    key = _fresh_key(row, text, case["id"], account, context)
    return NewPost(
        case_id=case["id"], account=account, network=network, scheduled_at=at, text=text,
        dedupe_key=key, template=f"import/{context.source}", language=_language(row),
        kind=_kind(row), needs_review_reason=review,
    )


def _case(row: Row, context: ImportContext) -> dict:
    value = row.values["case_id"]
    if not value.isdigit():
        raise RowError(row.number, "case_id", f"'{value}' is not a case number; 'advocate case list' shows them")
    case = context.cases.get(int(value))
    if case is None:
        raise RowError(row.number, "case_id", f"case {value} does not exist; 'advocate case list' shows the cases")
    if case["status"] != m.OPEN:
        raise RowError(row.number, "case_id", f"case {value} is closed ({case['closed_reason']}); nothing is posted for a closed case")
    return case


def _account(row: Row, context: ImportContext) -> tuple[str, str]:
    name = row.values["account"]
    if name not in context.networks:
        known = ", ".join(context.networks) or "none"
        raise RowError(row.number, "account", f"'{name}' is not one of the configured accounts ({known}); see [accounts] in config.toml")
    return name, context.networks[name]


def _time(row: Row, case: dict, now: dt.datetime) -> dt.datetime:
    value = row.values["scheduled_at"]
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(row.number, "scheduled_at", f"'{value}' is not a time; write it like 2019-04-12T10:00+05:00") from None
    if at.tzinfo is None:
        raise RowError(row.number, "scheduled_at", f"'{value}' has no UTC offset; add one, like {value}+05:00")
    if at <= now:
        raise RowError(row.number, "scheduled_at", f"{value} is in the past (it is now {now.isoformat()}); choose a later time")
    if case["deadline_at"] and to_db(at) >= case["deadline_at"]:
        raise RowError(row.number, "scheduled_at", f"{value} is after case {case['id']}'s deadline ({case['deadline']}); choose an earlier time")
    return at


def _text(row: Row, network: str, context: ImportContext) -> tuple[str, str | None]:
    """The text, and why it must wait for a person's approval (it mentions someone), if it must."""
    from .messages.guard import check_post, extract_mentions
    from .messages.length import measure

    text = row.values["text"]
    if not text:
        raise RowError(row.number, "text", "empty; write the post's text")
    size = measure(text, network)
    if not size.ok:
        raise RowError(row.number, "text", f"{size} on {network}; shorten it")
    problems = check_post(text, context.guard, approved=True)
    if problems:
        raise RowError(row.number, "text", "; ".join(problems))
    handles = sorted({h.lower() for h in extract_mentions(text)})
    return text, (f"mentions {', '.join(handles)}" if handles and context.guard.mention_needs_review else None)


def _fresh_key(row: Row, text: str, case_id: int, account: str, context: ImportContext) -> str:
    from .messages.guard import dedupe_key

    key = dedupe_key(text)
    slot = (case_id, account, key)
    if slot in context.taken:
        raise RowError(row.number, "text", f"the same text is already queued for case {case_id} on {account} (post {context.taken[slot]}); change the words")
    if slot in context.seen:
        raise RowError(row.number, "text", f"the same text as row {context.seen[slot]}, for the same case and account; change the words")
    context.seen[slot] = row.number
    return key


def _language(row: Row) -> str | None:
    value = row.values.get("language", "").lower()
    if value and not LANGUAGE.match(value):
        raise RowError(row.number, "language", f"'{value}' is not a language code; use one like en or ru")
    return value or None


def _kind(row: Row) -> str:
    value = row.values.get("kind", "").lower() or "appeal"
    if value not in KINDS:
        raise RowError(row.number, "kind", f"'{value}' is not a kind of post; use one of {', '.join(KINDS)}")
    return value


# --- storing ----------------------------------------------------------------------

def store(db, now: dt.datetime, rows: list[Row], posts: list[NewPost], review: bool, source: str) -> list[int]:
    """Insert every post in one transaction (all or none), log each; returns their ids."""
    with write(db):
        _recheck_open(db, {post.case_id for post in posts})
        before = db.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()[0]
        try:
            add_planned(db, posts, now, review)
        except sqlite3.IntegrityError:
            raise InvalidChange("another process queued one of these texts meanwhile; nothing was imported, run the import again") from None
        ids = [r[0] for r in db.execute("SELECT id FROM posts WHERE id > ? ORDER BY id", [before])]
        for post_id, post, row in zip(ids, posts, rows):
            log_event(db, now, "imported", f"post {post_id} imported from {source} row {row.number}",
                      post_id=post_id, case_id=post.case_id, account=post.account)
    return ids


def _recheck_open(db, case_ids: set[int]) -> None:
    """A case closed between the check and the insert: refuse, inside the transaction."""
    marks = ",".join("?" * len(case_ids))
    closed = [r[0] for r in db.execute(f"SELECT id FROM cases WHERE id IN ({marks}) AND status != 'open'", list(case_ids))]
    if closed:
        raise InvalidChange(f"case {closed[0]} closed while the file was being checked; nothing was imported")


def import_csv(db, config, now: dt.datetime, path: Path, track: Callable = lambda rows: rows) -> Imported:
    """Read, check every row, then store them all; `track` wraps the rows (a progress bar)."""
    path = Path(path)
    try:
        rows = read_rows(path)
        context = ImportContext.load(db, config, now, path.name)
        posts = check_rows(track(rows), context)
    except RowError as exc:
        raise InvalidChange(f"{path.name} {exc}; nothing was imported") from None
    ids = store(db, now, rows, posts, config.posting.review, path.name)
    review = config.posting.review
    return Imported(ids, sum(1 for post in posts if review or post.needs_review_reason))
