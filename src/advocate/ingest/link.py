"""Which existing case an update, final update or news item belongs to.

Evidence is weighed, never trusted alone: UA numbers are misprinted
('46/16' for '46/19') or missing, and names are transliterated in several
ways. When two cases fit, or the evidence is thin, no case is chosen and
the user is asked to pick one.
"""

from __future__ import annotations

from dataclasses import dataclass

from advocate.ingest.model import CaseKey, LinkResult, ParsedDocument
from advocate.ingest.spelling import name_key, name_match

ACT_ON = 0.8      # confidence needed to attach without asking
PLAUSIBLE = 0.5   # a case worth naming as a candidate
TIE = 0.1         # two cases this close are a tie


@dataclass
class Evidence:
    case: CaseKey
    score: float
    reasons: list[str]
    kinds: list[str]   # 'UA number', 'index number', 'name'


def match_case(doc: ParsedDocument, cases: list[CaseKey]) -> LinkResult:
    """The case this document belongs to, or None with candidates and why."""
    weighed = sorted((_weigh(doc, case) for case in _could_match(doc, cases)), key=lambda e: -e.score)
    plausible = [e for e in weighed if e.score >= PLAUSIBLE]
    if not plausible:
        return LinkResult(None, weighed[0].score if weighed else 0.0, _no_match(doc), [])
    best = plausible[0]
    rivals = [e for e in plausible[1:] if e.score > best.score - TIE]
    if rivals:
        return _ambiguous([best] + rivals)
    if best.score < ACT_ON:
        return LinkResult(None, best.score, f"only weak evidence for case {best.case.id} "
                          f"({'; '.join(best.reasons)}); attach it with --case {best.case.id}",
                          [best.case.id])
    return LinkResult(best.case.id, round(best.score, 2), "; ".join(best.reasons), [best.case.id])


def matching(doc: ParsedDocument, cases: list[CaseKey]) -> list[int]:
    """Every case (or recorded document's key) this document surely belongs with, by id."""
    return [case.id for case in _could_match(doc, cases) if _weigh(doc, case).score >= ACT_ON]


def _could_match(doc: ParsedDocument, cases: list[CaseKey]) -> list[CaseKey]:
    """The cases with any evidence at all (a key in common): every other case
    weighs 0. A cheap pass over the cases before the full weighing."""
    ours = document_keys(doc)
    return [case for case in cases if ours & case_keys(case)]


def link_keys(index_number: str | None, ua_numbers: list[str | None], names: list[str | None]) -> set[str]:
    """What a document and a case must share for any evidence to link them: the
    index number ('i:ASA17/023/2005'), a UA serial ('s:112'; '46/16' may be a
    misprint of '46/19'), a folded name word ('n:bilash'). The database files
    each case under these keys (advocate.link_index), so a document's candidate
    cases are looked up, never found by reading every case."""
    keys = {f"s:{n.partition('/')[0]}" for n in ua_numbers if n}
    index = index_number.replace(" ", "").upper() if index_number else ""
    if index:
        keys.add(f"i:{index}")
    for name in names:
        keys.update(f"n:{word}" for word in name_key(name))
    return keys


def document_keys(doc: ParsedDocument) -> set[str]:
    return link_keys(doc.index_number, [doc.ua_number, *doc.references], _names(doc))


def case_keys(case: CaseKey) -> set[str]:
    return link_keys(case.index_number, [case.ua_number], [case.person, *case.persons])


def _weigh(doc: ParsedDocument, case: CaseKey) -> Evidence:
    evidence = Evidence(case, 0.0, [], [])
    for weigh in (_by_index, _by_number, _by_name):
        found = weigh(doc, case)
        if found:
            strength, reason, kind = found
            evidence.score = 1 - (1 - evidence.score) * (1 - strength)
            evidence.reasons.append(reason)
            evidence.kinds.append(kind)
    _doubt(doc, case, evidence)
    return evidence


def _by_index(doc: ParsedDocument, case: CaseKey):
    if doc.index_number and case.index_number and _same_index(doc.index_number, case.index_number):
        return 0.95, f"same index number {case.index_number}", "index number"
    return None


def _same_index(a: str, b: str) -> bool:
    return a.replace(" ", "").upper() == b.replace(" ", "").upper()


def _by_number(doc: ParsedDocument, case: CaseKey):
    if not case.ua_number:
        return None
    printed = [n for n in [doc.ua_number, *doc.references] if n]
    if case.ua_number in printed:
        return 0.9, f"same UA number {case.ua_number}", "UA number"
    for number in printed:
        if _year_typo(number, case.ua_number):
            return 0.4, f"UA number {number} looks like a typo for {case.ua_number}", "UA number"
    return None


def _year_typo(a: str, b: str) -> bool:
    """'46/16' and '46/19': same serial, years one digit apart."""
    serial_a, year_a = a.split("/")
    serial_b, year_b = b.split("/")
    return serial_a == serial_b and sum(x != y for x, y in zip(year_a, year_b, strict=False)) == 1


def _by_name(doc: ParsedDocument, case: CaseKey):
    best, pair = _best_name_pair(doc, case)
    if best >= 1.0:
        return 0.85, f"same person ({pair[1]})", "name"
    if best >= 0.85:
        return 0.75, f"same person ({pair[0]} / {pair[1]})", "name"
    if best >= 0.5:
        return 0.35, f"shares a name with {pair[1]}", "name"
    return None


def _best_name_pair(doc: ParsedDocument, case: CaseKey) -> tuple[float, tuple[str, str]]:
    ours = [n for n in dict.fromkeys(_names(doc)) if n]
    theirs = [n for n in dict.fromkeys([case.person, *case.persons]) if n]
    pairs = [(name_match(a, b), (a, b)) for a in ours for b in theirs]
    return max(pairs, default=(0.0, ("", "")))


def _names(doc: ParsedDocument) -> list[str | None]:
    """The person's names, and a group's or organisation's name (subject_name)."""
    return [doc.person, *doc.persons, getattr(doc, "subject_name", None)]


def _doubt(doc: ParsedDocument, case: CaseKey, evidence: Evidence) -> None:
    """Lower the score when the document contradicts the case."""
    names_known = any(_names(doc)) and (case.person or case.persons)
    if evidence.kinds and "name" not in evidence.kinds and names_known:
        evidence.score *= 0.6
        evidence.reasons.append("but the names differ")
    if (doc.kind in ("update", "final") and doc.issued and case.issued
            and doc.issued < case.issued):
        evidence.score *= 0.5
        evidence.reasons.append(f"but it is dated {doc.issued}, before the case began")


def _ambiguous(tied: list[Evidence]) -> LinkResult:
    ids = [e.case.id for e in tied]
    kinds = sorted({k for e in tied for k in e.kinds}, key=["UA number", "index number", "name"].index)
    listed = ", ".join(str(i) for i in ids[:-1]) + f" and {ids[-1]}"
    return LinkResult(None, round(tied[0].score, 2),
                      f"matches cases {listed} by {' and '.join(kinds)}; attach it with --case ID", ids)


def _no_match(doc: ParsedDocument) -> str:
    who = doc.person or "nobody named"
    number = doc.ua_number or "no UA number"
    return f"no existing case matches ({number}, {who})"
