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
    return {**{k: row[k] for k in keys}, "additional": bool(row["additional"])}


def post_json(row: dict) -> dict:
    return {
        "id": row["id"],
        "case_id": row["case_id"],
        "channel": row["account"],
        "network": row["network"],
        "kind": row["kind"],
        "language": row["language"],
        "template": row["template"],
        "text": row["text"],
        "scheduled_at": row["scheduled_at"],
        "status": row["status"],
        "approved": bool(row["approved"]),
        "edited": bool(row["edited"]),
        "needs_review": row["needs_review_reason"],
        "attempts": row["attempts"],
        "retry_at": row["retry_at"],
        "remote_id": row["remote_id"],
        "url": row["url"],
        "error": row["error"] or row["cancel_reason"],
        "sent_at": row["sent_at"],
    }
