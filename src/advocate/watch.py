"""The inbox: a folder the daemon watches for Urgent Actions, updates and news.

Each file is ingested exactly as `advocate ingest FILE` would, then moved
to `processed/`, or to `failed/` with the reason in `<name>.reason.txt`
beside it.

Crash-safety: the ingest commits in one transaction first, and the file
moves after. A crash in between leaves the file in the inbox; the next
scan ingests it again, which the document's hash turns into "unchanged",
and moves it. Nothing is applied twice, nothing is lost.

Partial files are told apart by name only: hidden files (".", "~"), and
".part", ".tmp", ".partial", ".crdownload", ".download", ".swp", "~"
endings, which is what scp, rsync, browsers and editors write while a
copy is under way. Senders should write under such a name and rename
(atomic on one file system). A rule on the file's age was rejected: the
file system's clock is the real one while the daemon's `now` is injected
(and years in the past under `--simulate`), so comparing them would
either never ingest a rehearsal's files or quietly depend on the wall
clock; it would also delay every drop by the settling time.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .db import write
from .documents import IngestOutcome
from .errors import AdvocateError
from .events import log_event
from .intake import apply_document

logger = logging.getLogger("advocate")

PROCESSED, FAILED = "processed", "failed"
PARTIAL_PREFIXES = (".", "~")
PARTIAL_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload", ".download", ".swp", "~")


@dataclass
class InboxResult:
    processed: list[IngestOutcome] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # file name -> reason


def is_partial(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(PARTIAL_PREFIXES) or lowered.endswith(PARTIAL_SUFFIXES)


def ready_files(folder: Path) -> list[Path]:
    """Complete files waiting in the inbox, oldest first (then by name)."""
    files = [p for p in folder.iterdir() if p.is_file() and not is_partial(p.name)]
    return sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name))


def scan_inbox(db, folder: Path, now: dt.datetime, config: Config) -> InboxResult:
    """Ingest what waits in the inbox; files are retried in passes while any succeeds,
    so an update dropped together with its Urgent Action finds its case whatever the order."""
    for sub in (PROCESSED, FAILED):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    result, waiting = InboxResult(), ready_files(folder)
    while waiting:
        errors: dict[Path, str] = {}
        for path in waiting:
            _try_one(db, path, now, config, result, errors)
        progress = len(errors) < len(waiting)
        waiting = [p for p in waiting if p in errors]
        if not progress:
            break
    for path in waiting:
        _fail(db, path, now, errors[path], result)
    return result


def _try_one(db, path: Path, now, config: Config, result: InboxResult, errors: dict) -> None:
    try:
        outcome = ingest_file(db, path, now, config)
    except sqlite3.OperationalError as exc:  # locked, disk full: the file waits for the next scan
        logger.warning("inbox: %s left for the next scan: %s", path.name, exc)
        return
    except AdvocateError as exc:
        errors[path] = str(exc)
        return
    except Exception as exc:  # a parser bug must not stop the inbox; the coordinator is told
        logger.exception("inbox: %s could not be ingested", path.name)
        errors[path] = f"{path.name}: unexpected error ({type(exc).__name__}: {exc}); report it, or ingest it by hand"
        return
    move_to(path, path.parent / PROCESSED)
    result.processed.append(outcome)
    logger.info("inbox: %s %s (%s, case %s)", path.name, outcome.action, outcome.kind, outcome.case_id)


def ingest_file(db, path: Path, now: dt.datetime, config: Config) -> IngestOutcome:
    """One file, as `advocate ingest FILE` does it; raises AdvocateError and writes nothing when it cannot."""
    from .ingest import read_document

    return apply_document(db, config, now, path.name, read_document(path, limits=config.ingest))


def _fail(db, path: Path, now, reason: str, result: InboxResult) -> None:
    # Event first, move last: a crash in between re-tries the file (and may tell twice, never lose it).
    with write(db):
        log_event(db, now, "inbox-failed", f"inbox file {path.name} moved to {FAILED}/: {reason}")
    target = move_to(path, path.parent / FAILED)
    target.with_name(target.name + ".reason.txt").write_text(reason.rstrip() + "\n", encoding="utf-8")
    result.failed[path.name] = reason


def move_to(path: Path, folder: Path) -> Path:
    """Move `path` into `folder` atomically, never over another file: a.txt, a-2.txt, a-3.txt..."""
    target, number = folder / path.name, 1
    while target.exists() or target.with_name(target.name + ".reason.txt").exists():
        number += 1
        target = folder / f"{path.stem}-{number}{path.suffix}"
    os.replace(path, target)
    return target
