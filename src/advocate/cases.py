"""Cases in the database: created, updated and closed by documents or by hand.

Closing a case cancels its pending posts in the same transaction, so no
reader ever sees a closed case with posts still due.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from . import models as m
from .db import dumps, loads, write
from .errors import InvalidChange, NotFound
from .events import log_event
from .geo import timezone_for_country
from .queue import cancel_pending_for_case
from .timefmt import end_of_day, to_db

if TYPE_CHECKING:  # sqlite-utils costs ~90 ms to import; read commands do without
    import sqlite_utils


def get_case(db: sqlite_utils.Database, case_id: int) -> dict:
    rows = list(db.query("SELECT * FROM cases WHERE id = ?", [case_id]))
    if not rows:
        raise NotFound(f"case {case_id} does not exist; 'advocate case list' shows the cases")
    return rows[0]


def targets_of(db, case_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM targets WHERE case_id = ? ORDER BY position", [case_id]))


def open_case_targets(db) -> dict[int, list[dict]]:
    """case_id -> its targets in order, for every open case, in one query."""
    targets: dict[int, list[dict]] = {}
    for row in db.query("SELECT targets.* FROM targets JOIN cases ON cases.id = targets.case_id "
                        "WHERE cases.status = 'open' ORDER BY targets.case_id, targets.position"):
        targets.setdefault(row["case_id"], []).append(row)
    return targets


def case_json(db, case_id: int) -> dict:
    return _with_confirmation(get_case(db, case_id), targets_of(db, case_id))


def list_cases(db, status: str | None = None) -> list[dict]:
    where, args = ("WHERE status = ?", [status]) if status else ("", [])
    return [_with_confirmation(row, targets_of(db, row["id"])) for row in db.query(f"SELECT * FROM cases {where} ORDER BY id", args)]


def _with_confirmation(row: dict, targets: list[dict]) -> dict:
    """CASE, plus whether news says the campaign may be over (a human confirms)."""
    return {**m.case_json(row, targets), "needs_confirmation": bool(row.get("needs_confirmation")),
            "confirmation_reason": row.get("confirmation_reason"), "closed_by_document": row.get("closed_by_document")}


def open_cases(db) -> list[dict]:
    return list(db.query("SELECT * FROM cases WHERE status = 'open' ORDER BY deadline_at, id"))


def deadline_instant(deadline: str | None, zone: str) -> str | None:
    return to_db(end_of_day(dt.date.fromisoformat(deadline), zone)) if deadline else None


def case_zone(fields: dict, fallback: str) -> str:
    return fields.get("timezone") or timezone_for_country(fields.get("country")) or fallback


def create_case(db, now, fields: dict, targets: list[dict], sources: dict, overrides: dict, fallback_zone: str) -> int:
    """Inside the caller's transaction: a new open case from parsed fields."""
    fields = {**fields, **overrides}
    zone = case_zone(fields, fallback_zone)
    row = {
        **_column_values(fields),
        "timezone": zone,
        "deadline_at": deadline_instant(fields.get("deadline"), zone),
        "status": m.OPEN,
        "sources": dumps(sources),
        "overrides": dumps(overrides),
        "created_at": to_db(now),
        "updated_at": to_db(now),
    }
    case_id = db["cases"].insert(row).last_pk
    _replace_targets(db, case_id, targets)
    log_event(db, now, "case-created", f"case {case_id} opened: {fields.get('person')}", case_id=case_id)
    return case_id


def _column_values(fields: dict) -> dict:
    values = {}
    for key in (*m.CASE_FIELDS, "persons"):
        if key == "timezone" or key not in fields:
            continue
        value = fields[key]
        values[key] = dumps(value) if key in m.LIST_FIELDS else value
    return values


def _replace_targets(db, case_id: int, targets: list[dict]) -> None:
    # Handles the user set for other networks stay with the same official.
    kept = {row["name"]: row["handles"] for row in db.query("SELECT name, handles FROM targets WHERE case_id = ?", [case_id])}
    db.execute("DELETE FROM targets WHERE case_id = ?", [case_id])
    for position, target in enumerate(targets):
        db["targets"].insert({**target, "handles": kept.get(target.get("name"), "{}"), "case_id": case_id, "position": position})


