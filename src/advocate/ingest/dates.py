"""Dates in any of the UAs' languages: the issue date and the deadline.

A regular expression finds what looks like a date; dateparser (imported
only when needed) says which date it is, in the document's language.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from advocate.ingest.found import Found

_WORD = r"[^\W\d_]{3,12}\.?"
_DATE = re.compile(
    rf"\b\d{{1,2}}(?:er|st|nd|rd|th|º|°)?\.?\s+(?i:de\s+)?{_WORD}\s+(?i:del?\s+)?\d{{4}}\b"
    rf"|\b{_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
    r"|\b\d{1,2}[./]\d{1,2}[./]\d{4}\b"
)
_ISSUED = re.compile(r"(?i)\b(?:date|fecha|datum|dated|published|publicado|publi[ée]e?(?:\s+le)?)\s*:?\s*")
_DEADLINE = re.compile(
    r"(?i)\buntil\b|\bbefore\b|expires?\s+on|deadline|no\s+later\s+than"
    r"|antes\s+del?\b|hasta\s+el\b|a\s+m[aá]s\s+tardar|vence\s+el|fecha\s+l[ií]mite"
    r"|avant\s+le\b|jusqu['’]au|d['’]ici\s+le|au\s+plus\s+tard|expire\s+le|date\s+limite"
    r"|\bbis\s+(?:zum|spätestens|am)\b|\bbis\s+\d|läuft\s+am|frist"
)
# The line must be about taking action, so "born before 1990" is no deadline.
_ACTION = re.compile(
    r"(?i)action|appeal|expire|deadline|until:|llamamiento|acci[oó]n|env[ií]e|escriban"
    r"|appel|agi[rs]|agissez|[ée]crivez|envoyez|appelle|schreiben|eilaktion|briefe|frist|aktion"
)
_OTHER_LANGUAGES = ["en", "es", "fr", "de", "pt"]
_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"],
             "DATE_ORDER": "DMY"}


def find_issued(lines: list[str], language: str) -> Found | None:
    """The labelled date ('Date: 9 April 2019'), else a date near the top."""
    for i, line in enumerate(lines):
        for label in _ISSUED.finditer(line):
            date = _first_date(line[label.end():label.end() + 40], language, at_start=True)
            if date:
                return Found(date, i, 1.0)
    return _date_near_top(lines, language)


def _date_near_top(lines: list[str], language: str) -> Found | None:
    seen = 0
    for i, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > 5:
            return None
        date = _first_date(line, language)
        if date and not _DEADLINE.search(line):
            return Found(date, i, 0.5)
    return None


def find_deadline(lines: list[str], language: str) -> Found | None:
    """The date after 'UNTIL:', 'BEFORE', 'expires on', 'antes del', 'bis zum'..."""
    for i, line in enumerate(lines):
        cue = _DEADLINE.search(line)
        if not cue or not _ACTION.search(line):
            continue
        after = line[cue.start():] + " " + _next_line(lines, i)
        date = _first_date(after, language)
        if date:
            return Found(date, i, 1.0 if ":" in line[: cue.end() + 2] or line.isupper() else 0.9)
    return None


def _next_line(lines: list[str], i: int) -> str:
    return lines[i + 1] if i + 1 < len(lines) else ""


def all_dates(text: str, language: str) -> list[dt.date]:
    """Every full date in a piece of text, in order."""
    return [d for d in (parse_date(m.group(0), language) for m in _DATE.finditer(text)) if d]


def _first_date(text: str, language: str, at_start: bool = False) -> dt.date | None:
    for match in _DATE.finditer(text):
        if at_start and text[: match.start()].strip():
            return None
        date = parse_date(match.group(0), language)
        if date:
            return date
    return None


@functools.lru_cache(maxsize=4096)
def parse_date(text: str, language: str = "en") -> dt.date | None:
    """'21 May 2019', '15 de mayo de 2025', '21. Mai 2019' -> date, or None."""
    numeric = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        return _safe_date(year, month, day)
    import dateparser  # slow import: only when a document has dates

    first = [language] if language == "en" else [language, "en"]
    # A short or mixed document may be misjudged: then try the UAs' other languages.
    for languages in (first, _OTHER_LANGUAGES):
        try:
            parsed = dateparser.parse(text, languages=languages, settings=_SETTINGS)
        except Exception:  # dateparser raises on some odd inputs; not a date then
            parsed = None
        if parsed:
            return parsed.date()
    return None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
