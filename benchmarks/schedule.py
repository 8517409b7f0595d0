"""`advocate schedule` for 1,000 open cases over 30 days: wall time and peak memory
(goals: < 2 s, < 200 MB). Calls advocate.scheduling.schedule directly, with the
repo's messages/ templates, on a database generated with the library.

    .venv/bin/python benchmarks/schedule.py            # both scenarios
    .venv/bin/python benchmarks/schedule.py --profile  # and where the time goes

Scenarios: "default" is config.toml's posting settings (one account, cap 17, but
90 minutes apart in a 12-hour window: 8 posts a day at most); "busy" has three
accounts, 5 minutes apart, with a cap of 100 a day each: up to 9,000 posts.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import resource
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from advocate import cases
from advocate.config import load_config
from advocate.db import open_db, write
from advocate.messages.templates import load_templates
from advocate.scheduling import schedule

REPO = Path(__file__).resolve().parents[1]
CASES, DAYS = 1_000, 30
NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc)
COUNTRIES = ["Kazakhstan", "Egypt", "Iran", "Russia", "China", "Turkey", "Belarus", "Saudi Arabia"]
LANGUAGES = [["English"], ["Russian", "English"], ["English", "Russian"]]

ACCOUNTS = {
    "default": ('accounts = ["rehearsal"]', "daily_cap = 17",
                '[accounts.rehearsal]\ntype = "dryrun"\noutbox = "outbox.jsonl"\n'),
    "busy": ('accounts = ["one", "two", "three"]', "daily_cap = 100\nmin_spacing_minutes = 5",
             "".join(f'[accounts.{n}]\ntype = "dryrun"\noutbox = "{n}.jsonl"\n' for n in ("one", "two", "three"))),
}


def write_config(folder: Path, scenario: str) -> Path:
    accounts, cap, tables = ACCOUNTS[scenario]
    text = (f'[advocate]\ndatabase = "bench.db"\nmessages = "{REPO / "messages"}"\n{accounts}\n'
            f'[posting]\ntimezone = "Asia/Almaty"\n{cap}\n{tables}')
    path = folder / f"{scenario}.toml"
    path.write_text(text)
    return path


def case_fields(i: int) -> tuple[dict, list[dict]]:
    deadline = (NOW + dt.timedelta(days=1 + i % DAYS)).date().isoformat()
    fields = {
        "ua_number": f"UA {i}/26", "person": f"Person Number{i}", "pronouns": ["he/him", "she/her", "they/them"][i % 3],
        "country": COUNTRIES[i % len(COUNTRIES)], "issued": NOW.date().isoformat(), "deadline": deadline,
        "hashtags": [f"#Free{i}", "#HRD"], "handles": [f"@official{i}"], "languages": LANGUAGES[i % 3],
    }
    target = {"name": f"Official {i}", "title": "Prosecutor General", "handle": f"@official{i}", "additional": 0}
    return fields, [target]


def build(path: Path) -> None:
    db = open_db(path)
    with write(db):
        for i in range(CASES):
            fields, targets = case_fields(i)
            cases.create_case(db, NOW, fields, targets, {}, {}, "UTC")
    db.close()


def run(config_path: Path, db_path: Path, templates, measure: str):
    """One schedule() on a fresh copy of the database; returns (seconds, peak bytes or None, result)."""
    config = load_config(config_path)
    shutil.copy(db_path, config.database)
    db = open_db(config.database)
    profiler = cProfile.Profile() if measure == "profile" else None
    if measure == "memory":
        tracemalloc.start()
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = schedule(db, config, NOW, templates)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if measure == "memory" else None
    if measure == "memory":
        tracemalloc.stop()
    db.close()
    config.database.unlink()
    return seconds, peak, result, profiler


def hot(profiler: cProfile.Profile, count: int = 15) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(count)
    stats.sort_stats("cumulative").print_stats(count)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="print the hot functions of each scenario")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "source.db"
        started = time.perf_counter()
        build(source)
        print(f"generated {CASES:,} open cases, deadlines 1-{DAYS} days out, in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        templates = load_templates(REPO / "messages")
        print(f"loaded {len(templates)} templates in {(time.perf_counter() - started) * 1000:.0f} ms (not counted below)")
        for scenario in ACCOUNTS:
            config = write_config(folder, scenario)
            seconds, _, result, _ = run(config, source, templates, "time")
            _, peak, _, _ = run(config, source, templates, "memory")
            posts = sum(result.added.values())
            print(f"{scenario:>8}: {seconds:.2f} s (goal < 2 s), peak {peak / 2**20:.0f} MB traced (goal < 200 MB), "
                  f"{posts:,} posts for {len(result.added):,} cases, {sum(result.unfilled.values()):,} slots unfilled")
            if args.profile:
                print(hot(run(config, source, templates, "profile")[3]))
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
