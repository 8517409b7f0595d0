"""A document in; its case and, when the case was already scheduled, its plan
updated, in one transaction. The CLI, the inbox and the feeds all come here.

One transaction, so a crash can never leave an update stored (and so
'unchanged' when ingested again) without the re-plan it called for. A plan
that cannot be redone (a broken template, say) is rolled back on its own,
in a savepoint: the document still counts, and the coordinator is told.
"""

from __future__ import annotations

import datetime as dt
import logging

from .config import Config
from .db import write
from .documents import IngestOutcome, ingest_text
from .errors import AdvocateError
from .ingest.model import ParsedDocument

logger = logging.getLogger("advocate")


def apply_document(db, config: Config, now: dt.datetime, name: str, document, *,
                   case_id: int | None = None, overrides: dict | None = None, record_unknown: bool = True,
                   parsed: ParsedDocument | None = None) -> IngestOutcome:
    """`record_unknown=False` (feeds) refuses a text that reads as no UA instead of recording it;
    `parsed` is the document's parse_ua() when the caller has it already."""
    with write(db):
        outcome = ingest_text(db, now, name, document, case_id=case_id, overrides=overrides,
                              fallback_zone=config.posting.timezone, record_unknown=record_unknown, parsed=parsed)
        if outcome.action == "updated":
            _replan(db, config, now, outcome)
    _adopt_photo(db, config, now, document, outcome)
    return outcome


def _adopt_photo(db, config: Config, now: dt.datetime, document, outcome: IngestOutcome) -> None:
    """A DOCX or PDF UA's portrait becomes its case's photo when the case has none (its alt
    text still to write), however the document came: a file, stdin, the inbox or a feed."""
    if not outcome.case_id or document.format not in ("docx", "pdf"):
        return
    data = document.original()
    if not data:
        return
    from .photos import adopt_document_photo

    try:
        note = adopt_document_photo(db, now, outcome.case_id, config.database.parent, data, document.format, config.ingest)
    except AdvocateError as exc:  # the document is stored; only its picture is left out
        note = f"the document's photo was not taken: {exc}"
    if note:
        outcome.notes.append(note)


def _replan(db, config: Config, now: dt.datetime, outcome: IngestOutcome) -> None:
    from .scheduling import refresh

    assert outcome.case_id is not None  # an update always names its case
    db.execute("SAVEPOINT replan")
    try:
        result = refresh(db, config, now, outcome.case_id, outcome.changes)
    except AdvocateError as exc:
        db.execute("ROLLBACK TO replan")
        note = f"case {outcome.case_id} updated, but its plan was not redone: {exc}; run 'advocate schedule'"
        logger.warning(note)
        outcome.notes.append(note)
        return
    finally:
        db.execute("RELEASE replan")
    if result is not None:
        outcome.notes.append(f"plan updated: {sum(result.added.values())} posts added, {result.withdrawn} withdrawn")
        outcome.notes += [f"waits for review: {line}; 'advocate review' shows it" for line in result.flagged]
