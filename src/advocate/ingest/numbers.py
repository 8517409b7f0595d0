"""UA numbers ("UA 46/19", "AU 105/25", "UA-046/2019", "103.22") and
index numbers ("EUR 57/0123/2019")."""

from __future__ import annotations

import functools
import re

from advocate.ingest import labels
from advocate.ingest.found import Found

# "UA"/"AU" must be capitals: French "au 12/05" means "to the 12th of May".
_UA_WORD = (r"(?:UA|AU|(?i:urgent\s+action|acci[oó]n\s+urgente|action\s+urgente|eilaktion|urgent-aktion"
            r"|a[çc][ãa]o\s+urgente|azione\s+urgente|срочная\s+акция))"
            r"(?:[\s\-]*(?i:no\.?|nr\.?|n[°º]|number|n[uú]mero|num[ée]ro|nummer|№))?")
# A table cell or a page header may put a bar or a tab between label and number.
UA_NUMBER = re.compile(
    rf"(?<![\w/]){_UA_WORD}\s*[:#\-–|]?\s*(\d{{1,4}})\s*[/.]\s*(\d{{4}}|\d{{2}})(?![\d/]|\.\d)"
)
# 'UA number' alone in a cell or line, its value on the next line.
_LABEL_ONLY = re.compile(rf"(?<![\w/]){_UA_WORD}\s*[:#|]?\s*$")
_VALUE_ONLY = re.compile(r"^\s*(\d{1,4})\s*[/.]\s*(\d{4}|\d{2})(?![\d/]|\.\d)")
_FOLLOW_UP = re.compile(
    r"(?i:further\s+information\s+on|update\s+(?:of|on|to|for)|follow[- ]up\s+(?:of|on|to)"
    r"|output\s+for|m[aá]s\s+informaci[oó]n\s+sobre(?:\s+la)?|actualizaci[oó]n\s+de(?:\s+la)?"
    r"|compl[ée]ment\s+d['’]information\s+(?:sur|[àa])(?:\s+l['’])?|mise\s+[àa]\s+jour\s+de(?:\s+l['’])?"
    r"|weitere\s+informationen\s+zu(?:r)?|aktualisierung\s+(?:der|zu))\s*:?\s*$"
)


@functools.cache
def _follow_up() -> re.Pattern:
    """'Further information on' / 'Informação adicional sobre a' just before the number."""
    return re.compile(rf"(?i)(?<!\w){labels.alternation('update_of')}\s*:?\s*$")


_INDEX = re.compile(r"\b([A-Z]{3})\s?(\d{2})\s?/\s?(\d{3,4})\s?/\s?(\d{4})\b")
_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")


def normalise_ua(number: str, year: str) -> str:
    """('046', '2019') -> '46/19'."""
    return f"{int(number)}/{year[-2:]}"


def find_ua_numbers(lines: list[str]) -> list[tuple[Found, str, bool]]:
    """Every UA number: (Found(normalised), as printed, follows a follow-up phrase)."""
    hits = []
    for i, line in enumerate(lines):
        for match in UA_NUMBER.finditer(line):
            printed = match.group(0).strip()
            before = ((lines[i - 1] + " " if i else "") + line[: match.start()])[-160:]
            follow_up = bool(_FOLLOW_UP.search(before) or _follow_up().search(before))
            value = normalise_ua(match.group(1), match.group(2))
            hits.append((Found(value, i, _number_confidence(line, match)), printed, follow_up))
    return hits or _split_over_lines(lines)


def _split_over_lines(lines: list[str]) -> list[tuple[Found, str, bool]]:
    """A table whose label cell and value cell became two lines."""
    for i, line in enumerate(lines[:-1]):
        if len(line) > 80 or not _LABEL_ONLY.search(line):
            continue
        following = next((lines[j] for j in range(i + 1, min(i + 3, len(lines))) if lines[j]), "")
        value = _VALUE_ONLY.match(following)
        if value:
            printed = value.group(0).strip()
            return [(Found(normalise_ua(value.group(1), value.group(2)), i, 0.9), printed, False)]
    return []


def _number_confidence(line: str, match: re.Match) -> float:
    """A number heading its line or labelled is the document's own."""
    before = line[: match.start()].strip()
    return 1.0 if not before or before.endswith(":") or len(before) < 40 else 0.8


def find_index_number(lines: list[str]) -> Found | None:
    """The first index printed under its label ('Index AI : MDE 24/031/2011'),
    else the first printed at all: an update names its UA's index first
    ('Action complémentaire sur l'AU 98/11, MDE 24/021/2011')."""
    first: Found | None = None
    for i, line in enumerate(lines):
        match = _INDEX.search(line)
        if match:
            value = "{} {}/{}/{}".format(*match.groups())
            if re.search(r"(?i)index|[íi]ndice|dokument", line[: match.start()]):
                return Found(value, i, 1.0)
            first = first or Found(value, i, 0.8)
    return first


def year_typo_warning(number: str, printed: str, lines: list[str],
                      issued_year: int | None) -> str | None:
    """A UA number whose year is never mentioned while later years are, or
    which is later than the issue date, is probably misprinted ('46/16')."""
    ua_year = 2000 + int(number.split("/")[1])
    if ua_year > 2000 + 80:
        ua_year -= 100
    years = _years_mentioned(lines, printed)
    later = [y for y in years if y > ua_year]
    if issued_year and issued_year < ua_year:
        likely = issued_year
    elif later and ua_year not in years:
        likely = max(later)
    else:
        return None
    fixed = number.split("/")[0] + "/" + str(likely)[-2:]
    return (f"UA number printed as {number} but the document's dates are from "
            f"{likely}; it may be a typo for {fixed}")


def _years_mentioned(lines: list[str], printed: str) -> set[int]:
    text = "\n".join(lines).replace(printed, " ")
    return {int(y) for y in _YEAR.findall(_INDEX.sub(" ", text))}
