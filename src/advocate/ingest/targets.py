"""The officials to write to: the block after 'TAKE ACTION' / 'PLEASE SEND
APPEALS ... TO:' and the copies under 'ADDITIONAL TARGETS' / 'Also send
copies to'. Each block is cut into targets, and each target into fields."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from advocate.ingest import labels
from advocate.ingest.blocks import is_instruction
from advocate.ingest.contacts import read_contacts
from advocate.ingest.model import ParsedTarget
from advocate.ingest.target_fields import describe

_PRIMARY = re.compile(
    r"(?i)take\s+action\s*:|send\s+appeals\b.*\bto\s*:?\s*$|env[ií]en\s+(?:sus\s+)?llamamientos"
    r"|escriban\s+a\b|envoyez\s+(?:vos\s+)?appels|[ée]crivez\s+[àa]\b|schreiben\s+sie\b.*\ban\s*:?"
    r"|appelle\s+an\b|bitte\s+schreiben")
_INLINE = re.compile(r"(?i)^\s*(?:write\s+to|appeals?\s+to|contact|escriban\s+a|[ée]crivez\s+[àa]"
                     r"|schreiben\s+sie\s+an)\s*:\s*")
_ADDITIONAL = re.compile(
    r"(?i)additional\s+targets?|(?:also\s+send|and)\s+copies\s+to|^\s*copies\s+to|copias?\s+a\s*:?"
    r"|env[ií]en\s+copias|copies?\s+[àa]\s*:?|kopien\s+an|destinatarios\s+adicionales"
    r"|autres\s+destinataires|weitere\s+adressaten")
_COPY_INTRO = re.compile(
    r"(?i)^.*?(?:additional\s+targets?|copies\s+to|copias?\s+a|env[ií]en\s+copias\s+a|copies?\s+[àa]"
    r"|kopien\s+an|destinatarios\s+adicionales|autres\s+destinataires|weitere\s+adressaten)"
    r"(?:[^.:]*?(?:representa|your\s+country|su\s+pa[ií]s|votre\s+pays|ihrem\s+land)[^.:]*)?[.:]?\s*")
_END = re.compile(
    r"(?i)^\W*(?:additional\s+information|background|informaci[oó]n\s+(?:adicional|complementaria)"
    r"|informations?\s+compl[ée]mentaires?|hintergrund|social\s+media|redes\s+sociales"
    r"|r[ée]seaux\s+sociaux|preferred\s+language|idioma|langue|sprache|please\s+take\s+action"
    r"|names?\s+and|nombres?\s+y|noms?\s+et|namen?\s+und|(?:please\s+)?check\s+with|yours\s+sincerely"
    r"|atentamente|veuillez|mit\s+freundlichen|this\s+urgent\s+action\s+expires|suggested|messaging"
    r"|(?:ai-?)?index\s*:|[íi]ndice\s*:)")
_DATE_LINE = re.compile(r"(?i)^(?:date|fecha|datum)\s*:")
_AFTERWORD = re.compile(r"(?i)\s*\b(?:please|por\s+favor|veuillez|bitte)\b[^@]*$")
_MAX_LINES = 40


@dataclass
class Draft:
    """The lines of one target as they are read."""

    start: int
    texts: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    faxes: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    salutation: str | None = None

    @property
    def has_contact(self) -> bool:
        return bool(self.emails or self.faxes or self.handles)

    @property
    def empty(self) -> bool:
        return not (self.texts or self.has_contact)


def find_targets(lines: list[str]) -> tuple[list[ParsedTarget], int | None]:
    """Every target, primary ones first, and the line where the first was found."""
    targets: list[ParsedTarget] = []
    first: int | None = None
    for start, additional in _block_starts(lines):
        for draft in _read_block(lines, start, additional):
            target = describe(draft, additional)
            if target and not _already(target, targets) and not _is_sender(target):
                targets.append(target)
                first = draft.start if first is None else first
    targets.sort(key=lambda t: t.additional)
    return targets, first


def _block_starts(lines: list[str]) -> list[tuple[int, bool]]:
    starts = []
    for i, line in enumerate(lines):
        if (_ADDITIONAL.search(line) or labels.heading("additional_targets").search(line)) and len(line) < 400:
            starts.append((i, True))
        elif _PRIMARY.search(line) or _INLINE.match(line) or _target_heading(line):
            starts.append((i, False))
    return _drop_nested(starts)


def _target_heading(line: str) -> bool:
    """'ACTÚEN: ESCRIBAN UN LLAMAMIENTO...', 'APPELLI A:', 'Write an appeal in
    your own words': a short line opening with a phrase of labels' `target`."""
    if len(line) > _HEADING_LENGTH:
        return False
    if labels.heading("target").search(line):
        return True
    # 'POR FAVOR, ENVIE APELOS ANTES DE 3 DE DEZEMBRO DE 2010 PARA:'
    return line.rstrip().endswith(":") and bool(_target_end().search(line)
                                                 and labels.search("action_words").search(line))


@functools.cache
def _target_end() -> re.Pattern:
    return re.compile(rf"(?<!\w){labels.alternation('target_end')}\s*:\s*$", re.IGNORECASE)


_HEADING_LENGTH = 200


def _drop_nested(starts: list[tuple[int, bool]]) -> list[tuple[int, bool]]:
    """'ADDITIONAL TARGETS' followed by 'Also send copies to' is one block."""
    kept: list[tuple[int, bool]] = []
    for i, additional in starts:
        if kept and kept[-1][1] == additional and i - kept[-1][0] <= 2:
            continue
        kept.append((i, additional))
    return kept


# 'Amnesty International, Sektion der Bundesrepublik Deutschland e.V.': who sends the UA.
_SENDER = re.compile(r"(?i)\b(?:amnesty|amnist[íi]a|anistia|amnistie)\s+(?:international|internacional|internazionale)\b")


def _is_sender(target: ParsedTarget) -> bool:
    return not (target.email or target.fax or target.handle) and bool(
        _SENDER.search(" ".join(filter(None, (target.name, target.title, target.address)))))


def _already(target: ParsedTarget, targets: list[ParsedTarget]) -> bool:
    return any((t.name, t.email, t.fax) == (target.name, target.email, target.fax) for t in targets)


def _read_block(lines: list[str], start: int, additional: bool) -> list[Draft]:
    drafts = [Draft(start)]
    blank_before = False
    for i in range(start, min(len(lines), start + _MAX_LINES)):
        line = lines[i]
        if i == start or _ADDITIONAL.search(line) or _INLINE.match(line):
            line = _opening(line, additional and not _INLINE.match(line))
        if i > start and is_instruction(lines[i]) and not _INLINE.match(lines[i]):
            continue  # 'Write an appeal in your own words or use the model letter below.'
        if i > start and _ends_block(lines[i], additional):
            break
        if not line or _DATE_LINE.match(line) or _is_placeholder(line):
            blank_before = blank_before or not line
            continue
        _add_line(drafts, i, _AFTERWORD.sub("", line) if i > start or additional else line,
                  blank_before)
        blank_before = False
    return [d for d in drafts if not d.empty]


_COLUMNS = {"name", "address", "fax", "email", "e-mail", "salutation", "phone", "number", "nombre", "dirección",
            "correo", "saludo", "nom", "adresse", "courriel", "anrede", "nome", "indirizzo", "endereço"}


def _is_placeholder(line: str) -> bool:
    """'Name Address 1 Address 2 ... Fax Fax number Email Email address Salutation
    Salutation': a form's empty row for local addresses, no one to write to."""
    if "@" in line or len(line) > 200 or re.search(r"\d\d", line):
        return False
    words = [w.strip(".,:;()").lower() for w in line.split()]
    return len(set(words) & _COLUMNS) >= 3 and sum(w in _COLUMNS or w.isdigit() for w in words) >= 0.7 * len(words)


def _opening(line: str, additional: bool) -> str:
    """What follows the cue on the block's first line, if it is a target."""
    if additional:
        rest = _COPY_INTRO.sub("", line, count=1).strip()
        heading = labels.heading("additional_targets").match(rest)  # 'Sende eine Kopie an', 'Com cópia para:'
        return rest[heading.end():].lstrip(" :.").strip() if heading and rest == line.strip() else rest
    inline = _INLINE.match(line)
    return line[inline.end():].strip() if inline else ""


