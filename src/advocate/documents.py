"""Apply an ingested document to the cases: create, update, close or record.

Everything one document does happens in one transaction, so a failure
leaves nothing half-written, and the document row says what it changed.

A readable document is never turned away: what cannot start or change a
campaign (a final update or news about a case not in the database, a text
that reads as no Urgent Action) is recorded, with a note saying what to do.
An initial UA or an update for a case not in the database creates the case;
a final update recorded earlier for that case closes it at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from . import cases
from . import models as m
from .db import dumps, loads, write
from .errors import IngestError
from .events import log_event
from .ingest.model import CaseKey, DocumentText, ParsedDocument
from .timefmt import to_db


@dataclass
class IngestOutcome:
    file: str
    kind: str
    action: str  # created | updated | closed | unchanged | recorded
    case_id: int | None
    document_id: int | None
    parsed: ParsedDocument | None = None
    changes: dict = field(default_factory=dict)
    link_reason: str | None = None
    notes: list[str] = field(default_factory=list)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ingest_text(db, now: dt.datetime, name: str, document: DocumentText, *, case_id: int | None = None,
                overrides: dict | None = None, fallback_zone: str = "UTC", record_unknown: bool = True,
                parsed: ParsedDocument | None = None) -> IngestOutcome:
    """Store one document and apply it. Raises IngestError (writing nothing) only for a text that
    reads as no UA when `record_unknown` is False (a feed's other posts) or for a bad --case.
    `parsed` is parse_ua(document.text) when the caller has it already (parsed in a worker)."""
    digest = sha256(document.text)
    if parsed is None:  # parsed before the transaction: it can take a while, and reads nothing
        from .ingest import parse_ua

        parsed = parse_ua(document.text)
    if overrides:
        parsed = _with_overrides(parsed, overrides)
    with write(db):  # the duplicate check and the changes in one transaction: two ingests of a file can't race
        seen = next(iter(db.query("SELECT id, kind, case_id FROM documents WHERE sha256 = ?", [digest])), None)
        if seen and not (seen["case_id"] is None and case_id is not None):  # a recorded document may be attached later
            return IngestOutcome(name, seen["kind"], "unchanged", seen["case_id"], seen["id"], notes=["this document was ingested before; nothing changed"])
        if parsed.kind == "unknown" and not record_unknown and case_id is None:
            raise IngestError(f"{name}: does not read as an Urgent Action or as news about a case (no UA heading, no person named); nothing was stored")
        outcome = _apply(db, now, name, parsed, case_id, overrides or {}, fallback_zone)
        outcome.document_id = _store_document(db, now, name, document, digest, outcome, seen["id"] if seen else None)
        if outcome.kind == "news" and outcome.case_id is not None:
            _flag_release(db, now, document.text, outcome)
        if outcome.action == "created":
            _adopt_orphans(db, now, outcome)
    return outcome


def _flag_release(db, now, text: str, outcome: IngestOutcome) -> None:
    """News that the person was released flags the case for a human; it never closes it."""
    from .ingest.release import release_sentence

    assert outcome.case_id is not None  # news about a known case only
    case = cases.get_case(db, outcome.case_id)
    names = [n for n in (case["person"], case["subject_name"], *loads(case["persons"], [])) if n]
    sentence = release_sentence(text, names)
    if sentence and cases.flag_for_confirmation(db, now, case["id"], f"news says released: {sentence[:120]}", outcome.document_id):
        outcome.notes.append(f"this news says the person was released: stop with 'advocate case close {case['id']} --reason released' "
                             f"or go on with 'advocate case keep {case['id']}'")


def _with_overrides(parsed: ParsedDocument, overrides: dict) -> ParsedDocument:
    values: dict[str, Any] = {k: (dt.date.fromisoformat(v) if k in ("deadline", "issued") else v)
                              for k, v in overrides.items() if hasattr(parsed, k)}
    return dataclasses.replace(parsed, **values)


def _apply(db, now, name, parsed: ParsedDocument, case_id, overrides, fallback_zone) -> IngestOutcome:
    candidates: list[int] = []
    if case_id is None:
        link = _link(db, parsed)
        case_id, link_reason, candidates = link.case_id, link.reason, ([] if link.case_id else link.candidates)
    else:
        cases.get_case(db, case_id)
        link_reason = "attached by the user (--case)"
    outcome = IngestOutcome(name, parsed.kind, "recorded", case_id, None, parsed, link_reason=link_reason)
    if case_id is not None and parsed.kind == "final":
        outcome.action = "closed"
        outcome.changes = _close(db, now, case_id, parsed, outcome)
    elif parsed.kind in ("news", "unknown") or (case_id is None and (parsed.kind == "final" or candidates)):
        outcome.notes.append(_recorded_note(parsed.kind, case_id, link_reason, candidates))
    elif case_id is None:
        outcome.case_id = _create(db, now, parsed, overrides, fallback_zone, outcome)
        outcome.action = "created"
    else:
        outcome.changes = _update(db, now, case_id, parsed)
        outcome.action = "updated" if outcome.changes else "recorded"
    return outcome


def _recorded_note(kind: str, case_id, link_reason: str, candidates: list[int]) -> str:
    """What a recorded document did (nothing) and how to attach it, in one line."""
    if case_id is not None:
        return "kept as evidence for the case; it starts and changes no campaign"
    attach = f"if it belongs to a case, attach it with 'advocate ingest FILE --case {candidates[0] if len(candidates) == 1 else 'ID'}'"
    if candidates:
        return f"recorded, nothing was started: {link_reason}"
    if kind == "final":
        return ("a final update for a case not in the database: recorded, there is nothing to stop; "
                "if its Urgent Action is ingested later, that case is stored closed")
    if kind == "news":
        return f"news that names no known case: recorded, nothing was started; {attach}"
    return f"does not read as an Urgent Action, an update or news about a case: recorded, nothing was started; {attach}"


def _link(db, parsed: ParsedDocument):
    from .ingest import match_case
    from .link_index import candidates

    return match_case(parsed, candidates(db, parsed))  # only cases sharing a key can weigh anything


def parsed_fields(parsed: ParsedDocument) -> dict:
    fields = {k: getattr(parsed, k) for k in (*m.CASE_FIELDS, "persons") if hasattr(parsed, k)}
    for key in ("issued", "deadline"):
        if fields.get(key):
            fields[key] = fields[key].isoformat()
    return fields


def parsed_targets(parsed: ParsedDocument) -> list[dict]:
    return [dataclasses.asdict(t) for t in parsed.targets]


def parsed_sources(parsed: ParsedDocument) -> dict:
    return {k: dataclasses.asdict(v) for k, v in parsed.sources.items()}


def _create(db, now, parsed: ParsedDocument, overrides: dict, fallback_zone: str, outcome: IngestOutcome) -> int:
    """A new case from what was read, whatever is missing; closed at once when its deadline has passed."""
    fields = {**parsed_fields(parsed), **overrides}
    case_id = cases.create_case(db, now, fields, parsed_targets(parsed), parsed_sources(parsed), overrides, fallback_zone)
    case = cases.get_case(db, case_id)
    if case["deadline_at"] and case["deadline_at"] <= to_db(now):
        cases.close_case(db, now, case_id, m.REASON_DEADLINE, detail=f": {case['deadline']}, before it was ingested")
        outcome.notes.append(f"the deadline {case['deadline']} has passed: case {case_id} is stored closed and will not campaign; "
                             f"to campaign anyway, advocate case edit {case_id} --set deadline=YYYY-MM-DD")
    elif reason := cases.incomplete_reason(case):
        outcome.notes.append(f"{reason}; until then 'advocate schedule' skips it (unless [posting] default_campaign_days is set)")
    return case_id


def _adopt_orphans(db, now, outcome: IngestOutcome) -> None:
    """Finals and news recorded before their case existed join the case just created;
    a final among them closes it, so it never campaigns."""
    from .ingest.link import matching

    case_id, parsed = outcome.case_id, outcome.parsed
    assert case_id is not None and parsed is not None  # only called for a case just created
    orphans = list(db.query("SELECT id, kind, case_key FROM documents WHERE case_id IS NULL AND kind IN ('final', 'news') "
                            "AND case_key IS NOT NULL AND id != ? ORDER BY id", [outcome.document_id]))
    keys = [_orphan_key(row) for row in orphans]
    adopted = [row for row in orphans if row["id"] in matching(parsed, keys)]
    for row in adopted:
        db.execute("UPDATE documents SET case_id = ?, link_reason = ? WHERE id = ?",
                   [case_id, f"recorded before its case existed; joined case {case_id}", row["id"]])
    final = next((row for row in adopted if row["kind"] == "final"), None)
    if final:
        if cases.get_case(db, case_id)["status"] == m.OPEN:
            cases.close_case(db, now, case_id, m.REASON_FINAL, final["id"], detail=f": document {final['id']}, ingested earlier")
        else:  # closed on its passed deadline: a final is the stronger reason, and a new deadline must not re-open it
            db["cases"].update(case_id, {"closed_reason": m.REASON_FINAL, "closed_by_document": final["id"]})
        outcome.notes.append(f"a final update for this case was ingested earlier (document {final['id']}): "
                             f"case {case_id} is stored closed and will not campaign")
    elif adopted:
        outcome.notes.append(f"joined {len(adopted)} document(s) recorded earlier for this case")


def _orphan_key(row: dict) -> CaseKey:
    key = loads(row["case_key"], {})
    return CaseKey(row["id"], key.get("ua_number"), key.get("index_number"), key.get("person"),
                   key.get("persons") or [], None, "open")


def _update(db, now, case_id: int, parsed: ParsedDocument) -> dict:
    case = cases.get_case(db, case_id)
    if case["status"] == m.CLOSED and case["closed_reason"] != m.REASON_DEADLINE:
        return {}  # a late update never re-opens a case closed for good
    fields, targets, sources = parsed_fields(parsed), parsed_targets(parsed) or None, parsed_sources(parsed)
    if _older(parsed, case):  # the case already knows newer facts: the older document only fills gaps
        fields = {k: v for k, v in fields.items() if _unknown(case, k)}
        targets = targets if targets and not cases.targets_of(db, case_id) else None
        sources = {k: v for k, v in sources.items() if k in fields}
    return cases.update_case(db, now, case_id, fields, targets, sources)


def _older(parsed: ParsedDocument, case: dict) -> bool:
    """An initial UA for a case that exists, or a document dated before the case's own date."""
    return parsed.kind == "initial" or bool(parsed.issued and case["issued"] and parsed.issued.isoformat() < case["issued"])


def _unknown(case: dict, key: str) -> bool:
    if key == "deadline" and case["deadline_assumed"]:
        return True
    value = case.get(key)
    return value in (None, "") or (key in m.LIST_FIELDS and not loads(value, []))


def _close(db, now, case_id: int, parsed: ParsedDocument, outcome: IngestOutcome) -> dict:
    case = cases.get_case(db, case_id)
    if case["status"] == m.CLOSED and case["closed_reason"] == m.REASON_FINAL:
        outcome.action = "recorded"
        return {}
    detail = f": {parsed.closure_line}" if parsed.closure_line else ""
    cancelled = cases.close_case(db, now, case_id, m.REASON_FINAL, None, detail=detail[:120])
    outcome.notes.append(f"{cancelled} pending posts cancelled")
    return {"status": [case["status"], m.CLOSED], "cancelled_posts": cancelled}


def _case_key(parsed: ParsedDocument | None) -> str | None:
    if parsed is None:
        return None
    names = [n for n in (parsed.person, getattr(parsed, "subject_name", None), *parsed.persons) if n]
    return dumps({"ua_number": parsed.ua_number, "index_number": parsed.index_number,
                  "person": parsed.person, "persons": list(dict.fromkeys(names))})


def _store_document(db, now, name, document: DocumentText, digest: str, outcome: IngestOutcome, replacing: int | None) -> int:
    row = {
        "sha256": digest, "filename": name, "format": document.format, "kind": outcome.kind,
        "language": outcome.parsed.language if outcome.parsed else None, "text": document.text,
        "case_id": outcome.case_id, "action": outcome.action, "changes": dumps(outcome.changes),
        "link_reason": outcome.link_reason, "ingested_at": to_db(now), "case_key": _case_key(outcome.parsed),
    }
    if replacing is not None:  # a document recorded without a case, now attached with --case
        db["documents"].update(replacing, row)
        doc_id = replacing
    else:
        doc_id = db["documents"].insert(row).last_pk
    if outcome.action == "closed":
        db.execute("UPDATE cases SET closed_by_document = ? WHERE id = ?", [doc_id, outcome.case_id])
    log_event(db, now, "document", f"{name}: {outcome.kind}, {outcome.action} case {outcome.case_id}", case_id=outcome.case_id, document_id=doc_id)
    return doc_id


def documents_of(db, case_id: int) -> list[dict]:
    return list(db.query("SELECT id, filename, format, kind, action, changes, link_reason, ingested_at FROM documents WHERE case_id = ? ORDER BY id", [case_id]))


def first_language(db, case_id: int) -> str | None:
    """The language of the case's first document (its Urgent Action), or None."""
    row = db.execute("SELECT language FROM documents WHERE case_id = ? AND language IS NOT NULL ORDER BY id LIMIT 1",
                     [case_id]).fetchone()
    return row[0] if row else None
