"""Apply an ingested document to the cases: create, update, close or record.

Everything one document does happens in one transaction, so a failure
leaves nothing half-written, and the document row says what it changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field

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
                overrides: dict | None = None, fallback_zone: str = "UTC") -> IngestOutcome:
    """Store one document and apply it; raises IngestError and writes nothing when it cannot."""
    from .ingest import parse_ua

    digest = sha256(document.text)
    parsed = parse_ua(document.text)  # parsed before the transaction: it can take a while, and reads nothing
    if overrides:
        parsed = _with_overrides(parsed, overrides)
    with write(db):  # the duplicate check and the changes in one transaction: two ingests of a file can't race
        seen = list(db.query("SELECT id, kind, case_id FROM documents WHERE sha256 = ?", [digest]))
        if seen:
            row = seen[0]
            return IngestOutcome(name, row["kind"], "unchanged", row["case_id"], row["id"], notes=["this document was ingested before; nothing changed"])
        if parsed.kind == "unknown":
            raise IngestError(f"{name}: does not read as an Urgent Action or as news about a case (no UA heading, no person named); nothing was stored")
        outcome = _apply(db, now, name, parsed, case_id, overrides or {}, fallback_zone)
        outcome.document_id = _store_document(db, now, name, document, digest, outcome)
        if outcome.kind == "news" and outcome.case_id is not None:
            _flag_release(db, now, document.text, outcome)
    return outcome


def _flag_release(db, now, text: str, outcome: IngestOutcome) -> None:
    """News that the person was released flags the case for a human; it never closes it."""
    from .ingest.release import release_sentence

    case = cases.get_case(db, outcome.case_id)
    sentence = release_sentence(text, [case["person"], *loads(case["persons"], [])])
    if sentence and cases.flag_for_confirmation(db, now, case["id"], f"news says released: {sentence[:120]}", outcome.document_id):
        outcome.notes.append(f"this news says the person was released: stop with 'advocate case close {case['id']} --reason released' "
                             f"or go on with 'advocate case keep {case['id']}'")


def _with_overrides(parsed: ParsedDocument, overrides: dict) -> ParsedDocument:
    values = {k: (dt.date.fromisoformat(v) if k in ("deadline", "issued") else v) for k, v in overrides.items() if hasattr(parsed, k)}
    return dataclasses.replace(parsed, **values)


def _apply(db, now, name, parsed: ParsedDocument, case_id, overrides, fallback_zone) -> IngestOutcome:
    link_reason = None
    if case_id is None:
        link = _link(db, parsed)
        case_id, link_reason = link.case_id, link.reason
        if case_id is None and parsed.kind in ("update", "final"):
            raise IngestError(f"{name}: a {parsed.kind} UA, but {link.reason}; nothing was stored")
    else:
        cases.get_case(db, case_id)
        link_reason = "attached by the user (--case)"
    outcome = IngestOutcome(name, parsed.kind, "recorded", case_id, None, parsed, link_reason=link_reason)
    if parsed.kind == "news":
        outcome.notes.append("news is kept as evidence and starts no campaign")
    elif case_id is None:
        outcome.case_id = _create(db, now, name, parsed, overrides, fallback_zone)
        outcome.action = "created"
    elif parsed.kind == "final":
        outcome.action = "closed"
        outcome.changes = _close(db, now, case_id, parsed, outcome)
    else:
        outcome.changes = _update(db, now, case_id, parsed)
        outcome.action = "updated" if outcome.changes else "recorded"
    return outcome


def _link(db, parsed: ParsedDocument):
    from .ingest import match_case

    keys = [
        CaseKey(r["id"], r["ua_number"], r["index_number"], r["person"], loads(r["persons"], []),
                dt.date.fromisoformat(r["issued"]) if r["issued"] else None, r["status"])
        for r in db.query("SELECT * FROM cases ORDER BY id")
    ]
    return match_case(parsed, keys)


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


def _create(db, now, name, parsed: ParsedDocument, overrides: dict, fallback_zone: str) -> int:
    fields = {**parsed_fields(parsed), **overrides}
    if not fields.get("person"):
        raise IngestError(f"{name}: no person found; pass --set person=NAME to name who the campaign is for")
    if not fields.get("deadline"):
        raise IngestError(f"{name}: no deadline found; pass --set deadline=YYYY-MM-DD to give the campaign an end")
    zone = cases.case_zone(fields, fallback_zone)
    if cases.deadline_instant(fields["deadline"], zone) <= to_db(now):
        raise IngestError(f"{name}: the deadline {fields['deadline']} has already passed; nothing was stored (pass --set deadline=YYYY-MM-DD for a new one)")
    return cases.create_case(db, now, fields, parsed_targets(parsed), parsed_sources(parsed), overrides, fallback_zone)


def _update(db, now, case_id: int, parsed: ParsedDocument) -> dict:
    case = cases.get_case(db, case_id)
    if case["status"] == m.CLOSED and case["closed_reason"] != m.REASON_DEADLINE:
        return {}  # a late update never re-opens a case closed for good
    targets = parsed_targets(parsed) or None
    return cases.update_case(db, now, case_id, parsed_fields(parsed), targets, parsed_sources(parsed))


def _close(db, now, case_id: int, parsed: ParsedDocument, outcome: IngestOutcome) -> dict:
    case = cases.get_case(db, case_id)
    if case["status"] == m.CLOSED and case["closed_reason"] == m.REASON_FINAL:
        outcome.action = "recorded"
        return {}
    detail = f": {parsed.closure_line}" if parsed.closure_line else ""
    cancelled = cases.close_case(db, now, case_id, m.REASON_FINAL, None, detail=detail[:120])
    outcome.notes.append(f"{cancelled} pending posts cancelled")
    return {"status": [case["status"], m.CLOSED], "cancelled_posts": cancelled}


def _store_document(db, now, name, document: DocumentText, digest: str, outcome: IngestOutcome) -> int:
    doc_id = db["documents"].insert({
        "sha256": digest, "filename": name, "format": document.format, "kind": outcome.kind,
        "language": outcome.parsed.language if outcome.parsed else None, "text": document.text,
        "case_id": outcome.case_id, "action": outcome.action, "changes": dumps(outcome.changes),
        "link_reason": outcome.link_reason, "ingested_at": to_db(now),
    }).last_pk
    if outcome.action == "closed":
        db.execute("UPDATE cases SET closed_by_document = ? WHERE id = ?", [doc_id, outcome.case_id])
    log_event(db, now, "document", f"{name}: {outcome.kind}, {outcome.action} case {outcome.case_id}", case_id=outcome.case_id, document_id=doc_id)
    return doc_id


def documents_of(db, case_id: int) -> list[dict]:
    return list(db.query("SELECT id, filename, format, kind, action, changes, link_reason, ingested_at FROM documents WHERE case_id = ? ORDER BY id", [case_id]))
