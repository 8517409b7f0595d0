"""Post and case states, and the JSON shapes scripts rely on.

The JSON contract (extend, never rename) is in the README; these
functions are the only place rows become that shape.
"""

from __future__ import annotations

from .db import loads

DRAFT, SCHEDULED, SENDING, SENT = "draft", "scheduled", "sending", "sent"
FAILED, CANCELLED, UNKNOWN = "failed", "cancelled", "unknown"
POST_STATUSES = (DRAFT, SCHEDULED, SENDING, SENT, FAILED, CANCELLED, UNKNOWN)
# Posts that may still go out: what closing a case or re-planning touches.
PENDING = (DRAFT, SCHEDULED)

OPEN, CLOSED = "open", "closed"
REASON_FINAL = "final update"
REASON_DEADLINE = "deadline passed"
REASON_USER = "closed by user"

CASE_FIELDS = (
    "ua_number", "index_number", "title", "person", "pronouns", "country",
    "timezone", "issued", "deadline", "hashtags", "handles", "languages",
    "suggested_message", "url", "subject_kind", "subject_name", "role",
)
# Who a case is for; a case with no subject_kind is about one person.
SUBJECT_KINDS = ("person", "group", "organisation")
LIST_FIELDS = ("hashtags", "handles", "languages", "persons")


def case_json(row: dict, targets: list[dict]) -> dict:
    return {
        "id": row["id"],
        "ua_number": row["ua_number"],
        "index_number": row["index_number"],
        "title": row["title"],
        "person": row["person"],
        "pronouns": row["pronouns"],
        "country": row["country"],
        "timezone": row["timezone"],
        "status": row["status"],
        "closed_reason": row["closed_reason"],
        "closed_at": row["closed_at"],
        "paused": bool(row["paused"]),
        "issued": row["issued"],
        "deadline": row["deadline"],
        "deadline_at": row["deadline_at"],
        "targets": [target_json(t) for t in targets],
        "hashtags": loads(row["hashtags"], []),
        "handles": loads(row["handles"], []),
        "languages": loads(row["languages"], []),
        "suggested_message": row["suggested_message"],
        "url": row["url"],
        "subject_kind": row.get("subject_kind") or "person",
        "subject_name": subject_name(row),
        "names": dict(loads(row.get("overrides"), {}).get("names") or {}),  # language -> the name posts in it print
        "role": row.get("role"),
        "deadline_assumed": bool(row.get("deadline_assumed")),
        "missing": missing_fields(row),
        "complete_with": completing_command(row),
    }


def subject_name(row: dict) -> str | None:
    """The name posts use: the subject's own (a group, an organisation), else the person's."""
    return row.get("subject_name") or row.get("person")


def missing_fields(row: dict) -> list[str]:
    """What a case lacks to campaign: 'deadline', 'name'. Empty when complete."""
    missing = [] if row.get("deadline") else ["deadline"]
    return missing + ([] if subject_name(row) else ["name"])


def completing_command(row: dict) -> str | None:
    """The one command that makes an incomplete case complete, or None."""
    missing = missing_fields(row)
    if not missing:
        return None
    parts = ["--set deadline=YYYY-MM-DD"] if "deadline" in missing else []
    if "name" in missing:
        field = "person" if (row.get("subject_kind") or "person") == "person" else "subject_name"
        parts.append(f'--set {field}="NAME"')
    return f"advocate case edit {row['id']} {' '.join(parts)}"


def target_json(row: dict) -> dict:
    keys = ("name", "title", "email", "fax", "handle", "address", "salutation")
    # `handle` is the X handle (the UAs print those); `handles` holds other networks'.
    return {**{k: row[k] for k in keys}, "handles": loads(row.get("handles"), {}), "additional": bool(row["additional"])}


# POST's JSON, as SQL expressions over the posts table: SQLite builds the
# JSON itself, so listing 100,000 posts costs no Python per row.
POST_JSON = {
    "id": "id", "case_id": "case_id", "channel": "account", "network": "network",
    "kind": "kind", "language": "language", "template": "template", "text": "text",
    "scheduled_at": "scheduled_at", "status": "status",
    "approved": "json(CASE WHEN approved THEN 'true' ELSE 'false' END)",
    "edited": "json(CASE WHEN edited THEN 'true' ELSE 'false' END)",
    "needs_review": "needs_review_reason", "attempts": "attempts", "retry_at": "retry_at",
    "remote_id": "remote_id", "url": "url", "error": "coalesce(error, cancel_reason)",
    "sent_at": "sent_at",
}
POST_JSON_SQL = "json_object(" + ", ".join(f"'{k}', {v}" for k, v in POST_JSON.items()) + ")"
