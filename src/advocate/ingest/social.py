"""The social-media guidance: suggested message, hashtags, accounts."""

from __future__ import annotations

import re

from advocate.ingest.contacts import EMAIL, HANDLE
from advocate.ingest.found import Found

HASHTAG = re.compile(r"(?<![\w&/#])#(\w*[^\W\d]\w*)")
_PROFILE = re.compile(r"(?i)\b(?:twitter|x)\.com/(?!intent|share|hashtag|search|home)(\w{1,15})\b")
_MESSAGE_LABEL = re.compile(
    r"(?i)^\W*(?:messaging|share\s+on\s+social\s+media|suggested\s+(?:message|tweet|post)|sample\s+(?:message|tweet|post)"
    r"|example\s+(?:tweet|post)|tweet|mensaje(?:\s+sugerido)?|tuit(?:\s+sugerido)?|publicaci[oó]n\s+sugerida"
    r"|message(?:\s+sugg[ée]r[ée])?|exemple\s+de\s+(?:tweet|message)|tweet\s+sugg[ée]r[ée]"
    r"|vorgeschlagener\s+tweet|tweet-vorschlag|beispiel-?tweet|nachricht)\s*:\s*(.*)$")
_LABELLED = re.compile(r"^[^\s].{0,40}:\s*$|^\W*[\w/ ]{2,30}:\s")
_HEADING = re.compile(r"^[^a-z]{6,}$")


def find_hashtags(lines: list[str]) -> Found | None:
    tags = _unique(f"#{t}" for line in lines for t in HASHTAG.findall(line))
    line = _first_line(lines, HASHTAG)
    return Found(tags, line, 1.0) if tags else None


def find_handles(lines: list[str]) -> Found | None:
    """Every account named, in order, once each (ignoring case)."""
    handles = _unique(h for _, h in _in_line_order(lines))
    line = _first_line(lines, HANDLE)
    return Found(handles, line, 1.0) if handles else None


def _in_line_order(lines: list[str]) -> list[tuple[int, str]]:
    """(line, handle) for @handles and twitter.com/x.com profile links."""
    ordered = []
    for i, line in enumerate(lines):
        bare = EMAIL.sub(" ", line)
        hits = [(m.start(), "@" + m.group(1)) for m in HANDLE.finditer(bare)]
        hits += [(m.start(), "@" + m.group(1)) for m in _PROFILE.finditer(bare)]
        ordered += [(i, h) for _, h in sorted(hits)]
    return ordered


def _unique(values) -> list[str]:
    seen, kept = set(), []
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            kept.append(value)
    return kept


def _first_line(lines: list[str], pattern: re.Pattern) -> int:
    return next((i for i, line in enumerate(lines) if pattern.search(line)), 0)


def find_message(lines: list[str]) -> Found | None:
    """The suggested post: the text after 'Messaging:' / 'Suggested tweet:',
    on the same line or in the paragraph below it."""
    for i, line in enumerate(lines):
        label = _MESSAGE_LABEL.match(line)
        if label:
            text, first = _message_after(lines, i, label.group(1).strip())
            if text:
                return Found(text, first, 1.0)
    return None


def _message_after(lines: list[str], i: int, inline: str) -> tuple[str | None, int]:
    if inline:
        return inline, i
    j = i + 1
    while j < len(lines) and not lines[j]:
        j += 1
    start, body = j, []
    while j < len(lines) and lines[j] and not _ends_message(lines[j]):
        body.append(lines[j])
        j += 1
    # A message wrapped over several lines (a PDF) is one paragraph.
    return (" ".join(body) or None), start


def _ends_message(line: str) -> bool:
    return bool(_LABELLED.match(line) and not HASHTAG.match(line)) or bool(_HEADING.match(line))
