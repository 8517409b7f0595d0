"""Rules of the code's shape that a reviewer would otherwise have to remember."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "advocate"

# Any statement that can change a post's row: its status above all.
POST_WRITES = re.compile(
    r"UPDATE\s+posts\b|INSERT\s+(?:OR\s+\w+\s+)?INTO\s+posts\b|DELETE\s+FROM\s+posts\b"
    r"|\[\s*[\"']posts[\"']\s*\]\s*\.\s*(?:update|insert|insert_all|upsert|upsert_all|delete|delete_where)\b",
    re.IGNORECASE,
)
SQL = re.compile(r"\.(?:query|execute|executemany)\(|\bSELECT\s.*\sFROM\s|\bUPDATE\s+\w+\s+SET\b|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b")


def modules(*parts: str):
    return sorted((SRC.joinpath(*parts)).rglob("*.py"))


def test_only_the_queue_module_writes_posts():
    """One owner per state change: every post write goes through queue.py, with an event."""
    allowed = {SRC / "queue.py", SRC / "migrations.py"}  # migrations reshape the table, not a post's state
    offenders = [f"{path.relative_to(SRC)}:{text[:match.start()].count(chr(10)) + 1}"
                 for path in modules() if path not in allowed
                 for text in [path.read_text(encoding="utf-8")]
                 for match in POST_WRITES.finditer(text)]
    assert offenders == [], f"write posts through advocate.queue instead: {offenders}"


def test_commands_run_no_sql():
    """The CLI parses, calls and formats; SQL lives in the modules below it."""
    offenders = [f"{path.relative_to(SRC)}:{number}"
                 for path in [SRC / "cli.py", *modules("commands")]
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if SQL.search(line) and not line.lstrip().startswith("#")]
    assert offenders == [], f"move this SQL below the CLI: {offenders}"
