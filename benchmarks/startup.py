"""Start-up cost of a read command: `advocate queue --json` on a 10,000-post
database, beside `python -c "import click, sqlite_utils"` (goal: ratio <= 1.5).

    .venv/bin/python benchmarks/startup.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from advocate import cases
from advocate.db import open_db, write
from advocate.queue import NewPost, add_planned
from installed import as_installed  # noqa: E402

RUNS = 15


def build(folder: Path, posts: int = 10_000) -> Path:
    config = folder / "config.toml"
    config.write_text('[advocate]\ndatabase = "bench.db"\naccounts = ["rehearsal"]\n[accounts.rehearsal]\ntype = "dryrun"\n')
    db = open_db(folder / "bench.db")
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with write(db):
        case_id = cases.create_case(db, now, {"person": "A Person", "deadline": "2026-12-31"}, [], {}, {}, "UTC")
    rows = [NewPost(case_id, "rehearsal", "dryrun", now + dt.timedelta(minutes=i), f"post {i}", f"key{i}", "t", "en", "appeal")
            for i in range(posts)]
    add_planned(db, rows, now, review=True)
    db.close()
    return config


def wall(command: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    as_installed()  # bytecode compiled, as pip leaves it (see installed.py)
    with tempfile.TemporaryDirectory() as tmp:
        config = build(Path(tmp))
        base = wall([sys.executable, "-c", "import click, sqlite_utils"])
        advocate = [sys.executable, "-c", "from advocate.cli import main; main()", "--config", str(config), "queue", "--json"]
        ours = wall(advocate)
        tables = {name: wall(advocate[:-2] + name.split()) for name in ("queue", "history", "case list")}
        imports = subprocess.run([sys.executable, "-X", "importtime", *advocate[1:]], capture_output=True, text=True).stderr
    heavy = [m for m in ("sqlite_utils", "tweepy", "apscheduler", "pypdf", "dateparser", "jinja2", "rich", "twitter_text") if f" {m}\n" in imports or f"| {m}" in imports]
    print(f"python -c 'import click, sqlite_utils': {base * 1000:.0f} ms (median of {RUNS})")
    print(f"advocate queue --json, 10,000 posts:  {ours * 1000:.0f} ms")
    print(f"ratio: {ours / base:.2f} (goal <= 1.5)")
    for name, seconds in tables.items():  # the tables people read: 50 posts a page, wrapped to the terminal
        print(f"advocate {name} (table):{' ' * (14 - len(name))}{seconds * 1000:.0f} ms (ratio {seconds / base:.2f})")
    print(f"heavy modules imported: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
