"""The real `advocate daemon` against FakeX on loopback, on the real clock.

    .venv/bin/python benchmarks/daemon.py [--posts 30] [--idle 20] [--queued 100000]

Prints:
- lateness of due posts: seconds from scheduled_at to FakeX receiving the
  request, p50/p99 (goal: p99 < 1 s), with the default poll_seconds = 5,
  so the one-off 'due' wake-up is what makes posts punctual;
- idle CPU of the daemon over --idle seconds, as percent of one core;
- RSS of the daemon with --queued posts waiting (goal < 80 MB), and its
  idle CPU then.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from advocate import queue  # noqa: E402
from daemon_helpers import UTC, add_case, daemon_command, open_campaign, subprocess_env, write_config  # noqa: E402
from fake_x import FakeX  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def start_daemon(config_path: Path) -> subprocess.Popen:
    log = (config_path.parent / "daemon.log").open("a")
    return subprocess.Popen(daemon_command(config_path), env=subprocess_env(), stdout=log, stderr=subprocess.STDOUT)


def wait_alive(config_path: Path, proc: subprocess.Popen, timeout: float = 30) -> None:
    import sqlite3

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        conn = sqlite3.connect(config_path.parent / "advocate.db", timeout=15)
        rows = dict(conn.execute("SELECT key, value FROM daemon").fetchall())
        conn.close()
        if rows.get("pid") == str(proc.pid) and rows.get("alive") == "1":
            return
        time.sleep(0.05)
    raise SystemExit("the daemon did not start; see daemon.log")


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)


def idle_cpu(pid: int, seconds: float) -> float:
    before, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return 100 * (cpu_seconds(pid) - before) / (time.monotonic() - t0)


def plain_posts(case_id: int, times: list[dt.datetime], prefix: str) -> list[queue.NewPost]:
    return [queue.NewPost(case_id=case_id, account="org_x", network="x", scheduled_at=at,
                          text=f"{prefix} {i}: free the defender now", dedupe_key=f"{prefix}-{i}",
                          template="bench", language="en", kind="call")
            for i, at in enumerate(times)]


def lateness_and_idle(folder: Path, count: int, idle_seconds: float) -> None:
    received: dict[str, float] = {}
    lock = threading.Lock()

    def note_arrival(seen):
        if seen.route == "create":
            with lock:
                received.setdefault(seen.text, time.time())

    with FakeX() as fake:
        fake.handler = note_arrival
        config_path = write_config(folder, {"org_x": fake.base_url}, poll_seconds=5, timeout=5)
        config, db = open_campaign(config_path)
        now = dt.datetime.now(UTC)
        case_id = add_case(db, now, "Maryam Ahmadi", (now + dt.timedelta(days=30)).date())
        first = now.replace(microsecond=0) + dt.timedelta(seconds=4)
        posts = plain_posts(case_id, [first + dt.timedelta(seconds=i) for i in range(count)], "due")
        queue.add_planned(db, posts, now, review=False)
        db.close()
        proc = start_daemon(config_path)
        try:
            wait_alive(config_path, proc)
            deadline = time.monotonic() + count + 30
            while len(received) < count and time.monotonic() < deadline:
                time.sleep(0.1)
            late = sorted(received[p.text] - p.scheduled_at.timestamp() for p in posts if p.text in received)
            print(f"lateness of due posts ({len(late)}/{count} received, poll_seconds=5): "
                  f"p50 {statistics.median(late):.3f} s, p99 {percentile(late, 99):.3f} s, max {late[-1]:.3f} s (goal p99 < 1 s)")
            print(f"idle CPU over {idle_seconds:.0f} s (empty queue): {idle_cpu(proc.pid, idle_seconds):.2f} %")
        finally:
            stop(proc)


def queued_rss(folder: Path, queued: int, idle_seconds: float) -> None:
    with FakeX() as fake:
        config_path = write_config(folder, {"org_x": fake.base_url}, poll_seconds=5, timeout=5)
        config, db = open_campaign(config_path)
        now = dt.datetime.now(UTC)
        per_case = 1000
        for n in range(queued // per_case):
            case_id = add_case(db, now, f"Defender {n}", (now + dt.timedelta(days=60)).date())
            start = now + dt.timedelta(hours=1)
            times = [start + dt.timedelta(seconds=37 * (n * per_case + i)) for i in range(per_case)]
            queue.add_planned(db, plain_posts(case_id, times, f"case {n}"), now, review=False)
        total = next(db.query("SELECT count(*) AS n FROM posts WHERE status = 'scheduled'"))["n"]
        db.close()
        proc = start_daemon(config_path)
        try:
            wait_alive(config_path, proc)
            time.sleep(6)  # a few polls
            cpu = idle_cpu(proc.pid, idle_seconds)
            rss, peak = memory_mb(proc.pid)
            print(f"RSS with {total:,} queued posts: {rss:.1f} MB (peak {peak:.1f} MB; goal < 80 MB); "
                  f"idle CPU then: {cpu:.2f} %")
        finally:
            stop(proc)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=30, help="due posts for the lateness figure (one a second)")
    parser.add_argument("--idle", type=float, default=20, help="seconds of idle to measure CPU over")
    parser.add_argument("--queued", type=int, default=100_000, help="queued posts for the RSS figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="advocate-bench-") as tmp:
        lateness_and_idle(Path(tmp) / "due", args.posts, args.idle)
        queued_rss(Path(tmp) / "queued", args.queued, args.idle)


if __name__ == "__main__":
    main()
