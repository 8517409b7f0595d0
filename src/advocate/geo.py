"""Country names and their time zones, from the tz database's own tables.

A case's deadline runs to the end of its day where the targets are, so
we need the country's time zone. The tz database (the `tzdata` package)
ships iso3166.tab (code -> name) and zone.tab (code -> zones, the main
zone first), which saves us keeping a list of our own.
"""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources

# Names UAs use that differ from the tz database's short forms.
ALIASES = {
    "united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB",
    "russian federation": "RU", "usa": "US", "united states of america": "US",
    "south korea": "KR", "republic of korea": "KR", "north korea": "KP",
    "viet nam": "VN", "iran (islamic republic of)": "IR", "syria": "SY",
    "syrian arab republic": "SY", "democratic republic of the congo": "CD",
    "drc": "CD", "republic of the congo": "CG", "cote d'ivoire": "CI",
    "ivory coast": "CI", "burma": "MM", "myanmar": "MM", "laos": "LA",
    "palestine": "PS", "occupied palestinian territories": "PS",
    "turkiye": "TR", "czech republic": "CZ", "eswatini": "SZ",
    "the gambia": "GM", "gambia": "GM", "bosnia": "BA",
    # Spanish, French and German names of countries UAs often name.
    "mexico": "MX", "méxico": "MX", "perú": "PE", "brasil": "BR",
    "brésil": "BR", "brasilien": "BR", "estados unidos": "US",
    "états-unis": "US", "etats-unis": "US", "russie": "RU", "rusia": "RU",
    "russland": "RU", "chine": "CN", "china": "CN", "irán": "IR",
    "iranie": "IR", "arabia saudí": "SA", "arabie saoudite": "SA",
    "saudi-arabien": "SA", "turquie": "TR", "turquía": "TR", "türkei": "TR",
    "égypte": "EG", "egipto": "EG", "ägypten": "EG", "kazajistán": "KZ",
    "kazakhstan": "KZ", "kasachstan": "KZ", "colombie": "CO",
    "venezuela": "VE", "algérie": "DZ", "argelia": "DZ", "maroc": "MA",
    "marruecos": "MA", "chili": "CL", "guatemala": "GT", "honduras": "HN",
    "nicaragua": "NI", "cuba": "CU", "bolivia": "BO", "ecuador": "EC",
}


def _fold(name: str) -> str:
    return " ".join(name.strip().lower().split())


@functools.cache
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(folded name -> code, code -> name, code -> main zone)."""
    base = resources.files("tzdata") / "zoneinfo"
    by_name: dict[str, str] = {}
    names: dict[str, str] = {}
    zones: dict[str, str] = {}
    for line in (base / "iso3166.tab").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t", 1)
            names[code] = name
            by_name[_fold(name)] = code
    for line in (base / "zone.tab").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            code, _coords, zone = line.split("\t")[:3]
            zones.setdefault(code, zone)  # the first listed is the main one
    for alias, code in ALIASES.items():
        by_name.setdefault(_fold(alias), code)
    return by_name, names, zones


def country_code(name: str) -> str | None:
    """'Kazakhstan' -> 'KZ'; accents and case do not matter; None if unknown."""
    by_name, _, _ = _tables()
    folded = _fold(name)
    if folded in by_name:
        return by_name[folded]
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return by_name.get(plain)


def country_names() -> list[str]:
    """Every name we recognise (tz database names and aliases), longest first."""
    by_name, names, _ = _tables()
    known = set(names.values()) | {a.title() for a in ALIASES}
    return sorted(known, key=len, reverse=True)


def timezone_for_country(name: str | None) -> str | None:
    """'Kazakhstan' -> 'Asia/Almaty' (the country's main zone), or None."""
    if not name:
        return None
    code = country_code(name)
    return _tables()[2].get(code) if code else None
