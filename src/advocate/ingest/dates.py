"""Dates in any of the UAs' languages: the issue date and the deadline.

A regular expression finds what looks like a date; dateparser (imported
only when needed) says which date it is, in the document's language.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from advocate.ingest import labels
from advocate.ingest.found import Found

_WORD = r"[^\W\d_]{3,12}\.?"
_DATE = re.compile(
    rf"\b\d{{1,2}}(?:er|st|nd|rd|th|º|°|ª)?\.?\s+(?i:de\s+)?{_WORD},?\s+(?i:del?\s+)?\d{{4}}\b"
    rf"|\b{_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
    r"|\b\d{1,2}[./-]\d{1,2}[./-]\d{4}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b"
)
_BRACKETS = re.compile(r"\([^()]*\)")
_NUMERIC = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
# German "bis 25. April": a bare "bis" only counts before a number.
_BIS = re.compile(r"(?i)\bbis\s+\d")
# The UAs' languages, for a date in a document misjudged as another language.
_OTHER_LANGUAGES = ["en", "es", "fr", "de", "pt", "it", "ru"]
_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"],
             "DATE_ORDER": "DMY"}
# Month names and abbreviations in the UAs' languages, as dateparser's own data
# spells them (no word names two months). A date written plainly with one
# ('21 May 2019', 'May 21, 2019', '21. Mai 2019', '25 апреля 2022', and
# '15 de mayo de 2025', '1er mai 2019' with Spanish, Portuguese or French
# words) is read here, without dateparser, which took a quarter of a batch
# ingest; anything else goes to dateparser. A test holds the two to the same answers.
_MONTH_NAMES = {
    "en": "jan january|feb february|mar march|apr april|may|jun june|jul july|aug august|sep sept september|"
          "oct october|nov november|dec december",
    "es": "ene enero|feb febrero|mar marzo|abr abril|may mayo|jun junio|jul julio|ago agosto|sept septiembre setiembre sep set|"
          "oct octubre|nov noviembre|dic diciembre",
    "pt": "jan janeiro|fev fevereiro|mar março|abr abril|mai maio|jun junho|jul julho|ago agosto|set setembro septembro|"
          "out outubro|nov novembro|dez dezembro",
    "fr": "janv janvier jan|févr février fév|mars|avr avril|mai|juin jun|juil juillet jul|août aoû|sept septembre sep|"
          "oct octobre|nov novembre|déc décembre",
    "de": "jan januar jänner|feb februar feber|mär märz mrz|apr april|mai|jun juni|jul juli|aug august|sep sept september|"
          "okt oktober|nov november|dez dezember",
    "it": "gen gennaio|feb febbraio|mar marzo|apr aprile|mag maggio|giu giugno|lug luglio|ago agosto|set settembre|"
          "ott ottobre|nov novembre|dic dicembre",
    "ru": "янв январь января|февр февраль февраля фев|мар март марта|апр апрель апреля|май мая|июн июнь июня|"
          "июл июль июля|авг август августа|сент сентябрь сентября сен|окт октябрь октября|нояб ноябрь ноября ноя|"
          "дек декабрь декабря",
}


def _month_table(languages: tuple[str, ...]) -> dict[str, int]:
    return {word: number for language in languages
            for number, words in enumerate(_MONTH_NAMES[language].split("|"), 1) for word in words.split()}


_MONTHS = _month_table(tuple(_MONTH_NAMES))
_MONTHS_AFTER_DE = _month_table(("es", "pt"))
_MONTHS_AFTER_1ER = _month_table(("fr",))
_PLAIN_DATES = (  # (pattern, which group is the day, the month, the year; the month names it takes)
    (re.compile(r"(\d{1,2})\.?\s+([^\W\d_]{3,12}),?\s+(\d{4})"), (1, 2, 3), _MONTHS),
    (re.compile(r"([^\W\d_]{3,12})\s+(\d{1,2}),?\s+(\d{4})"), (2, 1, 3), _MONTHS),
    (re.compile(r"(\d{1,2})\s+[dD][eE]\s+([^\W\d_]{3,12})\s+[dD][eE]\s+(\d{4})"), (1, 2, 3), _MONTHS_AFTER_DE),
    (re.compile(r"(1)er\s+([^\W\d_]{3,12})\s+(\d{4})"), (1, 2, 3), _MONTHS_AFTER_1ER),
)


def _issued_label() -> re.Pattern:
    return labels.search("issued")


def _deadline_cue(line: str) -> re.Match | None:
    return labels.search("deadline").search(line) or _BIS.search(line)


def numeric_order(lines: list[str]) -> str:
    """'MDY' when the document writes an unambiguous month-first date
    (05/21/2019), else 'DMY', as most UAs do."""
    for line in lines:
        for match in _NUMERIC.finditer(line):
            first, second = int(match.group(1)), int(match.group(2))
            if second > 12 >= first:
                return "MDY"
            if first > 12 >= second:
                return "DMY"
    return "DMY"


def find_issued(lines: list[str], language: str) -> Found | None:
    """The labelled date ('Date: 9 April 2019'), else the date ending the
    UA's metadata line ('AU 58/16 – Index : MDE 30/4022/2016 – Tunisie –
    2 mai 2016'), else a date near the top."""
    order = numeric_order(lines)
    for i, line in enumerate(lines):
        for label in _issued_label().finditer(line[:2000]):
            after = line[label.end():label.end() + 44].lstrip(" :\t")
            if len(after) < 12:  # 'Data: 21 de' / 'novembro de 2024': wrapped
                after = (after + " " + _next_line(lines, i))[:44]
            date = _first_date(after, language, at_start=True, order=order)
            if date:
                return Found(date, i, 1.0)
    return _date_on_meta_line(lines, language, order) or _date_near_top(lines, language, order)


