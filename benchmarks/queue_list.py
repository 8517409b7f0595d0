"""`advocate queue --json --case N` on 100,000 posts, run as a user runs it (a
subprocess): median wall time (goal < 300 ms). Also the unfiltered first page
of the table and `--from/--to`, for comparison.

    .venv/bin/python benchmarks/queue_list.py
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
from advocate.queue import NewPost, add_planned, page_posts_json_text
from installed import as_installed  # noqa: E402

POSTS, CASES, RUNS = 100_000, 100, 11
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
STATUSES = ("draft", "scheduled", "sent", "cancelled")


def build(folder: Path) -> Path:
    config = folder / "config.toml"
    config.write_text('[advocate]\ndatabase = "bench.db"\naccounts = ["rehearsal"]\n'
                      '[posting]\ntimezone = "Asia/Almaty"\n[accounts.rehearsal]\ntype = "dryrun"\n')
    db = open_db(folder / "bench.db")
    with write(db):
        ids = [cases.create_case(db, NOW, {"person": f"Person {i}", "deadline": "2026-12-31"}, [], {}, {}, "UTC")
               for i in range(CASES)]
    per_case = POSTS // CASES
    rows = [NewPost(ids[i % CASES], "rehearsal", "dryrun", NOW + dt.timedelta(minutes=7 * i),
                    f"Post {i} for case {i % CASES}: free them now, write to the authorities. #Free{i % CASES}",
                    f"key{i}", "en/appeal", "en", "appeal") for i in range(per_case * CASES)]
    add_planned(db, rows, NOW, review=True)
    with write(db):  # a realistic mix of states, not only drafts
        db.execute(f"UPDATE posts SET status = CASE (id / {CASES}) % 4 WHEN 0 THEN 'draft' WHEN 1 THEN 'scheduled' WHEN 2 THEN 'sent' ELSE 'cancelled' END")
    db.close()
    return config


def median_ms(command: list[str]) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
        size = len(done.stdout)
    return statistics.median(times) * 1000, size


def in_process_ms(folder: Path) -> float:
    """The query alone, without starting Python: what the database costs."""
    db = open_db(folder / "bench.db", create=False)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        page_posts_json_text(db, case_id=50, statuses=("draft", "scheduled", "sending", "unknown"))
        times.append(time.perf_counter() - start)
    db.close()
    return statistics.median(times) * 1000


def main() -> None:
    as_installed()  # bytecode compiled, as pip leaves it (see installed.py)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        config = build(Path(tmp))
        print(f"generated {POSTS:,} posts over {CASES} cases in {time.perf_counter() - started:.1f} s")
        advocate = [sys.executable, "-c", "from advocate.cli import main; main()", "--config", str(config),
                    "--now", "2026-01-01T00:00+00:00"]
        base, _ = median_ms([sys.executable, "-c", "import click, sqlite_utils"])
        print(f"python -c 'import click, sqlite_utils': {base:.0f} ms (median of {RUNS}): the floor on this machine")
        print(f"the --case 50 query in-process: {in_process_ms(Path(tmp)):.1f} ms")
        for label, args, goal in [
            ("queue --json --case 50", ["queue", "--json", "--case", "50"], " (goal < 300 ms)"),
            ("queue --json --case 50 --all --sort status --desc", ["queue", "--json", "--case", "50", "--all", "--sort", "status", "--desc"], ""),
            ("queue --json --from +3d --to +10d", ["queue", "--json", "--from", "+3d", "--to", "+10d"], ""),
            ("queue --json (every active post)", ["queue", "--json"], ""),
            ("queue (table, page 1 of 50)", ["queue"], ""),
        ]:
            ms, size = median_ms(advocate + args)
            print(f"{label}: {ms:.0f} ms{goal}, {size / 1024:,.0f} KB out")


if __name__ == "__main__":
    main()
