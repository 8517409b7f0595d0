"""The people a document is about: the labelled 'NAME AND PREFERRED
PRONOUN' line when there is one, else the names it mentions most."""

from __future__ import annotations

import functools
import re
from collections import Counter

import regex

from advocate.ingest import labels
from advocate.ingest.found import Found

_LABEL = re.compile(
    r"(?i)^\W*(?:names?\s+and\s+pref+er+ed\s+pronouns?|nombres?\s+y\s+pronombres?(?:\s+preferidos?)?"
    r"|noms?\s+et\s+pronoms?(?:\s+pr[ée]f[ée]r[ée]s?)?|namen?\s+und\s+(?:bevorzugte[snr]?\s+)?pronomen)"
    r"\s*:\s*(.*)$"
)
_PAIR = re.compile(r"([^(),;]+?)\s*\(([^)]*)\)")
_AND = re.compile(r"\s*(?:,|;|\band\b|\by\b|\bet\b|\bund\b|\be\b|\bи\b|&)\s*")
_TOKEN = r"\p{Lu}[\p{Ll}\p{M}'’]*\p{Ll}(?:-\p{Lu}[\p{Ll}\p{M}]+)*"
_PARTICLE = r"(?:de|da|do|dos|das|del|la|van|von|der|den|al|el|bin|ibn|ben|abu)"
# 'al-Mahdi', 'el-Sisi': a lower-case article joined to a surname.
_JOINED = r"(?:al|el|ad|ar|as|ash|at|az|ul)-\p{Lu}[\p{Ll}\p{M}'’]*\p{Ll}"
_NAME = regex.compile(rf"(?<![\p{{L}}\-]){_TOKEN}(?:\s+(?:{_PARTICLE}\s+)?(?:{_TOKEN}|{_JOINED})){{1,3}}(?![\p{{L}}])")
_ROLE = re.compile(
    r"(?i)(?:defender|activist|journalist|lawyer|student|conscience|blogger|poet|leader|"
    r"defensora?|activista|periodista|abogad[oa]|estudiante|militante?|journaliste|avocate?|"
    r"[ée]tudiante?|d[ée]fenseure?|aktivist(?:in)?|journalist(?:in)?|anw[aä]lt(?:in)?|"
    r"verteidiger(?:in)?|mr\.?|ms\.?|mrs\.?|dr\.?|sr\.?|sra\.?|m\.|mme|herr|frau)\s+$"
)
# "the Washington-based Freedom Now", "led the Atajurt Eriktileri": a group, not a person.
# Not 'a': a preposition in es/pt/it ('protección a Rosa Elena Quintero').
_ARTICLE = re.compile(r"(?i)\b(?:the|an|el|la|los|las|le|les|der|die|das)\s+(?:[\w-]+-based\s+)?$")
_HE = re.compile(r"\b(?:he|him|his)\b", re.IGNORECASE)
_SHE = re.compile(r"\b(?:she|her|hers)\b", re.IGNORECASE)


def find_labelled_people(lines: list[str]) -> tuple[Found, Found | None] | None:
    """(Found(list of names), Found(pronouns of the first) or None)."""
    for i, line in enumerate(lines):
        match, after = _label_match(line), i + 1
        if not match:  # a label wrapped in a narrow column: 'NAME AND PREFERRED' / 'PRONOUN: ...'
            match, after = _label_match(_with_next(lines, i)), i + 2
        if match:
            names, pronouns = _split_people(_unwrapped(match.group(1), lines, after))
            if names:
                return Found(names, i, 1.0), (Found(pronouns, i, 1.0) if pronouns else None)
    return None


def _label_match(line: str) -> re.Match | None:
    """'NAME AND PREFERRED PRONOUN: ...' in any language (labels/*.toml)."""
    if len(line) > 400:
        return None
    return _LABEL.match(line) or labels.label("pronoun").match(line)


def _with_next(lines: list[str], i: int) -> str:
    return lines[i] + " " + lines[i + 1] if i + 1 < len(lines) and lines[i] else ""


def _unwrapped(value: str, lines: list[str], after: int) -> str:
    """A value wrapped in a narrow column: 'Karim' / 'Mansour (he/him)'."""
    following = lines[after] if after < len(lines) else ""
    if "(" not in value and ")" in following[:60]:
        return (value + " " + following).strip()
    return value


def _split_people(value: str) -> tuple[list[str], str | None]:
    pairs = _PAIR.findall(value)
    rest = _PAIR.sub(",", value)
    names = [_AND.sub(" ", n).strip(" .") for n, _ in pairs]
    names += [n.strip(" .") for n in _AND.split(rest) if len(n.strip(" .").split()) >= 2]
    pronouns = pairs[0][1].strip() if pairs else None
    return [n for n in names if n], pronouns


