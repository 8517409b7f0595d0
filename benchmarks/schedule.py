"""`advocate schedule` through the CLI, for 1,000 open cases: wall time and max
RSS of the command's own process (goals: < 2 s wall, < 200 MB RSS).

    .venv/bin/python benchmarks/schedule.py            # both scenarios
    .venv/bin/python benchmarks/schedule.py --profile  # and where the time goes

The database is generated with the library (not timed); then each scenario
runs `python -m advocate --config ... --now ... schedule` as a child process
on a fresh copy of it, so the figure includes start-up, loading templates,
reading cases, composing, storing and printing, as a coordinator waits for
it. RSS is the child's peak resident set (wait4's ru_maxrss), not Python's
allocations; a big plan is composed on every core by forked processes, and
ru_maxrss is then the largest of them (they share most pages). CPU is the
user + system time of all of them: CPU above wall shows the cores at work.

Scenarios: "default" is config.toml's posting settings (one account, cap 17,
90 minutes apart: 8 posts a day at most); "busy" is issue 16's: four accounts
(two X, one Mastodon, one Bluesky), 5 minutes apart, a cap of 100 a day each:
about 12,000 posts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from advocate import cases
from advocate.db import open_db, write
from installed import as_installed  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CASES, DAYS = 1_000, 30
OFFICIALS = 50  # each named by 20 cases: the per-handle daily limit links them (planned in one process group)
NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
GOAL_SECONDS, GOAL_MB = 2.0, 200
COUNTRIES = ["Kazakhstan", "Egypt", "Iran", "Russia", "China", "Turkey", "Belarus", "Saudi Arabia"]
LANGUAGES = [["English"], ["Russian", "English"], ["English", "Russian"]]

BUSY = {"national_x": "x", "regional_x": "x", "masto": "mastodon", "sky": "bluesky"}
ACCOUNTS = {
    "default": ('accounts = ["rehearsal"]', "daily_cap = 17",
                '[accounts.rehearsal]\ntype = "dryrun"\noutbox = "outbox.jsonl"\n'),
    "busy": (f"accounts = {list(BUSY)!r}".replace("'", '"'), "daily_cap = 100\nmin_spacing_minutes = 5",
             "".join(f'[accounts.{n}]\ntype = "{kind}"\n' for n, kind in BUSY.items())),
}


def write_config(folder: Path, scenario: str) -> Path:
    accounts, cap, tables = ACCOUNTS[scenario]
    text = (f'[advocate]\ndatabase = "bench.db"\nmessages = "{REPO / "messages"}"\n{accounts}\n'
            f'[posting]\ntimezone = "Asia/Almaty"\n{cap}\n{tables}')
    path = folder / f"{scenario}.toml"
    path.write_text(text)
    return path


def case_fields(i: int) -> tuple[dict, list[dict]]:
    official = f"@prosecutor{i % OFFICIALS}"  # cases in one country often appeal to the same official
    deadline = (NOW + dt.timedelta(days=1 + i % DAYS)).date().isoformat()
    fields = {
        "ua_number": f"UA {i}/26", "person": f"Person Number{i}", "pronouns": ["he/him", "she/her", "they/them"][i % 3],
        "country": COUNTRIES[i % len(COUNTRIES)], "issued": NOW.date().isoformat(), "deadline": deadline,
        "hashtags": [f"#Free{i}", "#HRD"], "handles": [official], "languages": LANGUAGES[i % 3],
    }
    target = {"name": f"Official {i % OFFICIALS}", "title": "Prosecutor General", "handle": official, "additional": 0}
    return fields, [target]


def build(path: Path) -> None:
    db = open_db(path)
    with write(db):
        for i in range(CASES):
            fields, targets = case_fields(i)
            cases.create_case(db, NOW, fields, targets, {}, {}, "UTC")
    db.close()


def run_cli(config: Path, source: Path, profile: Path | None = None) -> tuple[float, float, int, float]:
    """(wall seconds, max RSS MB, posts stored, CPU seconds) of one `advocate schedule` on a fresh copy."""
    db_path = config.parent / "bench.db"
    shutil.copy(source, db_path)
    command = [sys.executable, *(["-m", "cProfile", "-s", "tottime", "-o", str(profile)] if profile else []),
               "-m", "advocate", "--config", str(config), "--now", NOW.isoformat(), "schedule"]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=config.parent)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"advocate schedule failed ({proc.returncode}): {stderr[-2000:]}")
    import sqlite3

    conn = sqlite3.connect(db_path)
    posts = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
    conn.close()
    db_path.unlink()
    return seconds, usage.ru_maxrss / 1024, posts, usage.ru_utime + usage.ru_stime


def verdict(value: float, goal: float) -> str:
    return "met" if value < goal else "MISSED"


def hot(path: Path, count: int = 20) -> str:
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.sort_stats("tottime").print_stats(count)
    stats.sort_stats("cumulative").print_stats(count)
    return out.getvalue()


def main() -> None:
    as_installed()  # bytecode compiled, as pip leaves it (see installed.py)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="also profile each scenario and print the hot functions")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario; the median is reported")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "source.db"
        started = time.perf_counter()
        build(source)
        print(f"generated {CASES:,} open cases, deadlines 1-{DAYS} days out, in {time.perf_counter() - started:.1f} s (not counted)")
        for scenario in ACCOUNTS:
            config = write_config(folder, scenario)
            runs = sorted(run_cli(config, source) for _ in range(max(args.runs, 1)))
            seconds, rss, posts, cpu = runs[len(runs) // 2]
            rss = max(r[1] for r in runs)
            print(f"{scenario:>8}: {posts:,} posts; wall {seconds:.2f} s (goal < {GOAL_SECONDS:g} s: {verdict(seconds, GOAL_SECONDS)}), "
                  f"max RSS {rss:.0f} MB (goal < {GOAL_MB} MB: {verdict(rss, GOAL_MB)}) "
                  f"[CPU {cpu:.2f} s; runs: {', '.join(f'{r[0]:.2f}' for r in runs)} s; load {os.getloadavg()[0]:.1f}]")
            if args.profile:
                profile = folder / f"{scenario}.prof"
                run_cli(config, source, profile)
                print(hot(profile))


if __name__ == "__main__":
    main()
