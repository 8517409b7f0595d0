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
    r"\s*[«“\"„]?(\p{Lu}[\p{L}\p{M}'’&.\-]*(?:\s+(?:(?:of|for|de|del|des|du|la|le|für|der|do|da|per|di|dei|и)\s+)?"
    r"[«“\"„]?\p{Lu}[\p{L}\p{M}'’&.\-]*[»”\"]?){0,6})[»”\"]?")


@functools.cache
def _roles() -> tuple[regex.Pattern, dict[str, str]]:
    table = labels.table("roles")
    words = sorted(table, key=len, reverse=True)
    alternation = "|".join(labels.phrase_regex(w) for w in words)
    return regex.compile(rf"(?<!\w)(?:{alternation})(?!\w)", regex.IGNORECASE), table


@functools.cache
def _group() -> re.Pattern:
    count = rf"(?:{labels.alternation('number_words')}|{_NUMBER})"
    nouns = "(?:" + "|".join(labels.phrase_regex(p) for p in sorted(
        set(labels.phrases("group_nouns")) | set(labels.phrases("group_generic")), key=len, reverse=True)) + ")"
    return re.compile(rf"(?<!\w){count}(?:\s+{count})?(?:\s+[^\W\d_][\w'’-]*){{0,2}}?\s+{nouns}(?!\w)",
                      re.IGNORECASE)


@functools.cache
def _complement() -> re.Pattern:
    """'of the Garifuna community', 'de trabalhadores rurais sem terra': up to the
    next preposition, comma or full stop, at most eight words."""
    prepositions = labels.alternation("group_prepositions")
    return re.compile(rf"\s+{prepositions}(?:\s+|(?<=['’]))((?:(?!{prepositions}\s)[^\s,.;:()]+\s*){{1,8}})",
                      re.IGNORECASE)


@functools.cache
def _generic() -> frozenset[str]:
    return frozenset(p.lower() for p in labels.phrases("group_generic"))


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
                    return Found(table.get(_key(near), near), i, 0.9)
    if headline is not None and headline.index < len(lines):
        match = pattern.search(lines[headline.index])
        if match:
            return Found(table.get(_key(match.group(0)), match.group(0)), headline.index, 0.7)
    return None


def _occurrences(line: str, name: str) -> list[int]:
    found: list[int] = []
    at = line.find(name)
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


def role_in(text: str) -> str | None:
    """The role a group's words name: 'twelve students' -> 'student'."""
    pattern, table = _roles()
    match = pattern.search(text)
    return table.get(_key(match.group(0))) if match else None


def _key(text: str) -> str:
    """The table key a matched role stands for: the word itself, else the
    entry whose pattern it fits ('студентке' -> 'студент*')."""
    key = " ".join(text.lower().replace("’", "'").split())
    table = _roles()[1]
    if key in table:
        return key
    return next((k for k, pattern in _patterns() if pattern.fullmatch(key)), key)


@functools.cache
def _patterns() -> list[tuple[str, regex.Pattern]]:
    """Each role entry as a pattern (an ending '*', a bare accent), longest first."""
    return [(k, regex.compile(labels.phrase_regex(k), regex.IGNORECASE))
            for k in sorted(_roles()[1], key=len, reverse=True)]


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
            text = match.group(0)
            if text.split()[-1].lower() in _generic():
                extra = _complement().match(line, match.end())
                if extra:
                    text = line[match.start():extra.end()].rstrip()
            return Found(_as_worded(text, line, match.start()), i, 0.8 if i == order[0] else 0.6)
    return None


def leads_with_group(lines: list[str], group: Found) -> bool:
    """The first paragraph of the story opens with the group ('Five members of ...')."""
    first = next((i for i, line in enumerate(lines) if is_prose(line)), None)
    if first != group.index:
        return False
    at = lines[first].lower().find(group.value.lower())
    return 0 <= at <= 25


def is_prose(line: str) -> bool:
    """A line of the story: twelve words or more ('ACTION URGENTE – AU 42/22 – Index : ...' has seven)."""
    return sum(1 for w in line.split()[:40] if any(c.isalpha() for c in w)) >= 12


def _as_worded(text: str, line: str, start: int) -> str:
    """'TWELVE PROTESTERS' -> 'twelve protesters'; 'Twelve' opening a sentence -> 'twelve'."""
    text = " ".join(text.split())
    if text.isupper():
        return text.lower()
    if not line[:start].strip() or line[:start].rstrip().endswith((".", ":")):
        return text[:1].lower() + text[1:] if text[1:2].islower() else text
    return text


def find_organisation(lines: list[str]) -> Found | None:
    """'die Menschenrechtsorganisation Rechtshilfezentrum "Prawo"', 'the Coast
    Centre for Rights Education (CCRE), a human rights organisation',
    'l'associazione per i diritti umani "Centro Dialogo"': the organisation's name."""
    for i, line in enumerate(lines[:_BODY_LINES]):
        if is_heading(line):
            continue
        text = line[:2000]
        for noun in _organisation().finditer(text):
            name = _ORG_NAME.match(text, noun.end()) or _QUOTED.match(text, noun.end())
            if name and len(name.group(1)) >= 3 and not _is_article(name.group(1)):
                return Found(name.group(1).strip(" .,"), i, 0.7)
        for run in _ORG_NAME.finditer(text):
            if len(run.group(1).split()) >= 2 and _apposition().match(text, run.end()):
                return Found(run.group(1).strip(" .,"), i, 0.7)
    return None


# A quoted name after a few lower-case words: 'per i diritti umani "Centro Dialogo"'.
# A name starts with a capital: 'als "extremistisch" eingestuft' quotes a word, not a name.
_QUOTED = regex.compile(r"\s*(?:\p{Ll}+\s+){0,5}[«“\"„](\p{Lu}[^«»“”\"„]{2,79})[»”\"]")


def _is_article(text: str) -> bool:
    return text.split()[0].lower() in {"the", "el", "la", "le", "les", "los", "las", "der", "die", "das", "il", "lo", "o", "a"}


@functools.cache
def _apposition() -> regex.Pattern:
    """', a human rights organisation' / ', una emisora' right after a name."""
    nouns = labels.alternation("organisation_nouns")
    return regex.compile(rf"\s*(?:\([^()]{{1,15}}\))?\s*,\s*(?:a|an|una|un|une|ein|eine|um|uma|одна)\s+"
                         rf"(?:[\w'’-]+\s+){{0,3}}?{nouns}(?!\w)", regex.IGNORECASE)


def headline_names_organisation(headline: Found | None, lines: list[str]) -> bool:
    """'RIGHTS GROUP ORDERED TO SHUT DOWN', 'ONG PER I DIRITTI UMANI SCIOLTA'."""
    if headline is None or headline.index >= len(lines):
        return False
    return bool(_organisation_word().search(lines[headline.index]))


@functools.cache
def _organisation_word() -> regex.Pattern:
    return regex.compile(rf"(?<!\w){labels.alternation('organisation_nouns')}(?!\w)", regex.IGNORECASE)


def looks_like_organisation(name: str) -> bool:
    """'Viasna Human Rights Centre' names an organisation, not a person."""
    words = {w.lower().strip(".,") for w in name.split()}
    nouns = {p.lower() for p in labels.phrases("organisation_nouns") if " " not in p}
    return bool(words & nouns)
