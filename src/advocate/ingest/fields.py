"""Small labelled fields: preferred languages, the UA's own web page and
the headline."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from advocate.ingest import labels
from advocate.ingest.found import Found
from advocate.ingest.numbers import UA_NUMBER as _UA_NUMBER

_LANGUAGES = re.compile(
    r"(?i)^\W*(?:preferred\s+languages?(?:\s+to\s+address\s+(?:the\s+)?targets?)?"
    r"|idiomas?\s+(?:preferid[oa]s?|preferentes?)[^:]*|langues?\s+(?:pr[ée]f[ée]r[ée]e?s?|[àa]\s+utiliser)[^:]*"
    r"|bevorzugte\s+sprachen?[^:]*|sprachen?\s+für[^:]*)\s*:\s*(.+)$")
_LIST_SPLIT = re.compile(r"\s*(?:,|;|/|\band\b|\bor\b|\by\b|\bo\b|\bet\b|\bou\b|\bund\b|\boder\b"
                         r"|\be\b|\bи\b|\bили\b)\s*")
# Language names as UAs print them in Spanish, French and German -> English.
_LANGUAGE_NAMES = {
    "inglés": "English", "anglais": "English", "englisch": "English",
    "español": "Spanish", "castellano": "Spanish", "espagnol": "Spanish", "spanisch": "Spanish",
    "francés": "French", "français": "French", "französisch": "French",
    "alemán": "German", "allemand": "German", "deutsch": "German",
    "ruso": "Russian", "russe": "Russian", "russisch": "Russian",
    "árabe": "Arabic", "arabe": "Arabic", "arabisch": "Arabic",
    "portugués": "Portuguese", "portugais": "Portuguese", "portugiesisch": "Portuguese",
    "chino": "Chinese", "chinois": "Chinese", "chinesisch": "Chinese",
    "persa": "Persian", "persan": "Persian", "persisch": "Persian", "farsi": "Persian",
    "turco": "Turkish", "turc": "Turkish", "türkisch": "Turkish",
}
_OWN_PAGE = re.compile(
    r"(?i)^\W*(?:url|source|fuente|online|permalink|web\s*page|p[aá]gina\s+web|page\s+web"
    r"|read\s+(?:this|the)\s+(?:urgent\s+action|ua)\s+online|this\s+(?:urgent\s+action|ua)\s+online"
    r"|lea\s+(?:esta|la)\s+acci[oó]n\s+urgente|lire\s+en\s+ligne|online\s+lesen)\s*:?\s*"
    r"((?:https?://|www\.)\S+)")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s)>\]]+")
_BANNER = re.compile(r"(?i)^\W*(?:urgent\s+action|acci[oó]n\s+urgente|action\s+urgente|eilaktion)"
                     r"[^:\d]{0,20}:\s*(\D.+)$")


@functools.cache
def _banner() -> re.Pattern:
    return re.compile(rf"(?i)^\W*{labels.alternation('ua_heading')}[^:\d]{{0,20}}:\s*(\D.+)$")


_META = re.compile(r"(?i)^\W*(?:amnesty\s+international\s+)?(?:urgent\s+action|acci[oó]n\s+urgente|action\s+urgente|eilaktion"
                   r"|further\s+information|UA\b|AU\b|date|fecha|datum|index|[íi]ndice"
                   r"|published|publicado|publi[ée]|ver[öo]ffentlicht)")


def find_languages(lines: list[str]) -> Found | None:
    """'PREFERRED LANGUAGE TO ADDRESS TARGET: Kazakh, Russian, English', the
    label alone with the list below it, or the languages named in the
    appeal itself ('in Arabic, English or your own language')."""
    labelled = labels.label("preferred_language")
    alone = labels.heading("preferred_language")
    for i, line in enumerate(lines):
        short = len(line) < 400
        match = _LANGUAGES.match(line) or (labelled.match(line) if short else None)
        value = match.group(1) if match else None
        if not value and short and alone.match(line) and len(line) < 80 and not line.endswith("."):
            value = next((lines[j] for j in range(i + 1, min(i + 3, len(lines))) if lines[j]), None)
        if value:
            first_sentence = re.split(r"\.\s|\.$", value)[0]
            names = [_language_name(n) for n in _LIST_SPLIT.split(first_sentence) if n.strip()]
            names = [n for n in names if n]
            if names:
                return Found(names, i, 1.0)
    return _languages_in_appeal(lines)


def _languages_in_appeal(lines: list[str]) -> Found | None:
    """Known language names on a line asking to write, in order."""
    own, action = labels.search("own_language"), labels.search("action_words")
    for i, line in enumerate(lines):
        if len(line) > 400 or not own.search(line) and not action.search(line):
            continue
        names = list(dict.fromkeys(n for n in _languages_named(line) if n))
        if names and (own.search(line) or len(names) >= 2):
            return Found(names, i, 0.8)
    return None


@functools.cache
def _language_pattern() -> re.Pattern:
    words = set(labels.table("language_names")) | set(_LANGUAGE_NAMES)
    words |= {v.lower() for v in labels.table("language_names").values()}
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def _known_language(word: str) -> str | None:
    word = word.lower()
    return _LANGUAGE_NAMES.get(word) or _label_names().get(word) or _english_names().get(word)


@functools.cache
def _label_names() -> dict[str, str]:
    """The label files' language names (any language's word -> English), merged once."""
    return labels.table("language_names")


@functools.cache
def _english_names() -> dict[str, str]:
    return {v.lower(): v for v in _label_names().values()}


def _language_name(word: str) -> str | None:
    word = word.strip(" .").lower()
    if not word or len(word.split()) > 2:
        return None
    return (_LANGUAGE_NAMES.get(word) or _label_names().get(word)
            or _iso_language_names().get(word) or word.capitalize())


def _languages_named(line: str) -> list[str | None]:
    """The languages a line names, in order: the label files' names, then
    any ISO 639-1 language in the UAs' languages ('Aserbaidschanisch')."""
    found = [(m.start(), _known_language(m.group(0))) for m in _language_pattern().finditer(line)]
    taken = {at for at, _ in found}
    found += [(m.start(), _iso_language_names().get(m.group(0).lower())) for m in _WORD.finditer(line)
              if m.start() not in taken]
    return [name for _, name in sorted(found, key=lambda f: f[0])]