def infer_people(lines: list[str], exclude: set[str]) -> list[Found]:
    """Names mentioned most, best first, each with the line it first appears on."""
    first_line: dict[str, int] = {}
    counts: Counter[str] = Counter()
    # Not people: 'the Atajurt Eriktileri', 'acampamento Nova Esperança', 'Sungai Bahar village'.
    groups: set[str] = set()
    for i, line in enumerate(lines):
        for match in _NAME.finditer(line):
            before = line[max(0, match.start() - 60): match.start()]
            for name in _name_runs(match.group(0)):
                if name.lower() not in exclude and name.casefold() not in _country_names():
                    first_line.setdefault(name, i)
                    at = match.start() + max(0, match.group(0).find(name))
                    counts[name] += 2 + (2 if _role_before(before) or _role_after(line, at + len(name)) else 0)
                    if (name in match.group(0)[: len(name) + 1] and _ARTICLE.search(before)) or _at_place(line, at, name):
                        groups.add(name)
    scores = _add_part_mentions(Counter({n: c for n, c in counts.items() if n not in groups}), lines)
    ranked = _fold_same_people(sorted(scores, key=lambda n: (-scores[n], first_line[n])), scores)
    return [Found(n, first_line[n], _confidence(scores[n])) for n in ranked]


def _fold_same_people(ranked: list[str], scores: dict[str, float]) -> list[str]:
    """'Maria das Dores' and 'Maria das Dores Lima', 'Максата Абенова' and
    'Максат Абенов' name one person: the lesser mention adds to the better one."""
    kept: list[str] = []
    for name in ranked[:200]:
        same = next((k for k in kept if _same_person(name, k)), None)
        if same is None:
            kept.append(name)
        else:
            scores[same] += scores[name]
    return sorted(kept, key=lambda n: -scores[n]) + ranked[200:]


def _same_person(name: str, other: str) -> bool:
    """Every word of `name` is, in order, a word of `other` or its inflection."""
    words, others = name.split(), other.split()
    if len(words) > len(others):
        return False
    at = 0
    for word in words:
        while at < len(others) and not _same_word(word, others[at]):
            at += 1
        if at == len(others):
            return False
        at += 1
    return len(words) < len(others) or words != others


def _same_word(a: str, b: str) -> bool:
    """Equal, or one Cyrillic word's case ending ('Абенова' ~ 'Абенов')."""
    if a == b:
        return True
    if not (_CYRILLIC.match(a) and _CYRILLIC.match(b)):
        return False
    stem = min(len(a), len(b)) - 1
    return stem >= 3 and abs(len(a) - len(b)) <= 2 and a[:stem] == b[:stem]


_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def _place_before(before: str) -> bool:
    """'do acampamento Nova Esperança', 'village of Sungai Bahar': a place's name."""
    return bool(_place_nouns(r"(?:\s+(?:of|de|do|da|dos|das|del|di|du|des))?\s+$").search(before))


def _place_after(line: str, end: int) -> bool:
    """'Sungai Bahar village', 'Emergency Misdemeanour Court', 'Sichuan Provincial People's Government'."""
    return bool(_place_nouns("").match(line, end, min(len(line), end + 40)))


@functools.cache
def _place_nouns(tail: str) -> regex.Pattern:
    nouns = labels.alternation("place_nouns")
    if tail:
        return regex.compile(rf"(?i)(?<!\w){nouns}{tail}")
    return regex.compile(rf"(?i)\s+(?:{nouns})(?!\w)")


def _role_before(before: str) -> bool:
    """A title or a role right before a name ('Mr', 'la líder quilombola'):
    a name printed once so still counts as the person's."""
    return bool(_ROLE.search(before) or _role_words().search(before))


def _role_after(line: str, end: int) -> bool:
    """A role in apposition: 'Tenzin Norbu, a monk at ...'."""
    return bool(_role_words(after=True).match(line, end, min(len(line), end + 80)))


@functools.cache
def _role_words(after: bool = False) -> regex.Pattern:
    roles = "|".join(labels.phrase_regex(w) for w in sorted(labels.table("roles"), key=len, reverse=True))
    if after:
        return regex.compile(rf"(?i)\s*(?:\([^()]{{0,20}}\))?\s*,\s*(?:(?:a|an|the|un|una|une|ein|eine|um|uma|il|la|le|el|o)\s+)?"
                             rf"(?:{roles})(?!\w)")
    return regex.compile(rf"(?i)(?<!\w)(?:{roles})\s+$")


