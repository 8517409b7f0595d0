"""What a case page shows, read from the database: plain dicts, no HTML.

`case_facts` gathers one case (its row, targets, latest document) into the
facts every language's page shares; the language-specific parts (texts,
letters, dates written out) are added by build.py.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

from .. import models as m
from ..db import loads

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
WHY_MAX = 600  # characters of the UA's opening paragraph shown as "why"


def all_cases(db) -> list[dict]:
    return list(db.query("SELECT * FROM cases ORDER BY id"))


def targets_of(db, case_id: int) -> list[dict]:
    return [m.target_json(t) for t in db.query("SELECT * FROM targets WHERE case_id = ? ORDER BY position", [case_id])]


def latest_document(db, case_id: int) -> dict | None:
    """The newest UA document of the case (initial, update or final): what the page quotes."""
    rows = list(db.query(
        "SELECT id, kind, language, text FROM documents WHERE case_id = ? AND kind IN ('initial', 'update', 'final') "
        "ORDER BY ingested_at DESC, id DESC LIMIT 1", [case_id]))
    return rows[0] if rows else None


def case_facts(row: dict, targets: list[dict], document: dict | None, today: dt.date | None) -> dict:
    """The language-neutral facts of one case page. `today` is the local date in the case's zone."""
    deadline = dt.date.fromisoformat(row["deadline"]) if row.get("deadline") else None
    days_left = max((deadline - today).days, 0) if deadline and today else None
    primary = [t for t in targets if not t["additional"]]
    target_handles = {(t.get("handle") or "").lower() for t in targets}
    return {
        "id": row["id"],
        "slug": slug(row),
        "open": row["status"] == m.OPEN,
        "title": row.get("title"),
        "name": m.subject_name(row) or row.get("title") or f"case {row['id']}",
        "kind": row.get("subject_kind") or "person",
        "person": row.get("person"),
        "pronouns": row.get("pronouns"),
        "suggested_message": row.get("suggested_message"),
        "role": row.get("role"),
        "country": row.get("country"),
        "ua_number": row.get("ua_number"),
        "url": row.get("url"),
        "deadline": deadline,
        "days_left": days_left,
        "closed_reason": row.get("closed_reason"),
        "closed_on": _day(row.get("closed_at"), row.get("timezone")),
        "hashtags": [_sigil(t, "#") for t in loads(row.get("hashtags"), [])],
        "follow": [h for h in (_sigil(h, "@") for h in loads(row.get("handles"), [])) if h.lower() not in target_handles],
        "targets": primary,
        "copies": [t for t in targets if t["additional"]],
        "languages": loads(row.get("languages"), []),
        "why": why(document),
        "why_language": (document or {}).get("language") or "en",
        "photo": photo(row),
    }


def why(document: dict | None) -> str | None:
    """The UA's opening paragraph (after its headings), cut at a sentence near WHY_MAX characters."""
    if not document:
        return None
    for paragraph in re.split(r"\n\s*\n|\n(?=[A-Z][A-Z ]{8,}$)", _BOOKMARK.sub("", document["text"])):
        text = " ".join(paragraph.split())
        if len(text) >= 80 and not text.isupper():
            return _shorten(text)
    return None


def _shorten(text: str) -> str:
    if len(text) <= WHY_MAX:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        if kept and len(kept) + len(sentence) + 1 > WHY_MAX:
            break
        kept = f"{kept} {sentence}".strip()
    return kept if len(kept) <= WHY_MAX else kept[:WHY_MAX].rsplit(" ", 1)[0] + "…"


def photo(row: dict) -> dict | None:
    """The case's photo and its alt text, where the database has them (photos arrive with issue 14)."""
    path, alt = row.get("photo"), row.get("photo_alt")
    return {"path": path, "alt": alt} if path and alt else None


def slug(row: dict) -> str:
    """'12-serikzhan-bilash': the id keeps it unique and stable enough; the name makes it readable."""
    words = unicodedata.normalize("NFKD", m.subject_name(row) or row.get("ua_number") or "")
    ascii_words = re.sub(r"[^a-z0-9]+", "-", words.encode("ascii", "ignore").decode().lower()).strip("-")[:48].strip("-")
    return f"{row['id']}-{ascii_words}" if ascii_words else str(row["id"])


def local_today(now: dt.datetime, zone: str | None) -> dt.date:
    try:
        return now.astimezone(ZoneInfo(zone)).date() if zone else now.date()
    except (KeyError, ValueError):
        return now.date()


def _day(instant: str | None, zone: str | None) -> dt.date | None:
    if not instant:
        return None
    return local_today(dt.datetime.fromisoformat(instant), zone)


def _sigil(word: str, sigil: str) -> str:
    word = str(word).strip()
    return word if word.startswith(sigil) else sigil + word