TARGET_KEYS = ("name", "title", "email", "fax", "handle", "address", "salutation", "additional")


def _same_targets(rows: list[dict], targets: list[dict]) -> bool:
    def key(t):
        return tuple(str(t.get(k) or "").strip().lower() if k != "additional" else bool(t.get(k)) for k in TARGET_KEYS)

    return [key(r) for r in rows] == [key(t) for t in targets]


NETWORKS_WITH_HANDLES = ("x", "mastodon", "bluesky")


def set_target_handle(db, now, case_id: int, spec: str) -> str:
    """'1:mastodon=@prokuror@mastodon.social': target 1's handle on a network ('' removes it)."""
    position, _, rest = spec.partition(":")
    network, sep, handle = rest.partition("=")
    network, handle = network.strip().lower(), handle.strip()
    if not (position.strip().isdigit() and sep and network in NETWORKS_WITH_HANDLES):
        raise InvalidChange(f"--target-handle {spec!r}: write N:NETWORK=@handle, N the target's number in 'advocate case show', NETWORK one of {', '.join(NETWORKS_WITH_HANDLES)}")
    if handle:  # checked per network before it is stored: a malformed handle mentions nobody, or someone else
        from .channels.handles import normalised_handle

        try:
            handle = normalised_handle(network, handle)
        except InvalidChange as exc:
            raise InvalidChange(f"--target-handle {spec.strip()}: {exc}; nothing was changed") from None
    with write(db):
        get_case(db, case_id)
        rows = targets_of(db, case_id)
        index = int(position) - 1
        if not 0 <= index < len(rows):
            raise InvalidChange(f"case {case_id} has {len(rows)} targets; --target-handle names target {position}")
        row = rows[index]
        if network == "x":  # the X handle lives on the target row: keep the list over later updates
            db["targets"].update(row["id"], {"handle": handle or None})
            overrides = {**loads(get_case(db, case_id)["overrides"], {}), TARGETS_CORRECTED: True}
            db["cases"].update(case_id, {"overrides": dumps(overrides)})
        else:
            handles = {**loads(row["handles"], {}), network: handle}
            db["targets"].update(row["id"], {"handles": dumps({k: v for k, v in handles.items() if v})})
        log_event(db, now, "case-updated", f"case {case_id}: target {position} on {network} is {handle or 'unset'}", case_id=case_id)
    return row["name"] or f"target {position}"


def update_case(db, now, case_id: int, fields: dict, targets: list[dict] | None, sources: dict) -> dict:
    """Inside the caller's transaction: apply an update's fields, keeping the user's corrections.

    Returns {field: [old, new]} for what changed. A new deadline in the
    future re-opens a case that had expired; a case closed by a final
    update or by the user stays closed.
    """
    case = get_case(db, case_id)
    overrides = loads(case["overrides"], {})
    wanted = {k: v for k, v in fields.items() if v not in (None, [], "") and k not in overrides}
    current = m.case_json(case, [])
    changes = {k: [current.get(k), v] for k, v in wanted.items() if current.get(k) != v}
    if targets is not None and (TARGETS_CORRECTED in overrides or _same_targets(targets_of(db, case_id), targets)):
        targets = None  # the user's own target list stands; an update repeating the targets re-plans nothing
    if not changes and targets is None:
        return {}
    zone = case_zone({**current, **wanted}, case["timezone"])
    row = {**_column_values({k: v for k, v in wanted.items()}), "timezone": zone, "updated_at": to_db(now)}
    deadline = wanted.get("deadline", case["deadline"])
    row["deadline_at"] = deadline_instant(deadline, zone)
    if "deadline" in wanted:
        row["deadline_assumed"] = 0  # a deadline the UA (or the user) gives replaces an assumed one
    # A user's correction keeps its own source too, not the update's line.
    row["sources"] = dumps({**loads(case["sources"], {}), **{k: v for k, v in sources.items() if k not in overrides}})
    db["cases"].update(case_id, row)
    if targets:
        _replace_targets(db, case_id, targets)
        changes["targets"] = ["replaced", len(targets)]
    if case["status"] == m.CLOSED and case["closed_reason"] == m.REASON_DEADLINE and row["deadline_at"] and row["deadline_at"] > to_db(now):
        reopen(db, now, case_id, "a new deadline was set")
        changes["status"] = [m.CLOSED, m.OPEN]
    log_event(db, now, "case-updated", f"case {case_id} updated: {', '.join(sorted(changes))}", case_id=case_id)
    return changes


