"""Which cases a document could belong to, looked up by key instead of found
by reading every case.

Each case is filed in `link_keys` under its index number, its UA serial and
each folded word of its names (ingest.link.link_keys); a document's own keys
find its candidates, and only those are weighed by ingest.link.match_case,
which gives every other case no evidence at all. Triggers (migration m008)
list a case in `link_stale` when it is created or a key column is written,
by whatever path (ingest, 'case edit', an import, plain SQL); the list is
worked off before each look-up, so no answer comes from stale keys.
"""

from __future__ import annotations

import datetime as dt

from .db import loads
from .ingest.link import case_keys, document_keys
from .ingest.model import CaseKey, ParsedDocument

_COLUMNS = "id, ua_number, index_number, person, persons, subject_name, issued, status"


def candidates(db, parsed: ParsedDocument) -> list[CaseKey]:
    """The cases sharing a key with the document, by id. Call inside a write transaction."""
    refresh(db)
    keys = sorted(document_keys(parsed))
    if not keys:
        return []
    marks = ", ".join("?" * len(keys))
    ids = [r[0] for r in db.execute(f"SELECT DISTINCT case_id FROM link_keys WHERE key IN ({marks}) ORDER BY case_id", keys)]
    return _case_keys(db, ids)


def refresh(db) -> None:
    """File again every case listed as changed since the last look-up."""
    stale = db.execute(f"SELECT {_COLUMNS} FROM cases WHERE id IN (SELECT case_id FROM link_stale)").fetchall()
    for row in stale:
        db.execute("DELETE FROM link_keys WHERE case_id = ?", [row[0]])
        db.conn.executemany("INSERT OR IGNORE INTO link_keys (key, case_id) VALUES (?, ?)",
                            [(key, row[0]) for key in sorted(case_keys(_key(row, False)))])
    db.execute("DELETE FROM link_stale")


def _case_keys(db, ids: list[int]) -> list[CaseKey]:
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    # A case opened from an update may be older than its first document: such a case gives no start date.
    from_initial = {r[0] for r in db.execute(
        f"SELECT DISTINCT case_id FROM documents WHERE kind = 'initial' AND case_id IN ({marks})", ids)}
    rows = db.execute(f"SELECT {_COLUMNS} FROM cases WHERE id IN ({marks}) ORDER BY id", ids)
    return [_key(row, row[0] in from_initial) for row in rows]


def _key(row, dated: bool) -> CaseKey:
    case_id, ua_number, index_number, person, persons, subject_name, issued, status = row
    return CaseKey(case_id, ua_number, index_number, person,
                   [n for n in (*loads(persons, []), subject_name) if n],
                   dt.date.fromisoformat(issued) if issued and dated else None, status)
