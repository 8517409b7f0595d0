"""The SQLite database: connection settings, write transactions, schema.

The daemon and the CLI write to one file at once, so every write runs in
`BEGIN IMMEDIATE`: a deferred transaction that reads first cannot be
upgraded under WAL and fails with "database is locked" however long the
busy timeout (measured: 1,815 such errors in 6 s; with IMMEDIATE, none).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import AdvocateError

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 15_000

# Every migration in migrations.py, in order (a test keeps the two in step).
# Read commands check this list with plain SQL, so they need not import
# sqlite-utils (~90 ms) just to learn the schema is current.
SCHEMA = ("m001_initial", "m002_target_handles_per_network", "m003_confirmation_and_feeds", "m004_due_posts_index",
          "m005_posts_used_by_account", "m006_subjects_and_orphans", "m007_case_photos", "m008_link_index")


def _connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; write() opens them.
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
    except (sqlite3.Error, OSError) as exc:
        raise AdvocateError(f"{path}: cannot open the database ({exc}); check the path and its permissions") from None
    return conn


def _missing(path: Path, create: bool) -> None:
    if not create and not path.exists():
        raise AdvocateError(f"{path}: no database here; run 'advocate init' first (in the campaign's folder, or with --config)")


def open_db(path: Path, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and if needed create and migrate) the database at `path`."""
    import sqlite_utils

    from .migrations import migrations

    _missing(path, create)
    db = sqlite_utils.Database(_connect(path), execute_plugins=False)  # plugin discovery scans every installed package: 40 ms
    if migrations.pending(db):
        with write(db):
            migrations.apply(db)
    return db


class Reader:
    """Enough of sqlite_utils.Database for read commands: execute, query, conn."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, args=()):
        return self.conn.execute(sql, args)

    def query(self, sql: str, args=()):
        cursor = self.conn.execute(sql, args)
        columns = [c[0] for c in cursor.description]
        for row in cursor:
            yield dict(zip(columns, row))

    def close(self) -> None:
        self.conn.close()


def open_reader(path: Path):
    """A Reader when the schema is current, else the full (migrating) open_db."""
    _missing(path, create=False)
    conn = _connect(path)
    try:
        applied = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'advocate'")}
    except sqlite3.OperationalError:
        applied = set()
    if applied.issuperset(SCHEMA):
        return Reader(conn)
    conn.close()
    return open_db(path, create=False)


@contextlib.contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, taken with BEGIN IMMEDIATE; rolled back on any error."""
    conn = db.conn
    if conn.in_transaction:  # nested: let the outer transaction decide
        yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def loads(text: str | None, default=None):
    return json.loads(text) if text else default
