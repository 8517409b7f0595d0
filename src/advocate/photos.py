"""A case's photo: set, replace or remove it, and what posting needs of it.

The file lives under `photos/` beside the database (see media/store.py),
stripped of metadata. Alt text is what a screen reader says for it: a
photo without alt text is never posted (planning sends those posts to
review, posting refuses them).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .cases import get_case
from .channels.base import LinkCard, Photo
from .db import write
from .errors import PhotoError
from .events import log_event
from .timefmt import to_db


def set_photo(db, now: dt.datetime, case_id: int, workspace: Path, source: Path | None,
              alt: str | None, networks=()) -> dict:
    """Store a new photo and/or its alt text; returns the case's photo as photo_json shows it."""
    from .media.alt import alt_problems
    from .media.store import store_photo

    case = get_case(db, case_id)
    if source is None and not case["photo"]:
        raise PhotoError(f"case {case_id} has no photo; give one: advocate case photo {case_id} FILE --alt TEXT")
    if alt is not None:
        alt = " ".join(alt.split())
        problems = alt_problems(alt, networks or ("x", "mastodon", "bluesky"))
        if problems:
            raise PhotoError(f"case {case_id}: {problems[0]}; shorten --alt")
    row: dict = {"updated_at": to_db(now)}
    if source is not None:
        stored = store_photo(workspace, source)
        row.update(photo=stored.path, photo_digest=stored.digest, photo_width=stored.width,
                   photo_height=stored.height, photo_credit=None, photo_alt=alt)
    elif alt is not None:
        row["photo_alt"] = alt
    with write(db):
        db["cases"].update(case_id, row)
        what = "photo set" if source is not None else "photo alt text set"
        log_event(db, now, "case-updated", f"case {case_id}: {what}"
                  + ("" if row.get("photo_alt", case["photo_alt"]) else " (no alt text: its posts wait)"),
                  case_id=case_id)
    photo = photo_json(get_case(db, case_id))
    assert photo is not None  # it was just stored
    return photo


def clear_photo(db, now: dt.datetime, case_id: int) -> bool:
    """Remove the photo from the case (the file stays, queued posts may be rehearsed from it)."""
    case = get_case(db, case_id)
    if not case["photo"]:
        return False
    with write(db):
        db["cases"].update(case_id, {"photo": None, "photo_alt": None, "photo_digest": None, "photo_width": None,
                                     "photo_height": None, "photo_credit": None, "updated_at": to_db(now)})
        log_event(db, now, "case-updated", f"case {case_id}: photo removed", case_id=case_id)
    return True


def photo_json(case: dict) -> dict | None:
    if not case.get("photo"):
        return None
    return {"file": case["photo"], "alt": case["photo_alt"], "digest": case["photo_digest"],
            "width": case["photo_width"], "height": case["photo_height"], "credit": case["photo_credit"]}


def needs_alt(case: dict) -> bool:
    """True when the case has a photo but no alt text yet."""
    return bool(case.get("photo")) and not (case.get("photo_alt") or "").strip()


def alt_command(case_id: int) -> str:
    return f"advocate case photo {case_id} --alt \"what the photo shows\""


def photo_of(case: dict, workspace: Path) -> Photo | None:
    """The case photo as a channel gets it, or None when the case has none."""
    if not case.get("photo"):
        return None
    return Photo(Path(workspace) / case["photo"], case.get("photo_alt"), case["photo_digest"] or "",
                 case.get("photo_width") or 0, case.get("photo_height") or 0)


def link_of(case: dict, workspace: Path) -> LinkCard | None:
    """The action link as a card (title: the case's title or subject; thumbnail: its photo)."""
    url = case.get("url")
    if not url:
        return None
    name = case.get("subject_name") or case.get("person") or ""
    title = case.get("title") or (f"Take action for {name}" if name else "Take action")
    description = f"Urgent Action {case['ua_number']}" if case.get("ua_number") else ""
    return LinkCard(url, title, description, photo_of(case, workspace))


def adopt_document_photo(db, now: dt.datetime, case_id: int, workspace: Path, data: bytes, fmt: str,
                         limits) -> str | None:
    """Give a case without a photo the likeliest portrait of its DOCX or PDF UA.

    Stored without metadata and without alt text: its posts wait until a
    person describes it. Returns a note for the user, or None.
    """
    from .ingest.images import document_images
    from .media.image import encode_within
    from .media.limits import STORED
    from .media.store import store_bytes

    case = get_case(db, case_id)
    if case["photo"]:
        return None  # a photo set by hand (or an earlier document's) is kept
    for found in document_images(data, fmt, limits):
        try:
            encoded = encode_within(found.data, STORED, where=found.where)
        except PhotoError:
            continue
        stored = store_bytes(workspace, encoded.data, encoded.width, encoded.height, encoded.digest)
        with write(db):
            db["cases"].update(case_id, {"photo": stored.path, "photo_alt": None, "photo_digest": stored.digest,
                                         "photo_width": stored.width, "photo_height": stored.height,
                                         "photo_credit": None, "updated_at": to_db(now)})
            log_event(db, now, "case-updated", f"case {case_id}: photo taken from the document ({found.where})",
                      case_id=case_id)
        return (f"photo taken from the document ({found.where}, {stored.width}x{stored.height}); "
                f"posts show it once it has alt text: {alt_command(case_id)}")
    return None
