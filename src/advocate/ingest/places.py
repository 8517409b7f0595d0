"""The country a case is in: labelled in the header, named in the headline,
ending a target's address, or else the one the text names most."""

from __future__ import annotations

import functools
from collections import Counter

import regex

from advocate import geo
from advocate.ingest.found import Found
from advocate.ingest.model import ParsedTarget


@functools.cache
def _country_pattern() -> regex.Pattern:
    names = "|".join(regex.escape(n) for n in geo.country_names())
    return regex.compile(rf"(?<!\p{{L}})(?:{names})(?!\p{{L}})", regex.IGNORECASE)


def countries_in(line: str) -> list[str]:
    """Country names in a line, as geo spells them; only capitalised mentions."""
    found = []
    for match in _country_pattern().finditer(line):
        if match.group(0)[:1].isupper():
            found.append(match.group(0))
    return found


def find_country(lines: list[str], headline: Found | None,
                 targets: list[ParsedTarget]) -> Found | None:
    return (_from_header(lines) or _from_headline(lines, headline)
            or _from_addresses(lines, targets) or _most_named(lines))


def _from_header(lines: list[str]) -> Found | None:
    """'UA: 229/10 Index: AMR 19/012/2010 Brazil Date: 29 October 2010'."""
    for i, line in enumerate(lines[:15]):
        if regex.search(r"(?i)\bindex\b|[íi]ndice", line) and regex.search(r"(?i)\bdat(?:e|um)\b|fecha", line):
            names = countries_in(line)
            if names:
                return Found(_display(names[0]), i, 0.95)
    return None


def _from_headline(lines: list[str], headline: Found | None) -> Found | None:
    """'Kazakhstan: Prisoner of Conscience released' names its country first."""
    if headline is None:
        return None
    head = lines[headline.index].split(":")[0]
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
        for name in countries_in(line):
            counts[_display(name)] += 1
            first.setdefault(_display(name), i)
    if not counts:
        return None
    name, _ = counts.most_common(1)[0]
    return Found(name, first[name], 0.4)


def _display(name: str) -> str:
    """'KAZAKHSTAN' -> 'Kazakhstan'; the tz database's own spelling when it has one."""
    return name.title() if name.isupper() else name
