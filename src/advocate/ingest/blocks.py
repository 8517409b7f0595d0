"""The structure of a document's lines, read before any field: headings,
'label: value' pairs, table rows, instructions to the reader.

Finders ask these questions of a line instead of guessing from its words,
so that a heading ("USING THIS MODEL LETTER", wrapped from the line above)
is never read as a name, and a value in a table cell is read like a
labelled one.
"""

from __future__ import annotations

import functools
import re

from advocate.ingest import labels

_LETTERS = re.compile(r"[^\W\d_]")
_LOWER = re.compile(r"[^\W\d_]")
_CELL_SPLIT = re.compile(r"\s*(?:\||\t)\s*")
_MAX_HEADING_WORDS = 14


def is_heading(line: str) -> bool:
    """A short line in capitals ('HUMAN RIGHTS DEFENDER UNDER HOUSE ARREST'),
    or one that starts with a known heading phrase and ends without a full stop."""
    text = line.strip()
    words = text.split()
    if not words or len(words) > _MAX_HEADING_WORDS or text.endswith((".", ",", ";")):
        return False
    letters = _LETTERS.findall(text)
    if len(letters) >= 4 and not any(c.islower() for c in letters):
        return True
    return any(labels.heading(key).search(text) for key in _HEADING_KEYS)


_HEADING_KEYS = ("ua_heading", "update_heading", "social_media", "block_end")


def is_instruction(line: str) -> bool:
    """A line telling the reader what to do ('USING THIS MODEL LETTER',
    'write an appeal in your own words'), holding no contact detail."""
    if len(line) > 160 or "@" in line or any(c.isdigit() for c in line):
        return False
    if labels.search("action_cue").search(line):
        return True
    words = {w.strip(".,:;()").lower() for w in line.split()}
    return len(words & heading_words()) >= 2 and is_heading(line)


@functools.cache
def heading_words() -> frozenset[str]:
    """Words of headings and instructions, never a person's name, lower-cased."""
    return frozenset(w.lower() for w in labels.phrases("not_names"))


def cells(line: str) -> list[str]:
    """A table row ('UA | 46/19 | EUR 57/0123/2019') as its cells; a plain line as itself."""
    parts = [p for p in _CELL_SPLIT.split(line) if p]
    return parts or [line]
