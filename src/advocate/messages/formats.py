"""Words that change with the language: dates, "N days", pronouns.

Small tables rather than a locale library: templates need only these few
forms, and the system's locales are not reliably installed.
"""

from __future__ import annotations

import datetime as dt

_MONTHS = {
    "en": "January February March April May June July August September October "
          "November December",
    # Russian dates use the genitive: "21 мая 2019".
    "ru": "января февраля марта апреля мая июня июля августа сентября октября "
          "ноября декабря",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre "
          "noviembre diciembre",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre "
          "novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober "
          "November Dezember",
}
_DATE_PATTERNS = {
    "en": "{d} {m} {y}", "ru": "{d} {m} {y}", "es": "{d} de {m} de {y}",
    "fr": "{d} {m} {y}", "de": "{d}. {m} {y}",
}

# (one, few, many): Russian picks by the last digits; others use one/many.
_DAY_WORDS = {
    "en": ("day", "days", "days"),
    "ru": ("день", "дня", "дней"),
    "es": ("día", "días", "días"),
    "fr": ("jour", "jours", "jours"),
    "de": ("Tag", "Tage", "Tage"),
}

# Subject, object, possessive for each pronoun set, per language.
PRONOUN_FORMS = {
    "en": {"he": ("he", "him", "his"), "she": ("she", "her", "her"),
           "they": ("they", "them", "their")},
    "ru": {"he": ("он", "его", "его"), "she": ("она", "её", "её"),
           "they": ("они", "их", "их")},
}
_PRONOUN_KEYS = {
    "he": "he", "him": "he", "his": "he", "он": "he",
    "she": "she", "her": "she", "hers": "she", "она": "she",
    "they": "they", "them": "they", "their": "they", "они": "they",
    "it": "he", "its": "he",  # an organisation: singular verbs (by_pronoun's first form); case.he/his say it/its
}


def longdate(value: dt.date, language: str) -> str:
    """21 May 2019 / 21 мая 2019; ISO 8601 for languages without a table."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise TypeError(f"longdate needs a date, not {type(value).__name__}")
    if language not in _MONTHS:
        return value.isoformat()
    month = _MONTHS[language].split()[value.month - 1]
    return _DATE_PATTERNS[language].format(d=value.day, m=month, y=value.year)


def days(count: int, language: str) -> str:
    """'1 day', '3 days'; '1 день', '3 дня', '5 дней'."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"days needs a whole number, not {type(count).__name__}")
    one, few, many = _DAY_WORDS.get(language, _DAY_WORDS["en"])
    if language == "ru":
        return f"{count} {_russian_plural(count, one, few, many)}"
    return f"{count} {one if abs(count) == 1 else many}"


def _russian_plural(count: int, one: str, few: str, many: str) -> str:
    last_two, last = abs(count) % 100, abs(count) % 10
    if last == 1 and last_two != 11:
        return one
    if 2 <= last <= 4 and not 12 <= last_two <= 14:
        return few
    return many


def pronoun_set(pronouns: str | None) -> str:
    """'he/him' -> 'he', 'she/her' -> 'she'; anything else -> 'they'."""
    first = str(pronouns or "").split("/")[0].strip().lower()
    return _PRONOUN_KEYS.get(first, "they")


def pronoun_forms(pronouns: str | None, language: str) -> dict[str, str]:
    """case.he / case.him / case.his in `language` (English if no table).

    A set we do not know ("ze/hir") keeps the person's own words in
    English: subject and object as written, possessive = third part or object.
    """
    key = pronoun_set(pronouns)
    parts = [p.strip() for p in str(pronouns or "").split("/") if p.strip()]
    if language == "en" and key == "they" and parts and parts[0].lower() not in _PRONOUN_KEYS:
        subject, obj = parts[0], parts[1] if len(parts) > 1 else parts[0]
        return {"he": subject, "him": obj, "his": parts[2] if len(parts) > 2 else obj}
    table = PRONOUN_FORMS.get(language, PRONOUN_FORMS["en"])
    return dict(zip(("he", "him", "his"), table[key]))
