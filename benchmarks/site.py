"""`advocate site build` through the CLI: the seed case, then 1,000 open cases
(a first build, and a second one when nothing changed), wall time of the command.

    .venv/bin/python benchmarks/site.py

The 1,000-case database is made with the library (not timed), with the
targets, hashtags and languages schedule.py's benchmark uses.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from advocate import cases  # noqa: E402
from advocate.db import open_db, write  # noqa: E402
from installed import as_installed  # noqa: E402
from schedule import case_fields  # noqa: E402

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def advocate(config: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "advocate", "--config", str(config), *args], check=True,
                   capture_output=True, text=True)
    return time.perf_counter() - started


def main() -> None:
    as_installed()  # bytecode compiled, as pip leaves it (see installed.py)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        config = root / "config.toml"
        config.write_text(f'[advocate]\ndatabase = "site.db"\nmessages = "{REPO / "messages"}"\n'
                          f'[site]\npages = "{REPO / "pages"}"\n')
        seed = REPO / "examples" / "ua-46-19" / "ua-46-19-initial.txt"
        open_db(root / "site.db").close()
        advocate(config, "--now", "2019-04-10T09:00+05:00", "ingest", str(seed))
        first = advocate(config, "--now", "2019-04-10T09:00+05:00", "site", "build", str(root / "seed"))
        again = advocate(config, "--now", "2019-04-10T09:00+05:00", "site", "build", str(root / "seed"))
        print(f"seed case: first build {first:.2f} s, unchanged {again:.2f} s")
        db = open_db(root / "site.db")
        with write(db):
            for i in range(1, 1000):
                fields, targets = case_fields(i)
                cases.create_case(db, NOW, fields, targets, {}, {}, "UTC")
        db.close()
        now = "2026-03-02T10:00+00:00"
        first = advocate(config, "--now", now, "site", "build", str(root / "many"))
        again = advocate(config, "--now", now, "site", "build", str(root / "many"))
        pages = len(list((root / "many").rglob("*.html")))
        print(f"1,000 cases ({pages} pages): first build {first:.1f} s, unchanged {again:.2f} s")
        print(f"the daemon's tick when nothing changed (in process): {daemon_tick(config, root / 'many', now) * 1000:.0f} ms")


def daemon_tick(config: Path, folder: Path, now: str) -> float:
    from advocate.config import load_config
    from advocate.site.build import build_site

    loaded = load_config(config)
    db = open_db(loaded.database)
    started = time.perf_counter()
    result = build_site(db, loaded, folder, dt.datetime.fromisoformat(now), check=False, skip_unchanged=True)
    assert result.written == []
    db.close()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
