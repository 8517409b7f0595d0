"""The variables a template sees, built from a case and one of its targets.

The context is plain data (JSON-friendly); the few helpers that need logic
are filters and functions of the sandbox (see render.py), listed here too
so that `advocate messages vars` and the README show one list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .formats import pronoun_forms, pronoun_set
from .roles import role_forms

TEMPLATE_VARIABLES: list[tuple[str, str]] = [
    ("case.name", "The name posts use: a person's name, a group as the UA words it ('twelve protesters'), "
                  "an organisation's name"),
    ("case.Name", "case.name with its first letter in upper case, to start a sentence ('Twelve protesters are...')"),
    ("case.kind", "Who the case is for: 'person', 'group' or 'organisation'"),
    ("case.role", "What the person is, in the template's language, agreeing with the pronouns: 'journalist', "
                  "'журналистка'; plural for a group ('students', 'студенты'); none when the UA does not say"),
    ("case.a_role", "The role as a noun phrase: 'a journalist', 'an activist', 'students' (English articles); "
                    "same as case.role in other languages; none without a role"),
    ("case.Role", "case.role with its first letter in upper case: 'Журналистка Jane Doe...'"),
    ("case.role_key", "The role as stored (English, lower case), for conditions: {% if case.role_key == 'lawyer' %}"),
    ("case.person", "Name of the person at risk, as the UA writes it (for a group or organisation: case.name)"),
    ("case.pronouns", "Their pronouns as the UA gives them, e.g. 'he/him'; 'they/them' for a group; "
                      "for an organisation 'it/its' (Russian: 'она/её', agreeing with «организация»)"),
    ("case.he", "Subject pronoun in the template's language: he / she / they / it; он / она / они"),
    ("case.him", "Object pronoun: him / her / them / it; его / её / их"),
    ("case.his", "Possessive: his / her / their / its; его / её / их"),
    ("case.country", "Country of the case (English name)"),
    ("case.ua_number", "The UA's number, e.g. 'UA 46/19'"),
    ("case.hashtags", "The UA's hashtags, each with '#': use case.hashtags[:2]|join(' ')"),
    ("case.handles", "@handles the UA names (targets and allies); never mention them in bulk"),
    ("case.languages", "Languages the UA prefers for addressing the target"),
    ("target.name", "Name of the official addressed (target may be none: test {% if target %})"),
    ("target.title", "Their title, e.g. 'Prosecutor General'"),
    ("target.handle", "Their @handle on the post's network, or none; only in templates with mentions_target = true"),
    ("target.mention", "Their @handle on the post's network, or their name where they have none there; "
                       "only in templates with mentions_target = true"),
    ("deadline", "The action deadline (a date) or none"),
    ("days_left", "Whole days until the deadline: 0 on its last day; none without a deadline"),
    ("url", "Link to the UA or none"),
    ("org", "Name of the organisation or group posting"),
    ("language", "The template's language code, e.g. 'en'"),
    ("keep.<part>", "True while optional part <part> is kept; turned off in order to fit"),
    ("deadline|longdate", "The date written out: '21 May 2019', '21 мая 2019'"),
    ("days_left|days", "A count of days with the right plural: '2 days', '2 дня', '5 дней'"),
    ("by_pronoun(he, she, they)", "Pick the word agreeing with case.pronouns, e.g. "
                                  "by_pronoun('задержан', 'задержана', 'задержаны')"),
]


def build_context(
    case: dict,
    target: dict | None,
    *,
    deadline: dt.date | None,
    days_left: int | None,
    url: str | None,
    org: str,
) -> dict:
    """The template context for one case and target (English pronoun forms)."""
    return {
        "case": _case_vars(case),
        "target": _target_vars(target),
        "deadline": deadline,
        "days_left": days_left,
        "url": url or None,
        "org": org,
        "language": "en",
    }


def for_language(context: dict, language: str) -> dict:
    """A copy of `context` with pronouns and name in `language`.

    An optional case["names"] = {"ru": "Серикжан Билаш"} gives the name in
    another script; without it the UA's spelling is used everywhere.
    """
    localized = {**context, "language": language}
    case = context.get("case")
    if isinstance(case, dict):
        given = case.get("names")
        names: dict = given if isinstance(given, dict) else {}
        name = names.get(language, case.get("name"))
        pronouns = _ORGANISATION_PRONOUNS.get(language, "it/its") if case.get("kind") == "organisation" else case.get("pronouns")
        localized["case"] = {
            **case,
            "pronouns": pronouns,
            **_subject_vars(case.get("kind"), pronouns, case.get("role_key"), language),
            "name": name,
            "Name": name[:1].upper() + name[1:] if name else name,
            "person": names.get(language, case.get("person")),
        }
    return localized


# Organisations: "it" in English; in Russian the forms agree with «организация» (feminine),
# which is how the shipped templates name one: организация «{{ case.name }}».
_ORGANISATION_FORMS = {"en": ("it", "it", "its"), "ru": ("она", "её", "её")}
_ORGANISATION_PRONOUNS = {"en": "it/its", "ru": "она/её"}  # what by_pronoun() agrees with


def _subject_vars(kind: str | None, pronouns: str | None, role: str | None, language: str) -> dict[str, Any]:
    """Pronouns and role in `language`, agreeing with the subject: a person, a group, an organisation."""
    if kind == "organisation":
        forms = dict(zip(("he", "him", "his"), _ORGANISATION_FORMS.get(language, _ORGANISATION_FORMS["en"]), strict=True))
    else:
        forms = pronoun_forms(pronouns, language)
    number = {"group": "plural", "organisation": "he"}.get(kind or "person") or pronoun_set(pronouns)
    return {**forms, **role_forms(role, language, number)}


def _case_vars(case: dict) -> dict[str, Any]:
    kind = case.get("subject_kind") or "person"
    # A group is "they"; by_pronoun() picks the plural forms for it.
    pronouns = {"group": "they/them", "organisation": "it/its"}.get(kind) or case.get("pronouns")
    name = case.get("subject_name") or case.get("person")
    role = case.get("role")
    if kind == "group" and role and role.lower() in (name or "").lower():
        role = None  # "twelve protesters" needs no ", protesters,"
    return {
        "name": name,
        "Name": name[:1].upper() + name[1:] if name else name,
        "kind": kind,
        "role_key": role,
        "person": case.get("person") or name,
        "pronouns": pronouns,
        **_subject_vars(kind, pronouns, role, "en"),
        "country": case.get("country"),
        "ua_number": case.get("ua_number"),
        "hashtags": [_with_sigil(t, "#") for t in case.get("hashtags") or []],
        "handles": [_with_sigil(h, "@") for h in case.get("handles") or []],
        "languages": list(case.get("languages") or []),
        "names": dict(case.get("names") or {}),
    }


def _target_vars(target: dict | None) -> dict | None:
    if target is None:
        return None
    handle = target.get("handle")
    handle = _with_sigil(handle, "@") if handle else None
    return {
        "name": target.get("name"),
        "title": target.get("title"),
        "handle": handle,
        "mention": handle or target.get("title") or target.get("name"),
    }


def _with_sigil(word: str, sigil: str) -> str:
    word = str(word).strip()
    return word if word.startswith(sigil) else sigil + word
