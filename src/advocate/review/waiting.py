"""Which posts wait for a human, in the order review shows them, and why each waits."""

from __future__ import annotations

from dataclasses import dataclass

WAITING_SQL = """
SELECT p.id FROM posts p JOIN cases c ON c.id = p.case_id
WHERE p.status = 'draft' AND c.status = 'open' {filters}
ORDER BY p.scheduled_at, p.id
"""


@dataclass(frozen=True)
class Selection:
    """--case and --account; each named in the message when nothing matches."""

    case_id: int | None = None
    account: str | None = None

    def where(self) -> tuple[str, list]:
        clauses: list[str] = []
        args: list[object] = []
        if self.case_id is not None:
            clauses.append("AND p.case_id = ?")
            args.append(self.case_id)
        if self.account:
            clauses.append("AND p.account = ?")
            args.append(self.account)
        return " ".join(clauses), args

    def described(self) -> str:
        parts = ([f"case {self.case_id}"] if self.case_id is not None else []) + ([f"account {self.account}"] if self.account else [])
        return " for " + " on ".join(parts) if parts else ""


def waiting_ids(db, selection: Selection = Selection()) -> list[int]:
    """Drafts of open cases, soonest first."""
    filters, args = selection.where()
    return [row[0] for row in db.execute(WAITING_SQL.format(filters=filters), args)]


def unknown_count(db, selection: Selection = Selection()) -> int:
    """Posts whose outcome is unknown: they wait for a human to look at the network."""
    filters, args = selection.where()
    sql = f"SELECT count(*) FROM posts p WHERE p.status = 'unknown' {filters}"
    return db.execute(sql, args).fetchone()[0]


def why_it_waits(post: dict) -> str:
    """In words: the reason stored with the post, else the review setting."""
    reason = post.get("needs_review_reason")
    if reason and reason.startswith("mentions ") and "," not in reason.split(":")[0] and ":" not in reason:
        # the planner's and the importer's mark ('mentions genprokrk'): say it as the guard means it
        from ..messages.guard import extract_mentions

        handles = ", ".join("@" + h for h in extract_mentions(post.get("text") or "")) or reason.removeprefix("mentions ")
        return f"it mentions {handles}: a person approves every automated mention (X forbids unsolicited ones)"
    if reason:
        return reason
    if post.get("edited") or post.get("approved"):
        return "changed by hand; approve it again"
    return "every planned post waits for approval ([posting] review = true)"


def empty_message(selection: Selection, unknown: int) -> str:
    tail = f"; {unknown} post{'s' if unknown != 1 else ''} with an unknown outcome: 'advocate queue --status unknown'" if unknown else ""
    if selection.case_id is None and not selection.account:
        return f"Nothing waits for review: no drafts{tail}"
    return f"Nothing waits for review{selection.described()}: no drafts match{tail}"
