"""The words Urgent Actions print, per language, read from data files.

Each language has a file `labels/<lang>.toml`. A key holds a list of
phrases ("send appeals to", "no further action [is|] requested"); this
module turns them into compiled patterns, every language's phrases in one
pattern, because documents mix languages and short ones are misjudged.

Phrase syntax (kept tiny so that every pattern stays linear):
- words are separated by any run of white space;
- `[a|b]` is one word out of several, `[a|b|]` an optional one;
- a word ending in `*` matches any ending ("préféré*": préférée, préférés);
- `~` stands for up to four words of any kind ("действий ~ не требуется");
- an accented letter also matches its bare letter, `'` also matches `’`.
Tables (`[roles]`, `[language_names]`) map a word to an English value.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from importlib import resources

LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "ru")
# A phrase ends at a word's end, or at an elided article ("sur l'" + "AU").
_END = r"(?:(?<=['’])|(?!\w))"


@functools.cache
def _data(language: str) -> dict:
    text = resources.files("advocate.ingest").joinpath("labels", f"{language}.toml").read_text("utf-8")
    return tomllib.loads(text)


def phrases(key: str, languages: tuple[str, ...] = LANGUAGES) -> list[str]:
    """Every phrase under `key` in the given languages, longest first."""
    found: list[str] = []
    for language in languages:
        found += _data(language).get(key, [])
    return sorted(dict.fromkeys(found), key=len, reverse=True)


def word(key: str, language: str, default: str) -> str:
    """A single word of one language ('and_word'), or `default` when it has none."""
    value = _data(language).get(key) if language in LANGUAGES else None
    return value if isinstance(value, str) else default


def table(key: str, languages: tuple[str, ...] = LANGUAGES) -> dict[str, str]:
    """A word -> value table merged over languages, keys lower-cased."""
    merged: dict[str, str] = {}
    for language in languages:
        merged.update({k.lower(): v for k, v in _data(language).get(key, {}).items()})
    return merged


@functools.cache
def alternation(key: str, languages: tuple[str, ...] = LANGUAGES) -> str:
    """The phrases of `key` as one non-capturing regex group."""
    return "(?:" + "|".join(phrase_regex(p) for p in phrases(key, languages)) + ")"


@functools.cache
def search(key: str, languages: tuple[str, ...] = LANGUAGES) -> re.Pattern:
    """A phrase of `key` anywhere, as whole words, ignoring case."""
    return re.compile(rf"(?<!\w){alternation(key, languages)}{_END}", re.IGNORECASE)


@functools.cache
def label(key: str, languages: tuple[str, ...] = LANGUAGES) -> re.Pattern:
    """'<phrase>: value' at the start of a line; group 1 is the value."""
    return re.compile(rf"^[^\w:]{{0,5}}{alternation(key, languages)}{_END}[^:\n]{{0,40}}?:[ \t]*(.*)$",
                      re.IGNORECASE)


@functools.cache
def heading(key: str, languages: tuple[str, ...] = LANGUAGES) -> re.Pattern:
    """A line starting with a phrase of `key` (an optional 'Amnesty International' before)."""
    return re.compile(rf"^[^\w]{{0,5}}(?:amnesty\s+international\s+)?{alternation(key, languages)}{_END}",
                      re.IGNORECASE)


def phrase_regex(phrase: str) -> str:
    """One phrase in the syntax above -> a regex fragment."""
    tokens: list[tuple[str, bool]] = []
    for word in phrase.split():
        if word == "~":
            tokens.append((r"\S+(?:\s+\S+){0,3}", True))
        elif word.startswith("[") and word.endswith("]"):
            options = word[1:-1].split("|")
            tokens.append(("(?:" + "|".join(_word(o) for o in options if o) + ")", "" in options))
        else:
            tokens.append((_word(word), False))
    out, lead = "", ""
    for i, (token, optional) in enumerate(tokens):
        if i == 0 and optional:
            lead = rf"(?:{token}\s+)?"
        elif not out:
            out = token
        else:
            out += rf"(?:\s+{token})?" if optional else rf"\s+{token}"
    return lead + out


def _word(word: str) -> str:
    star = word.endswith("*") and len(word) > 1
    word = word.rstrip("*") if star else word
    out = "".join(_letter(c) for c in word)
    return out + (r"\w*" if star else "")


@functools.cache  # some 20,000 letters, a few hundred distinct, when the patterns are first built
def _letter(c: str) -> str:
    if c in "'’":
        return "['’]"
    if c == "-":
        return r"[-\s]?"
    bare = "".join(b for b in unicodedata.normalize("NFD", c) if not unicodedata.combining(b))
    if bare != c and bare:
        return f"[{re.escape(c)}{re.escape(bare)}]"
    return re.escape(c)