def close_case(db, now, case_id: int, reason: str, document_id: int | None = None, detail: str = "") -> int:
    """Close a case and cancel its pending posts, in one transaction. Returns posts cancelled."""
    with write(db):
        case = get_case(db, case_id)
        if case["status"] == m.CLOSED:
            return 0
        db["cases"].update(case_id, {
            "status": m.CLOSED, "closed_reason": reason, "closed_at": to_db(now),
            "closed_by_document": document_id, "updated_at": to_db(now), "needs_confirmation": 0,
        })
        cancelled = cancel_pending_for_case(db, case_id, now, f"case closed: {reason}")
        log_event(db, now, "case-closed", f"case {case_id} closed ({reason}{detail}); {cancelled} pending posts cancelled", case_id=case_id, document_id=document_id)
    return cancelled


def reopen(db, now, case_id: int, why: str) -> None:
    with write(db):
        db["cases"].update(case_id, {"status": m.OPEN, "closed_reason": None, "closed_at": None, "closed_by_document": None, "updated_at": to_db(now)})
        log_event(db, now, "case-reopened", f"case {case_id} re-opened: {why}", case_id=case_id)


def expire_deadlines(db, now: dt.datetime, grace: dt.timedelta = dt.timedelta()) -> list[int]:
    """Close every open case whose deadline (plus grace) has passed."""
    cutoff = to_db(now - grace)
    due = [r["id"] for r in db.query("SELECT id FROM cases WHERE status = 'open' AND deadline_at IS NOT NULL AND deadline_at <= ?", [cutoff])]
    for case_id in due:
        close_case(db, now, case_id, m.REASON_DEADLINE)
    return due


def flag_for_confirmation(db, now, case_id: int, reason: str, document_id: int | None) -> bool:
    """Inside the caller's transaction: news suggests the campaign is over; a human decides. False if closed."""
    case = get_case(db, case_id)
    if case["status"] == m.CLOSED:
        return False
    db["cases"].update(case_id, {"needs_confirmation": 1, "confirmation_reason": reason,
                                 "confirmation_document": document_id, "updated_at": to_db(now)})
    log_event(db, now, "case-needs-confirmation",
              f"case {case_id} may be over ({reason}); 'advocate case close {case_id}' or 'advocate case keep {case_id}'",
              case_id=case_id, document_id=document_id)
    return True


def keep_case(db, now, case_id: int) -> bool:
    """The coordinator says the campaign goes on: clear the flag. False if there was none."""
    with write(db):
        case = get_case(db, case_id)
        if not case["needs_confirmation"]:
            return False
        db["cases"].update(case_id, {"needs_confirmation": 0, "confirmation_reason": None,
                                     "confirmation_document": None, "updated_at": to_db(now)})
        log_event(db, now, "case-kept", f"case {case_id} kept open after '{case['confirmation_reason']}'", case_id=case_id)
    return True


def set_paused(db, now, case_id: int, paused: bool) -> None:
    with write(db):
        get_case(db, case_id)
        db["cases"].update(case_id, {"paused": int(paused), "updated_at": to_db(now)})
        log_event(db, now, "case-paused" if paused else "case-resumed", f"case {case_id} {'paused' if paused else 'resumed'}", case_id=case_id)