def _ends_block(line: str, additional: bool) -> bool:
    if _END.search(line) or labels.heading("block_end").search(line) or labels.heading("social_media").search(line):
        return True
    if not additional and (_ADDITIONAL.search(line) or labels.heading("additional_targets").search(line)):
        return True
    if additional and (_PRIMARY.search(line) or _target_heading(line)):
        return True
    return _is_prose(line)


def _is_prose(line: str) -> bool:
    contacts = read_contacts(line)
    if contacts.any or contacts.salutation:
        return False
    words = line.split()
    return len(line) > 150 or (len(words) >= 12 and line.rstrip().endswith((".", "!", "?")))


def _add_line(drafts: list[Draft], i: int, line: str, blank_before: bool) -> None:
    found = read_contacts(line)
    draft = drafts[-1]
    if found.salutation:
        _attach_salutation(drafts, found.salutation)
        return
    if found.any and not found.rest and draft.salutation:
        draft.emails += found.emails  # "X: @name" printed after the salutation
        draft.faxes += found.faxes
        draft.handles += found.handles
        return
    starts_new = draft.salutation or (found.rest and not found.any and draft.has_contact)
    if starts_new:
        draft = Draft(i)
        drafts.append(draft)
    if found.rest:
        draft.texts.append(found.rest)
    draft.emails += found.emails
    draft.faxes += found.faxes
    draft.handles += found.handles


def _attach_salutation(drafts: list[Draft], salutation: str) -> None:
    draft = drafts[-1]
    if draft.empty and len(drafts) > 1 and not drafts[-2].salutation:
        draft = drafts[-2]
    if not draft.salutation:
        draft.salutation = salutation