_WORD = re.compile(r"[^\W\d_]{4,}")


@functools.cache
def _iso_language_names() -> dict[str, str]:
    """build_iso_language_names(), as labels/iso_language_names.json holds it: reading
    pycountry's 7,900 languages and six catalogues took 0.15 s of every ingest.
    A test holds the file to pycountry; after upgrading pycountry, write it again with
    .venv/bin/python -c 'from advocate.ingest.fields import write_iso_language_names as w; w()'"""
    return json.loads(_ISO_NAMES_FILE.read_text("utf-8"))


_ISO_NAMES_FILE = resources.files("advocate.ingest").joinpath("labels", "iso_language_names.json")


def write_iso_language_names() -> None:
    text = json.dumps(build_iso_language_names(), ensure_ascii=False, sort_keys=True, indent=0)
    Path(str(_ISO_NAMES_FILE)).write_text(text + "\n", "utf-8")


def build_iso_language_names() -> dict[str, str]:
    """ISO 639-1 language names in English and, through pycountry's
    translations, in every language the labels cover -> the English name."""
    import gettext

    import pycountry

    names: dict[str, str] = {}
    languages = [lang for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    for code in labels.LANGUAGES:
        translate: Callable[[str], str] = _untranslated
        try:
            translate = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[code]).gettext
        except OSError:
            pass
        for language in languages:
            english = language.name.split(";")[0].split(" (")[0]
            for word in {english, translate(language.name).split(";")[0].split(" (")[0]}:
                if len(word) >= 4 and " " not in word and word.lower() not in _NOT_LANGUAGES:
                    names.setdefault(word.lower(), english)
    return names