EDITABLE = {
    "ua_number": str, "index_number": str, "title": str, "person": str, "pronouns": str,
    "subject_kind": m.SUBJECT_KINDS, "subject_name": str, "role": str,
    "country": str, "timezone": str, "issued": "date", "deadline": "date",
    "hashtags": list, "handles": list, "languages": list, "suggested_message": str, "url": str,
    # How this case's campaign is planned, over [posting]'s defaults; accounts: the ones it runs on.
    "strategy": ("even", "ramp"), "posts_per_day": int, "accounts": list,
}
PLAN_FIELDS = ("strategy", "posts_per_day", "accounts")


def plan_settings(case: dict) -> dict:
    """The case's own strategy / posts_per_day / accounts, where the coordinator set them."""
    overrides = loads(case["overrides"], {})
    settings = {k: overrides[k] for k in PLAN_FIELDS if k in overrides}
    if "accounts" in settings:
        settings["accounts"] = tuple(settings["accounts"])
    return settings


# name.ru=...: the name posts in that language print (a group's description, a name in another script).
NAME_IN = re.compile(r"name\.([a-z]{2,3})")


def parse_assignment(text: str) -> tuple[str, object]:
    """'deadline=2019-06-01' -> ('deadline', '2019-06-01'), checked and normalised."""
    key, sep, value = text.partition("=")
    key, value = key.strip(), value.strip()
    if sep and NAME_IN.fullmatch(key):
        return key, value or None  # name.ru= clears it
    if not sep or key not in EDITABLE:
        raise InvalidChange(f"--set {text!r}: write FIELD=VALUE with FIELD one of {', '.join(sorted(EDITABLE))}, "
                            "or name.LANG (e.g. name.ru) for the name posts in that language print")
    kind = EDITABLE[key]
    clearable = ("url", "index_number", "ua_number", "title", "suggested_message", "role", "subject_name")  # FIELD= clears these
    last_year = 2200  # as --now: beyond is a typo, never a campaign
    if not (value.strip(", ") if kind is list else value) and key not in clearable:  # an empty override would block every later update of it
        raise InvalidChange(f"--set {key}: {key} cannot be empty; give a value (only {', '.join(sorted(clearable))} can be cleared)")
    if kind == "date":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidChange(f"--set {key}: '{value}' is not a date like 2019-06-01") from None
        if day.year > last_year:
            raise InvalidChange(f"--set {key}: {value} is too far ahead; choose a date before the year {last_year + 1}")
        return key, day.isoformat()
    if kind is list:
        return key, [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(kind, tuple) and value not in kind:
        raise InvalidChange(f"--set {key}: '{value}' is not one of {', '.join(kind)}")
    if kind is int:
        if not value.isdigit() or not 1 <= int(value) <= 48:
            raise InvalidChange(f"--set {key}: '{value}' must be a whole number from 1 to 48")
        return key, int(value)
    if key == "timezone":
        _check_zone(value)
    if key == "role":
        value = value.lower()
    return key, value or None


def _check_zone(value: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidChange(f"--set timezone: '{value}' is not a time zone name like Asia/Almaty") from None


def edit_case(db, now, case_id: int, assignments: dict) -> dict:
    """A user's corrections: applied now and kept over later re-ingests."""
    names = {key: value for key, value in assignments.items() if NAME_IN.fullmatch(key)}
    assignments = {key: value for key, value in assignments.items() if key not in names}
    with write(db):
        case = get_case(db, case_id)
        name_changes = _set_names(db, now, case, names) if names else {}
        if not assignments:
            return name_changes
        case = get_case(db, case_id)
        if "person" in assignments and "subject_name" not in assignments and case["subject_name"] == case["person"] and case["person"]:
            assignments = {**assignments, "subject_name": assignments["person"]}  # the name posts use follows the person's
        overrides = {**loads(case["overrides"], {}), **assignments}
        sources = {k: {"line": None, "text": "set by user", "confidence": 1.0} for k in assignments}
        db["cases"].update(case_id, {"overrides": "{}"})  # let update_case write these fields
        fields = {k: v for k, v in assignments.items() if k not in PLAN_FIELDS}
        changes = update_case(db, now, case_id, fields, None, sources) if fields else {}
        cleared = {k: None for k, v in fields.items() if v is None and case[k] is not None}  # FIELD= clears it (update_case skips empties)
        if cleared:
            db["cases"].update(case_id, cleared)
            changes.update({k: [case[k], None] for k in cleared})
        db["cases"].update(case_id, {"overrides": dumps(overrides)})
        previous = loads(case["overrides"], {})
        changes.update({k: [previous.get(k), v] for k, v in assignments.items() if k in PLAN_FIELDS and previous.get(k) != v})
        if assignments.get("timezone") and previous.get("timezone") != assignments["timezone"] and "timezone" not in changes:
            # the zone it had from its country becomes its own posting zone (scheduling.own_zone): a change to say and re-plan
            changes["timezone"] = [f"{case['timezone']} (deadline only)", assignments["timezone"]]
        if "deadline" in assignments and case["status"] == m.OPEN:
            new_deadline_at = get_case(db, case_id)["deadline_at"]
            if new_deadline_at and new_deadline_at <= to_db(now):
                raise InvalidChange(f"case {case_id}: deadline {assignments['deadline']} has already passed; choose a later date")
    return {**name_changes, **changes}


def _set_names(db, now: dt.datetime, case: dict, names: dict) -> dict:
    """Store name.LANG corrections in the case's overrides (kept over re-ingests); the changes made."""
    overrides = loads(case["overrides"], {})
    kept = dict(overrides.get("names") or {})
    changes = {}
    for key, value in names.items():
        language = key.split(".", 1)[1]
        if kept.get(language) != value:
            changes[key] = [kept.get(language), value]
        if value is None:
            kept.pop(language, None)
        else:
            kept[language] = value
    if changes:  # as any correction: stored with the others, stamped and in the events log
        db["cases"].update(case["id"], {"overrides": dumps({**overrides, "names": kept}), "updated_at": to_db(now)})
        log_event(db, now, "case-updated", f"case {case['id']} updated: {', '.join(sorted(changes))}", case_id=case["id"])
    return changes


# Targets the coordinator corrected: kept over later updates, as other corrections are.
TARGETS_CORRECTED = "targets"
TARGET_EDITABLE = ("name", "title", "email", "fax", "handle", "address", "salutation", "additional")
_EMAIL = r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]+"
_X_HANDLE = r"@?[A-Za-z0-9_]{1,15}"
_FAX = r"\+?[0-9][0-9 ().\-/]{4,}"


def parse_target_assignment(text: str) -> tuple[str, object]:
    """'email=a@b.kz' -> ('email', 'a@b.kz'), checked; an empty value clears the field."""
    import re

    key, sep, value = text.partition("=")
    key, value = key.strip().lower(), value.strip()
    if not sep or key not in TARGET_EDITABLE:
        raise InvalidChange(f"target field {text!r}: write FIELD=VALUE with FIELD one of {', '.join(TARGET_EDITABLE)}")
    if key == "additional":
        if value.lower() not in ("yes", "no", "true", "false"):
            raise InvalidChange(f"target field additional: '{value}' must be yes or no")
        return key, int(value.lower() in ("yes", "true"))
    checks = {"email": (_EMAIL, "an e-mail address like office@prokuratura.kz"),
              "handle": (_X_HANDLE, "an X handle like @prokuratura (letters, digits, _; at most 15)"),
              "fax": (_FAX, "a fax number like +7 7172 71 26 52")}
    if value and key in checks and not re.fullmatch(checks[key][0], value):
        raise InvalidChange(f"target field {key}: '{value}' is not {checks[key][1]}")
    if key == "handle" and value:
        value = "@" + value.lstrip("@")
    return key, value or None


def parse_new_target(spec: str) -> dict:
    """'name=Ivan Petrov,title=Prosecutor General, Astana' -> a target.

    A comma starts a new field only where FIELD= follows it, so values may hold commas."""
    import re

    fields = re.split(r",\s*(?=(?:" + "|".join(TARGET_EDITABLE) + r")\s*=)", spec.strip(), flags=re.IGNORECASE)
    target = dict(parse_target_assignment(f) for f in fields if f.strip())
    if not (target.get("name") or target.get("title")):
        raise InvalidChange(f"--add-target {spec!r}: give at least name=... or title=..., e.g. --add-target 'name=Ivan Petrov,title=Prosecutor General'")
    return target


def edit_targets(db, now, case_id: int, edits: dict[int, dict], added: list[dict], removed: list[int]) -> dict:
    """The coordinator's corrections to a case's targets (numbers as 'case show' gives them,
    before this change); kept over later updates. Returns {'targets': [old count, new count]} or {}."""
    with write(db):
        case = get_case(db, case_id)
        rows = targets_of(db, case_id)
        for number in [*edits, *removed]:
            if not 1 <= number <= len(rows):
                raise InvalidChange(f"case {case_id} has {len(rows)} targets ('advocate case show {case_id}' numbers them); there is no target {number}")
        for number, values in edits.items():
            merged = {**rows[number - 1], **values}
            if not (merged.get("name") or merged.get("title")):
                raise InvalidChange(f"target {number} of case {case_id} would have neither a name nor a title; give one")
            db["targets"].update(rows[number - 1]["id"], values)
        for number in sorted(set(removed), reverse=True):
            db.execute("DELETE FROM targets WHERE id = ?", [rows[number - 1]["id"]])
        for offset, target in enumerate(added, start=len(rows)):
            db["targets"].insert({"additional": 0, **target, "handles": "{}", "case_id": case_id, "position": offset})
        kept = targets_of(db, case_id)
        for position, row in enumerate(kept):
            db.execute("UPDATE targets SET position = ? WHERE id = ?", [position, row["id"]])
        overrides = {**loads(case["overrides"], {}), TARGETS_CORRECTED: True}
        db["cases"].update(case_id, {"overrides": dumps(overrides), "updated_at": to_db(now)})
        log_event(db, now, "case-updated", f"case {case_id}: targets corrected by the user ({len(rows)} -> {len(kept)})", case_id=case_id)
    return {"targets": [len(rows), len(kept)]} if (edits or added or removed) else {}


def incomplete_reason(case: dict) -> str | None:
    """Why an open case cannot campaign yet, with the command that fixes it; None when it can."""
    missing = m.missing_fields(case)
    if not missing:
        return None
    return f"case {case['id']} is incomplete (no {' and no '.join(missing)}): complete it with {m.completing_command(case)}"


def assume_deadlines(db, now: dt.datetime, days: int, case_ids: list[int] | None = None) -> dict[int, str]:
    """Inside the caller's transaction: each open case with no deadline gets one `days` after
    its UA's date (else the day it was ingested), marked assumed. Returns {case_id: note}."""
    notes = {}
    for case in db.query("SELECT * FROM cases WHERE status = 'open' AND deadline IS NULL ORDER BY id"):
        if case_ids and case["id"] not in case_ids:
            continue
        start, what = (case["issued"], "its UA's date") if case["issued"] else (_local_day(case["created_at"], case["timezone"]), "the day it was ingested")
        deadline = (dt.date.fromisoformat(start) + dt.timedelta(days=days)).isoformat()
        deadline_at = deadline_instant(deadline, case["timezone"]) or ""
        if deadline_at <= to_db(now):
            notes[case["id"]] = (f"case {case['id']} has no deadline, and {days} days after {what} ({start}) is past: "
                                 f"complete it with advocate case edit {case['id']} --set deadline=YYYY-MM-DD")
            continue
        source = {"line": None, "text": f"assumed: {days} days after {what} {start} ([posting] default_campaign_days)", "confidence": 0.0}
        db["cases"].update(case["id"], {"deadline": deadline, "deadline_at": deadline_at, "deadline_assumed": 1, "updated_at": to_db(now),
                                        "sources": dumps({**loads(case["sources"], {}), "deadline": source})})
        notes[case["id"]] = f"case {case['id']}: no deadline in its UA; assumed {deadline} ({days} days after {what})"
        log_event(db, now, "case-updated", notes[case["id"]], case_id=case["id"])
    return notes


def _local_day(instant: str, zone: str) -> str:
    from zoneinfo import ZoneInfo

    from .timefmt import from_db

    moment = from_db(instant)
    assert moment is not None  # created_at is never empty
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()
