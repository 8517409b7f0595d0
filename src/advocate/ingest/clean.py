"""Remove conversion debris from text without changing its line count,
so that line numbers found later still point at the right line."""

from __future__ import annotations

import re

# Word bookmarks that converters leave behind: "[bookmark: _GoBack]".
_BOOKMARK = re.compile(r"\[bookmark:\s*[^\]]*\]", re.IGNORECASE)
# Zero-width characters, soft hyphens and the BOM: invisible, but they
# break word matching ("Bil\u00adash").
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Control characters other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")


def clean_line(line: str) -> str:
    """One line without debris, invisible characters or doubled spaces."""
    line = _BOOKMARK.sub("", line)
    line = _INVISIBLE.sub("", line)
    line = _CONTROL.sub("", line)
    return _SPACES.sub(" ", line).strip()


def clean_lines(text: str) -> list[str]:
    """The text's lines, each cleaned; as many lines as the text has."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [clean_line(line) for line in text.split("\n")]


def tidy_text(text: str) -> str:
    """Clean text for storing: debris removed, at most one blank line in a row."""
    tidy: list[str] = []
    for line in clean_lines(text):
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    while tidy and not tidy[-1]:
        tidy.pop()
    return "\n".join(tidy) + "\n" if tidy else ""