def _date_on_meta_line(lines: list[str], language: str, order: str) -> Found | None:
    """A date on the line carrying the UA and index numbers; not one in
    brackets, which dates the UA referred to ('(MDE 11/014/2007, 15 March 2007)')."""
    from advocate.ingest.numbers import UA_NUMBER, find_index_number

    for i, line in enumerate(lines):
        if len(line) > 300 or not (UA_NUMBER.search(line) and find_index_number([line])):
            continue
        date = _first_date(_BRACKETS.sub(" ", line), language, order=order)
        if date and not _deadline_cue(line):
            return Found(date, i, 0.9)
    return None


def _date_near_top(lines: list[str], language: str, order: str) -> Found | None:
    seen = 0
    for i, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > 5:
            return None
        date = _first_date(line, language, order=order)
        if date and not _deadline_cue(line):
            return Found(date, i, 0.5)
    return None


def find_deadline(lines: list[str], language: str) -> Found | None:
    """The date after 'UNTIL:', 'BEFORE', 'expires on', 'antes del', 'bis zum'..."""
    order, action = numeric_order(lines), labels.search("action_words")
    for i, line in enumerate(lines):
        cue = _deadline_cue(line)
        if not cue or not action.search(line):
            continue
        after = line[cue.start():] + " " + _next_line(lines, i)
        date = _first_date(after, language, order=order)
        if date:
            return Found(date, i, 1.0 if ":" in line[: cue.end() + 2] or line.isupper() else 0.9)
    return None


def _next_line(lines: list[str], i: int) -> str:
    return lines[i + 1] if i + 1 < len(lines) else ""


def all_dates(text: str, language: str) -> list[dt.date]:
    """Every full date in a piece of text, in order."""
    return [d for d in (parse_date(m.group(0), language) for m in _DATE.finditer(text)) if d]


def _first_date(text: str, language: str, at_start: bool = False,
                order: str = "DMY") -> dt.date | None:
    for match in _DATE.finditer(text):
        if at_start and text[: match.start()].strip():
            return None
        date = parse_date(match.group(0), language, order)
        if date:
            return date
    return None


@functools.lru_cache(maxsize=4096)
def parse_date(text: str, language: str = "en", order: str = "DMY") -> dt.date | None:
    """'21 May 2019', '15 de mayo de 2025', '21. Mai 2019', '25 апреля 2022',
    '05/21/2019' -> date, or None. `order` says how to read 03/04/2019."""
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if iso:
        return _safe_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    numeric = _NUMERIC.fullmatch(text)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        if order == "MDY" or month > 12:
            day, month = month, day
        return _safe_date(year, month, day)
    fast = _fast_date(text)
    if fast:
        return fast
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


def _fast_date(text: str) -> dt.date | None:
    """A date written plainly with a month name of _MONTH_NAMES, else None (dateparser will judge it)."""
    for pattern, (day, month, year), months in _PLAIN_DATES:
        match = pattern.fullmatch(text)
        if match:
            number = months.get(match.group(month).lower())
            return _safe_date(int(match.group(year)), number, int(match.group(day))) if number else None
    return None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
