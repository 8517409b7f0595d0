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
    "suggested_message", "url",
)
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
    }


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
