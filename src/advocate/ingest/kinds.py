"""What kind of document this is: a new Urgent Action, an update, the final
update that closes the case, news about a person, or none of these."""

from __future__ import annotations

import re

from advocate.ingest.found import Found

_UA_HEADER = re.compile(
    r"(?i)^\W*(?:amnesty\s+international\s+)?(?:urgent\s+action|acci[oó]n\s+urgente|action\s+urgente|eilaktion"
    r"|further\s+information\s+on\s+(?:UA|urgent)|UA\s*:?\s*\d|AU\s*:?\s*\d)"
)
_UA_CUE = re.compile(
    r"(?i)take\s+action|send\s+appeals|this\s+urgent\s+action|write\s+an\s+appeal"
    r"|env[ií]en\s+llamamientos|escriban|act[uú]en|envoyez\s+(?:vos\s+)?appels|agissez"
    r"|schreiben\s+sie|bitte\s+schreiben|appelle\s+bis|model\s+letter|carta\s+modelo"
)
_UPDATE = re.compile(
    r"(?i)further\s+information\s+on|urgent\s+action\s+update|\bUA\s+update|\b(?:first|second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\s+update"
    r"|update\s+(?:of|on|to)\s+UA|follow[- ]up|m[aá]s\s+informaci[oó]n\s+sobre|actualizaci[oó]n"
    r"|compl[ée]ment\s+d['’]information|mise\s+[àa]\s+jour|weitere\s+informationen\s+zu"
    r"|aktualisierung|folgeaktion|(?:second|third|fourth|fifth)\s+output"
)
_CLOSURE = re.compile(
    r"(?i)no\s+further\s+(?:action|appeals?)\s+(?:is\s+|are\s+)?(?:requested|needed|required|necessary)"
    r"|no\s+further\s+action\s+(?:is\s+requested\s+)?from\s+the\s+(?:UA|urgent\s+action)\s+network"
    r"|no\s+se\s+(?:requieren?|necesitan?|solicitan?)\s+m[aá]s\s+(?:acciones|llamamientos)"
    r"|no\s+es\s+necesario\s+(?:realizar|emprender|enviar)\s+m[aá]s"
    r"|aucune\s+(?:autre\s+)?action\s+(?:compl[ée]mentaire\s+|suppl[ée]mentaire\s+)?n['’]est\s+(?:requise|n[ée]cessaire|demand[ée]e)"
    r"|keine\s+weiteren\s+(?:appelle|aktionen|briefe|schreiben)(?:\s+mehr)?\s+(?:erforderlich|nötig|notwendig)"
)
_FINAL_OUTPUT = re.compile(r"(?i)\bfinal\s+(?:output|update)|[úu]ltima\s+actualizaci[oó]n"
                           r"|derni[èe]re\s+mise\s+[àa]\s+jour|letzte\s+aktualisierung")
# Action continuing for someone else: an update, whatever it says about one person.
_CONTINUES = re.compile(
    r"(?i)(?:continue|keep)\s+(?:to\s+)?(?:send|sending|take|taking|write|writing|appeal|campaign)"
    r"|take\s+action|please\s+send\s+appeals|send\s+appeals\s+(?:before|until|as\s+soon)"
    r"|sigan\s+(?:enviando|actuando|escribiendo)|contin[uú]en\s+(?:enviando|actuando|escribiendo)"
    r"|continuez\s+(?:[àa]\s+|d['’])\s*(?:[ée]crire|envoyer|agir)|weiterhin\s+(?:appelle|briefe|schreiben)"
    r"|schreiben\s+sie\s+weiterhin"
)
_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+|$)")


def find_closure(lines: list[str]) -> Found | None:
    """The sentence saying no further action is requested, or the 'final output' line."""
    for pattern, confidence in ((_CLOSURE, 1.0), (_FINAL_OUTPUT, 0.8)):
        for i, line in enumerate(lines):
            joined = _with_next(lines, i)  # the phrase may wrap onto the next line
            match = pattern.search(joined)
            if match and match.start() < len(line):
                return Found(_sentence_at(joined, match.start()), i, confidence)
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
    return has_deadline or any(_CONTINUES.search(line) for line in lines)


def is_urgent_action(lines: list[str], has_deadline: bool) -> bool:
    """A UA header near the top, or a request to act (appeals, a deadline)."""
    top = [line for line in lines if line][:15]
    if any(_UA_HEADER.search(line) for line in top):
        return True
    return has_deadline or any(_UA_CUE.search(line) for line in lines)


def is_update(lines: list[str]) -> bool:
    return any(_UPDATE.search(line) for line in lines)


def decide_kind(lines: list[str], closure: Found | None, has_deadline: bool,
                has_person: bool) -> str:
    """initial | update | final | news | unknown."""
    if closure and not action_continues(lines, has_deadline):
        return "final"
    if is_urgent_action(lines, has_deadline) or closure:
        return "update" if closure or is_update(lines) else "initial"
    return "news" if has_person else "unknown"
