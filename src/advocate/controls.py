"""Which characters a stored text may not hold: control characters and lone surrogates.

A NUL byte, a bell or an escape sequence in a post, a reason or a case
field is never what the coordinator meant (it comes from a broken file or a
paste from a terminal) and some networks refuse it, so texts holding one are
refused where they enter, naming the character. Line breaks and tabs stay.
"""

from __future__ import annotations

import unicodedata

ALLOWED = frozenset("\n\t\r")


def bad_character(text: str, *, lines: bool = True) -> str | None:
    """'U+0000 (a control character)' for the first character `text` may not hold, else None.

    With lines=False a line break is refused too (names, reasons, ids).
    """
    for char in text:
        if char in ALLOWED and (lines or char == "\t"):
            continue
        kind = unicodedata.category(char)
        if kind == "Cc":
            return f"U+{ord(char):04X} (a control character)"
        if kind == "Cs":
            return f"U+{ord(char):04X} (bytes that are not UTF-8)"
    return None
