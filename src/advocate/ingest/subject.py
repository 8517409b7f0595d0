"""Who a case is about, as posts will name them: one person, a group
("twelve protesters") or an organisation, and the person's role.

Roles are read in the document's language and normalised to an English
key through the `[roles]` tables of labels/<lang>.toml ("periodista" ->
"journalist"), so templates can word them in any language they ship.
"""

from __future__ import annotations

import functools
import re

import regex

from advocate.ingest import labels
from advocate.ingest.blocks import is_heading
from advocate.ingest.found import Found

_BODY_LINES = 40  # a group or organisation is named at the top of a UA
_NEAR = 60  # characters either side of a name where its role is printed
_NUMBER = r"\d{1,4}"
# A run of capitalised words (with small particles) naming an organisation.
_ORG_NAME = regex.compile(
    r"[«“\"]?(\p{Lu}[\p{L}\p{M}'’&.\-]*(?:\s+(?:(?:of|for|de|del|des|du|la|le|des|für|der|do|da|per|di|и)\s+)?"
    r"\p{Lu}[\p{L}\p{M}'’&.\-]*){0,6})[»”\"]?")


@functools.cache
def _roles() -> tuple[regex.Pattern, dict[str, str]]:
    table = labels.table("roles")
    words = sorted(table, key=len, reverse=True)
    alternation = "|".join(labels.phrase_regex(w) for w in words)
    return regex.compile(rf"(?<!\w)(?:{alternation})(?!\w)", regex.IGNORECASE), table


@functools.cache
def _group() -> re.Pattern:
    count = rf"(?:{labels.alternation('number_words')}|{_NUMBER})"
    return re.compile(rf"(?<!\w){count}(?:\s+[^\W\d_]+){{0,2}}?\s+{labels.alternation('group_nouns')}(?!\w)",
                      re.IGNORECASE)


@functools.cache
def _organisation() -> regex.Pattern:
    nouns = labels.alternation("organisation_nouns")
    return regex.compile(rf"(?<!\w){nouns}\s+(?:called\s+|named\s+)?", regex.IGNORECASE)


def find_role(lines: list[str], person: str | None, headline: Found | None) -> Found | None:
    """The role printed next to the person's name ('Journalist Ana Pérez',
    'Ana Pérez, a journalist,'), else the one in the headline."""
    pattern, table = _roles()
    if person:
        for i, line in enumerate(lines):
            for at in _occurrences(line, person):
                near = _next_to(pattern, line, at, at + len(person))
                if near:
                    return Found(table[_key(near)], i, 0.9)
    if headline is not None and headline.index < len(lines):
        match = pattern.search(lines[headline.index])
        if match:
            return Found(table[_key(match.group(0))], headline.index, 0.7)
    return None


def _occurrences(line: str, name: str) -> list[int]:
    found, at = [], line.find(name)
    while at >= 0 and len(found) < 20:
        found.append(at)
        at = line.find(name, at + len(name))
    return found


_ARTICLE = re.compile(r"(?i)^(?:\s*(?:the|a|an|el|la|le|l'|der|die|das|o|a|il|lo)\s+)?\s*$")
_APPOSITION = re.compile(r"(?i)^\s*,\s*(?:(?:a|an|the|un|una|une|ein|eine|um|uma)\s+)?(?:[^\W\d_]+\s+)?$")


def _next_to(pattern: regex.Pattern, line: str, start: int, end: int) -> str | None:
    """A role right before the name, or in apposition right after it."""
    for match in pattern.finditer(line, max(0, start - _NEAR), start):
        if _ARTICLE.match(line[match.end():start]):
            return match.group(0)
    after = pattern.search(line, end, min(len(line), end + _NEAR))
    if after and _APPOSITION.match(line[end:after.start()]):
        return after.group(0)
    return None


def join_names(names: list[str], and_word: str) -> str:
    """['A', 'B', 'C'] -> 'A, B and C'."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {and_word} " + names[-1]


def role_in(text: str) -> str | None:
    """The role a group's words name: 'twelve students' -> 'student'."""
    pattern, table = _roles()
    match = pattern.search(text)
    return table[_key(match.group(0))] if match else None


def _key(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def _nearest(pattern: regex.Pattern, line: str, start: int, end: int) -> str | None:
    """The role closest to the name: right before it ('Journalist Ana Pérez')
    or in apposition after it ('Ana Pérez, a journalist')."""
    before = [m for m in pattern.finditer(line, max(0, start - _NEAR), start)]
    if before and not line[before[-1].end():start].strip(" ,"):
        return before[-1].group(0)
    if before and len(line[before[-1].end():start].split()) <= 3:
        return before[-1].group(0)
    after = pattern.search(line, end, min(len(line), end + _NEAR))
    if after and len(line[end:after.start()].split()) <= 3 and line[end:end + 2].startswith(","):
        return after.group(0)
    return None


def find_group(lines: list[str], headline: Found | None) -> Found | None:
    """'TWELVE PROTESTERS DETAINED' / 'Doce manifestantes fueron detenidos': the group, as worded."""
    order = ([headline.index] if headline is not None else []) + list(range(min(len(lines), _BODY_LINES)))
    for i in order:
        line = lines[i] if i < len(lines) else ""
        match = _group().search(line[:2000])
        if match:
            return Found(_as_worded(match.group(0), line, match.start()), i, 0.8 if i == order[0] else 0.6)
    return None


def _as_worded(text: str, line: str, start: int) -> str:
    """'TWELVE PROTESTERS' -> 'twelve protesters'; 'Twelve' opening a sentence -> 'twelve'."""
    text = " ".join(text.split())
    if text.isupper():
        return text.lower()
    if not line[:start].strip() or line[:start].rstrip().endswith((".", ":")):
        return text[:1].lower() + text[1:] if text[1:2].islower() else text
    return text


def find_organisation(lines: list[str]) -> Found | None:
    """'the NGO Atajurt Eriktileri', 'la organización Centro Prodh': the name after the noun."""
    for i, line in enumerate(lines[:_BODY_LINES]):
        if is_heading(line):
            continue
        for noun in _organisation().finditer(line[:2000]):
            name = _ORG_NAME.match(line, noun.end())
            if name and name.group(1) and len(name.group(1)) >= 3:
                return Found(name.group(1).strip(" .,"), i, 0.6)
    return None


def looks_like_organisation(name: str) -> bool:
    """'Viasna Human Rights Centre' names an organisation, not a person."""
    words = {w.lower().strip(".,") for w in name.split()}
    nouns = {p.lower() for p in labels.phrases("organisation_nouns") if " " not in p}
    return bool(words & nouns)
