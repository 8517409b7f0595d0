"""What kind of document this is: a new Urgent Action, an update, the final
update that closes the case, news about a person, or none of these."""

from __future__ import annotations

import bisect
import itertools
import re

from advocate.ingest import labels
from advocate.ingest.found import Found

# Every language's phrases come from labels/<lang>.toml.
_UA_NUMBER_HEAD = re.compile(r"^\W*(?:UA|AU)\s*:?\s*\d")
_INSTRUCTION_LENGTH = 160  # a cue counts on an instruction line, not inside a news paragraph


def _ua_header(line: str) -> bool:
    return bool(labels.heading("ua_heading").search(line) or _UA_NUMBER_HEAD.search(line)
                or labels.heading("update_heading").search(line))


_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+|$)")


def find_closure(lines: list[str]) -> Found | None:
    """The sentence saying no further action is requested, or the 'final output' line.

    The text is searched once, its lines joined by newlines (which the
    phrases' spaces match), so a phrase wrapped onto the next line is found
    and the time stays linear in the text's length."""
    text = "\n".join(lines)
    starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    for pattern, confidence in ((labels.search("closure"), 1.0), (labels.search("final_heading"), 0.8)):
        match = pattern.search(text)
        if match:
            i = bisect.bisect_right(starts, match.start()) - 1
            joined = _with_next(lines, i)
            return Found(_sentence_at(joined, match.start() - starts[i]), i, confidence)
    return None


def _with_next(lines: list[str], i: int, more: int = 3) -> str:
    """The line and the lines of its paragraph that follow, up to `more`."""
    joined = lines[i]
    for line in lines[i + 1: i + 1 + more]:
        if not line or not joined:
            break
        joined += " " + line
    return joined


def _sentence_at(line: str, position: int) -> str:
    for sentence in _SENTENCE.finditer(line):
        if sentence.start() <= position < sentence.end():
            return sentence.group(0).strip()
    return line.strip()


def action_continues(lines: list[str], has_deadline: bool) -> bool:
    continues = labels.search("continues")
    return has_deadline or any(continues.search(line) for line in lines)


def is_urgent_action(lines: list[str], has_deadline: bool) -> bool:
    """A UA header near the top, or a request to act (appeals, a deadline)."""
    top = [line for line in lines if line][:15]
    if any(_ua_header(line) for line in top):
        return True
    cue = labels.search("action_cue")
    return has_deadline or any(cue.search(line) for line in lines if len(line) <= _INSTRUCTION_LENGTH)


def is_update(lines: list[str]) -> bool:
    """An update heading ('URGENT ACTION UPDATE', 'mise à jour'), or 'further
    information on' followed by a UA number: bare, those words head the
    background section of many initial UAs."""
    update, of = labels.search("update_heading"), labels.search("update_of")
    for line in lines:
        if update.search(line):
            return True
        for match in of.finditer(line):
            if _UA_REFERENCE.match(line, match.end(), match.end() + 60):
                return True
    return False


_UA_REFERENCE = re.compile(r"(?i)\W{0,3}(?:UA|AU|urgent\s+action|acci[oó]n\s+urgente|action\s+urgente"
                           r"|a[çc][ãa]o\s+urgente|azione\s+urgente|срочн\w*\s+акци\w*|eilaktion)?\W{0,3}\d{1,4}\s*[/.]\s*\d{2}"
                           r"|\W{0,3}(?:UA|AU)\b")


def decide_kind(lines: list[str], closure: Found | None, has_deadline: bool,
                has_person: bool) -> str:
    """initial | update | final | news | unknown."""
    if closure and not action_continues(lines, has_deadline):
        return "final"
    if is_urgent_action(lines, has_deadline) or closure:
        return "update" if closure or is_update(lines) else "initial"
    return "news" if has_person else "unknown"