def names_in(text: str, exclude: set[str]) -> list[str]:
    """The names in a piece of text, in order, once each: the members a
    group's lead sentence lists ('..., among them Valeria Solís, Kevin Ortega
    and Marlon Fajardo')."""
    found: list[str] = []
    for match in _NAME.finditer(text):
        for name in _name_runs(match.group(0)):
            at = match.start() + max(0, match.group(0).find(name))
            if name.lower() not in exclude and name not in found and not _at_place(text, at, name):
                found.append(name)
    return found


def _at_place(line: str, at: int, name: str) -> bool:
    """The name at `at` is a place's or an institution's ('the Emergency Misdemeanour Court')."""
    return _place_before(line[max(0, at - 60): at]) or _place_after(line, at + len(name))


def _add_part_mentions(counts: Counter[str], lines: list[str]) -> dict[str, float]:
    """'Bilash' alone also counts for 'Serikzhan Bilash'."""
    words = Counter(w for line in lines for w in regex.findall(r"\p{L}+", line))
    return {n: c + 0.5 * sum(words[part] for part in {n.split()[0], n.split()[-1]})
            for n, c in counts.items()}


def _confidence(score: float) -> float:
    return round(min(0.9, 0.4 + score / 40), 2)


def _name_runs(text: str) -> list[str]:
    """Split 'Freedom Now Legal Officer Adam Lhedmat' at words that are not
    names, keeping the runs of two or more words: ['Adam Lhedmat']."""
    runs: list[list[str]] = []
    run: list[str] = []
    for word in text.split() + ["."]:
        bare = word.removesuffix("'s").removesuffix("’s")
        if (bare in _stopwords() and bare not in _PARTICLE_SET) or word == ".":  # a particle: 'Maria das Dores Lima'
            runs.append(run)
            run = []
        else:
            run.append(bare)
    return [" ".join(_strip_particles(r)) for r in runs if len(_strip_particles(r)) >= 2]


def _strip_particles(words: list[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and words[start].lower() in _PARTICLE_SET:
        start += 1
    while end > start and words[end - 1].lower() in _PARTICLE_SET:
        end -= 1
    return words[start:end]


_PARTICLE_SET = set(_PARTICLE.strip("(?:)").split("|"))


@functools.cache
def _stopwords() -> frozenset[str]:
    from advocate import geo
    from advocate.ingest.stopwords import NOT_NAMES

    countries = {name for name in geo.country_names() if " " not in name}
    return frozenset(NOT_NAMES | countries | _label_words())


@functools.cache
def _country_names() -> frozenset[str]:
    """Countries of more than one word ('Saudi Arabia', 'Viet Nam'): read as a name in
    'Kingdom of Saudi Arabia' (single words are stopwords)."""
    from advocate import geo

    return frozenset(name.casefold() for name in geo.country_names() if " " in name)


def _label_words() -> set[str]:
    """Heading words, roles and group nouns of every language's label file,
    capitalised as they stand before a name ('Studentin Shirin Alavi')."""
    words: set[str] = set(labels.phrases("not_names"))
    for phrase in (list(labels.table("roles")) + labels.phrases("group_nouns") + labels.phrases("imperatives")
                   + labels.phrases("number_words")):
        for word in phrase.split():
            if len(word) > 2:
                words.update({word, word.capitalize(), word.upper()})
    # 'Centro Dialogo', 'Radio Xyaab': an organisation's noun opens its name, not a person's.
    for phrase in labels.phrases("organisation_nouns"):
        if " " not in phrase and len(phrase) > 3:
            words.update({phrase.capitalize(), phrase.upper()})
    # 'Sichuan Sheng', 'Estado do Pará': a place noun ends or opens a place's name, not a person's.
    for phrase in labels.phrases("place_nouns"):
        if " " not in phrase and "*" not in phrase and phrase.lower() not in _SURNAMES_TOO:
            words.update({phrase.capitalize(), phrase.upper()})
    return words


# Place nouns that are also common surnames: left to the context rules.
_SURNAMES_TOO = {"campo", "corte", "via", "vila", "piazza", "platz", "lager", "cour", "camp", "town", "road"}


def infer_pronouns(lines: list[str]) -> Found | None:
    """he/him or she/her when one clearly dominates an English text."""
    he = sum(len(_HE.findall(line)) for line in lines)
    she = sum(len(_SHE.findall(line)) for line in lines)
    if he >= 3 and he > 3 * she:
        return Found("he/him", 0, 0.5)
    if she >= 3 and she > 3 * he:
        return Found("she/her", 0, 0.5)
    return None
