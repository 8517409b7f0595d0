"""Build a campaign folder for the dispatcher and daemon tests, without ingesting documents.

A folder holds config.toml (X accounts pointed at a FakeX on loopback) and
a database with open cases and scheduled posts, made through the same
library calls the CLI uses (`cases.create_case`, `queue.add_planned`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import sys
from pathlib import Path

from click.testing import CliRunner

from advocate import cases, queue
from advocate.cli import cli
from advocate.config import load_config
from advocate.db import open_db, write
from fake_x import TEST_ENV

UTC = dt.UTC
# The interpreter running the tests, whatever virtual environment it is in (CI's is not .venv).
ADVOCATE = [sys.executable, "-m", "advocate"]


def write_config(
    root: Path,
    accounts: dict[str, str],
    *,
    poll_seconds: int = 1,
    max_attempts: int = 5,
    stale_after_minutes: int = 60,
    min_spacing_minutes: int = 90,
    window: tuple[str, str] = ("00:00", "23:59"),
    timeout: float = 0.5,
    daily_cap: int = 100,
    reconcile_minutes: int = 5,
) -> Path:
    """config.toml with one X account per {name: FakeX base_url}, posting windows in UTC."""
    root.mkdir(parents=True, exist_ok=True)
    lines = [
        "[advocate]",
        'database = "advocate.db"',
        f"accounts = {json.dumps(list(accounts))}",
        "",
        "[posting]",
        'timezone = "UTC"',
        f'window_start = "{window[0]}"',
        f'window_end = "{window[1]}"',
        f"min_spacing_minutes = {min_spacing_minutes}",
        f"stale_after_minutes = {stale_after_minutes}",
        f"daily_cap = {daily_cap}",
        "review = false",
        "",
        "[daemon]",
        f"poll_seconds = {poll_seconds}",
        f"max_attempts = {max_attempts}",
        f"reconcile_minutes = {reconcile_minutes}",
        "",
    ]
    for name, base_url in accounts.items():
        lines += [f"[accounts.{name}]", 'type = "x"', f'base_url = "{base_url}"', f"timeout = {timeout}", ""]
    path = root / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    open_db(load_config(path).database).close()  # the database `advocate init` makes: the daemon wants one
    return path


def open_campaign(config_path: Path):
    """(config, db) for a folder made by write_config."""
    config = load_config(config_path)
    return config, open_db(config.database)


def add_case(db, now: dt.datetime, person: str, deadline: dt.date | None, zone: str = "UTC") -> int:
    """An open case whose deadline runs to the end of `deadline` in `zone` (None: no deadline)."""
    fields = {"person": person, "title": f"Free {person}", "timezone": zone,
              "deadline": deadline.isoformat() if deadline else None}
    with write(db):
        return cases.create_case(db, now, fields, [], {}, {}, zone)


def add_posts(db, now: dt.datetime, case_id: int, times: list[dt.datetime], *, account: str = "org_x",
              texts: list[str] | None = None, review: bool = False) -> list[int]:
    """Scheduled posts (drafts with review=True) at `times`; returns their ids in order."""
    texts = texts or [f"Case {case_id}, post {i}: free the defender now #UA{case_id:03d}" for i in range(len(times))]
    before = next(db.query("SELECT coalesce(max(id), 0) AS n FROM posts"))["n"]
    planned = [
        queue.NewPost(case_id=case_id, account=account, network="x", scheduled_at=at, text=text,
                      dedupe_key=f"{case_id}-{text}", template="test", language="en", kind="call")
        for at, text in zip(times, texts)
    ]
    queue.add_planned(db, planned, now, review=review)
    return [r["id"] for r in db.query("SELECT id FROM posts WHERE id > ? ORDER BY id", [before])]


def post(db, post_id: int) -> dict:
    return queue.get_post(db, post_id)


def cli_run(config_path: Path, command: str, now: dt.datetime | None = None):
    """Run one advocate command in-process, as a user would type it; returns the click Result."""
    args = ["--config", str(config_path)]
    if now is not None:
        args += ["--now", now.isoformat()]
    return CliRunner().invoke(cli, args + shlex.split(command), catch_exceptions=False, env=dict(TEST_ENV))


def cli_json(config_path: Path, command: str, now: dt.datetime | None = None):
    result = cli_run(config_path, command + " --json", now)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a daemon subprocess: test credentials, no pinned clock, no systemd."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("ADVOCATE_NOW", "ADVOCATE_CONFIG", "NOTIFY_SOCKET", "ADVOCATE_DEBUG")}
    return {**env, **TEST_ENV, "PYTHONUNBUFFERED": "1", **extra}


def daemon_command(config_path: Path) -> list[str]:
    return [*ADVOCATE, "--config", str(config_path), "daemon"]