def _untranslated(text: str) -> str:
    return text


# ISO names that are more often something else in a UA: 'Latin America', 'Tonga', 'Corso'.
_NOT_LANGUAGES = {"latin", "latim", "latín", "latino", "corse", "corso", "tonga", "nauru", "kongo", "dongo",
                  "sango", "fidji", "tchi", "cree", "komi", "avar", "afar", "akan", "pali", "páli", "manx",
                  "serbo", "sarde", "sardo", "ganda", "rundi", "ido", "volapük", "interlingua", "interlingue"}


def find_own_url(lines: list[str], index_number: str | None) -> Found | None:
    """A labelled link to the UA itself, or a link holding its index number."""
    for i, line in enumerate(lines):
        match = _OWN_PAGE.match(line)
        if match:
            return Found(match.group(1).rstrip(".,;"), i, 1.0)
    return _url_with_index(lines, index_number)


def _url_with_index(lines: list[str], index_number: str | None) -> Found | None:
    """amnesty.org/en/documents/eur57/0123/2019/en/ is the page of EUR 57/0123/2019."""
    if not index_number:
        return None
    needle = index_number.replace(" ", "").lower()
    for i, line in enumerate(lines):
        for url in _URL.findall(line):
            if needle in url.lower():
                return Found(url.rstrip(".,;"), i, 0.8)
    return None


def find_headline(lines: list[str]) -> Found | None:
    """The first short line that is not the UA banner or its metadata."""
    seen = 0
    for i, line in enumerate(lines[:40]):
        banner = _banner_headline(line)
        if banner:
            return Found(banner, i, 0.8)
        if not line or _is_meta(line) or _UA_NUMBER.search(line):
            continue
        seen += 1
        sentence = line.endswith((".", "!", "?")) and seen > 2
        if len(line.split()) >= 2 and len(line) <= 160 and not sentence:
            return Found(_capitals_run(lines, i), i, 0.9 if seen <= 3 else 0.6)
    return None


def _is_meta(line: str) -> bool:
    """The banner, a date, an index or an update line: not the headline."""
    return bool(_META.match(line) or labels.heading("ua_heading").match(line)
                or labels.heading("update_heading").match(line) or labels.label("issued").match(line)
                or labels.label("index").match(line) or labels.label("country").match(line)
                or _SENDER.match(line))


# 'AMNESTY INTERNATIONAL ITALIA', 'Anistia Internacional Brasil': who sends it, not what it says.
_SENDER = re.compile(r"(?i)^\W*(?:amnesty|amnist[íi]a|anistia|amnistie)\s+(?:international|internacional|internazionale)"
                     r"(?:\s+[^\W\d_]+){0,3}\s*$")


def _banner_headline(line: str) -> str | None:
    """'Urgent Action Update: Student activist sentenced' -> the part after the colon."""
    match = _BANNER.match(line) or _banner().match(line)
    if match and len(match.group(1).split()) >= 3:
        value = match.group(1).strip()
        if value[:1].isdigit() or _UA_NUMBER.match(value) or _is_meta(value) or _names_update(value):
            return None  # 'URGENT ACTION UA: 201/13 Index: ...' is metadata
        return value
    return None


def _names_update(value: str) -> bool:
    """'Ulteriori informazioni sull'AU 33/21': which UA this updates, not a headline."""
    return bool(labels.heading("update_of").match(value) and _UA_NUMBER.search(value))


def _capitals_run(lines: list[str], i: int) -> str:
    """A capitals headline wrapped over lines ('LABOUR LAWYER' / 'KARIM MANSOUR FREED')."""
    parts = [lines[i]]
    for line in lines[i + 1: i + 4]:
        if not (parts[-1].isupper() and line.isupper()) or _is_meta(line):
            break
        parts.append(line)
    return " ".join(parts).strip(" :")
