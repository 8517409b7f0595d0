"""The country a case is in: labelled in the header, named in the headline,
ending a target's address, or else the one the text names most."""

from __future__ import annotations

import functools
from collections import Counter

import regex

from advocate import geo
from advocate.ingest import labels
from advocate.ingest.blocks import is_heading, is_instruction
from advocate.ingest.found import Found
from advocate.ingest.model import ParsedTarget
from advocate.ingest.numbers import UA_NUMBER

_WORD = regex.compile(r"\p{L}[\p{L}\p{M}'’.\-]*")


@functools.cache
def _country_table() -> dict[str, list[tuple[int, str]]]:
    """First word, casefolded -> [(words in the name, whole name casefolded)],
    longest first. A line is read word by word, and only a word that can
    start a name is looked at further: linear in the line, however many
    names we know."""
    table: dict[str, list[tuple[int, str]]] = {}
    for name in set(geo.country_names()) | set(_local_names()):
        words = [_bare(w) for w in _WORD.findall(name)]
        if words:
            key = " ".join(words).casefold()
            table.setdefault(words[0].casefold(), []).append((len(words), key))
    for entries in table.values():
        entries.sort(reverse=True)
    return table


@functools.cache
def _local_names() -> dict[str, str]:
    """Country names in the UAs' other languages -> the English name:
    ISO 3166 and its translations (pycountry), and the short forms the
    label files add ('Россия')."""
    import gettext

    import pycountry

    local: dict[str, str] = {}
    for language in labels.LANGUAGES[1:]:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language],
                                          fallback=True)
        for country in pycountry.countries:
            english = _tz_names().get(country.alpha_2) or getattr(country, "common_name", None) or country.name
            for name in (country.name, getattr(country, "common_name", None)):
                if name and translation.gettext(name) != name:
                    local.setdefault(translation.gettext(name), english)
    for name, english in labels.table("countries").items():
        local.setdefault(name.title() if not name[:1].isupper() else name, english)
    return local


@functools.cache
def _local_folded() -> dict[str, str]:
    """_local_names by case-folded name: built once, not for every country named."""
    return {k.casefold(): v for k, v in _local_names().items()}


@functools.cache
def _tz_names() -> dict[str, str]:
    """Country code -> the tz database's English name ('TR' -> 'Turkey')."""
    names: dict[str, str] = {}
    for name in geo.country_names():
        code = geo.country_code(name)
        if code and name.lower() not in geo.ALIASES:
            names.setdefault(code, name)
    return names


def _bare(word: str) -> str:
    """'Kazakhstan's' -> 'Kazakhstan'; 'Rep.' -> 'Rep'."""
    for tail in ("'s", "’s", "'", "’", "."):
        word = word.removesuffix(tail)
    return word


def countries_in(line: str) -> list[str]:
    """Country names in a line, as printed; only capitalised mentions, the
    longest name at each word, and no three-letter word in capitals in a
    heading ('USA QUESTA LETTERA' is Italian)."""
    table = _country_table()
    words = [(m.start(), m.end(), _bare(m.group(0))) for m in _WORD.finditer(line)]
    found, i = [], 0
    while i < len(words):
        hit = None
        first = words[i][2]
        candidates = table.get(first.casefold()) if first[:1].isupper() else None
        for n, key in candidates or ():
            if i + n <= len(words) and " ".join(w[2] for w in words[i:i + n]).casefold() == key:
                last = words[i + n - 1]
                hit = (n, line[words[i][0]:last[0] + len(last[2])])
                break
        if hit and not (len(hit[1]) <= 3 and hit[1].isupper() and is_heading(line)):
            found.append(hit[1])
            i += hit[0]
        else:
            i += 1
    return found


def find_country(lines: list[str], headline: Found | None,
                 targets: list[ParsedTarget]) -> Found | None:
    return (_from_label(lines) or _from_header(lines) or _from_headline(lines, headline)
            or _from_addresses(lines, targets) or _most_named(lines))


def _from_label(lines: list[str]) -> Found | None:
    """'País: Brasil', 'Paese: Bielorussia'."""
    label = labels.label("country")
    for i, line in enumerate(lines[:40]):
        match = label.match(line) if len(line) < 200 else None
        names = countries_in(match.group(1)) if match else []
        if names:
            return Found(_display(names[0]), i, 1.0)
    return None


def _from_header(lines: list[str]) -> Found | None:
    """'UA: 229/10 Index: AMR 19/012/2010 Brazil Date: 29 October 2010'."""
    for i, line in enumerate(lines[:15]):
        indexed = regex.search(r"(?i)\bindex\b|[íi]ndice", line) or labels.search("index").search(line)
        if indexed and (regex.search(r"(?i)\bdat(?:e|um)\b|fecha", line) or labels.search("issued").search(line)
                        or UA_NUMBER.search(line)):
            names = countries_in(line)
            if names:
                return Found(_display(names[0]), i, 0.95)
    return None


def _from_headline(lines: list[str], headline: Found | None) -> Found | None:
    """'Kazakhstan: Prisoner of Conscience released' names its country first."""
    if headline is None:
        return None
    head = regex.split(r"[:.]\s", lines[headline.index])[0]
    names = countries_in(head)
    if names and len(head) < 40:
        return Found(_display(names[0]), headline.index, 0.85)
    return None


def _from_addresses(lines: list[str], targets: list[ParsedTarget]) -> Found | None:
    for target in targets:
        if target.additional or not target.address:
            continue
        names = countries_in(target.address)
        if names:
            index = next((i for i, line in enumerate(lines) if names[-1] in line), 0)
            return Found(_display(names[-1]), index, 0.75)
    return None


def _most_named(lines: list[str]) -> Found | None:
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for i, line in enumerate(lines):
        if is_instruction(line):
            continue
        for name in countries_in(line):
            counts[_display(name)] += 1
            first.setdefault(_display(name), i)
    if not counts:
        return None
    name, _ = counts.most_common(1)[0]
    return Found(name, first[name], 0.4)


def _display(name: str) -> str:
    """'KAZAKHSTAN' -> 'Kazakhstan'; 'Tunisie', 'Россия' -> their English names."""
    english = _local_folded().get(name.casefold())
    if english and not geo.country_code(name):
        return english  # a name the tz tables know ('México') stays as printed
    return name.title() if name.isupper() else name
