"""Parameter types shared by the commands: each value is checked where it enters.

An id must fit SQLite's integers (and a --case name a case that exists);
a text must hold no control character.
A failed check is one line (cli.AdvocateGroup turns click's usage errors
into one line naming the parameter).
"""

from __future__ import annotations

import re

import click

MAX_ID = 2**63 - 1  # SQLite's largest integer
_WHOLE = re.compile(r"\+?[0-9]{1,30}")


class IdType(click.ParamType):
    """A row id: a whole number from 1 to SQLite's largest integer."""

    name = "ID"

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not _WHOLE.fullmatch(text):
                self.fail(f"{_shown(value)} is not an id; ids are whole numbers like 12", param, ctx)
            number = int(text)
        if not 1 <= number <= MAX_ID:
            self.fail(f"{_shown(value)} is out of range; ids run from 1 to {MAX_ID}", param, ctx)
        return number


class CaseIdType(IdType):
    """The id of a case that exists (a filter on an unknown case would silently match nothing)."""

    name = "CASE_ID"

    def convert(self, value, param, ctx):
        from ..cases import get_case

        number = super().convert(value, param, ctx)
        app = ctx.find_root().obj if ctx is not None else None
        if app is not None and hasattr(app, "reader"):
            get_case(app.reader(), number)  # NotFound: "case N does not exist", one line
        return number


class TextType(click.ParamType):
    """Free text to store: no control characters; optionally one line, non-empty."""

    name = "TEXT"

    def __init__(self, *, lines: bool = True, empty: bool = True):
        self.lines, self.empty = lines, empty

    def convert(self, value, param, ctx):
        from ..controls import bad_character

        text = str(value)
        bad = bad_character(text, lines=self.lines)
        if bad:
            self.fail(f"{_shown(value)} holds {bad}; remove it", param, ctx)
        if not self.empty and not text.strip():
            self.fail("empty; give a value", param, ctx)
        return text


def _shown(value) -> str:
    text = repr(str(value))
    return text if len(text) <= 40 else text[:37] + "...'"


ID = IdType()
CASE = CaseIdType()
TEXT = TextType()
LINE = TextType(lines=False)


class NumberRange(click.IntRange):
    """click.IntRange written in ASCII digits only (int() would take '٣' for 3)."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not _WHOLE.fullmatch(value.strip().lstrip("-")):
            self.fail(f"{_shown(value)} is not a whole number like 10", param, ctx)
        return super().convert(value, param, ctx)


COUNT = NumberRange(1, 10**9)  # pages, limits: beyond any queue, within SQLite's LIMIT/OFFSET
DAYS = NumberRange(0, 3650)
