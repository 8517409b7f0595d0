"""advocate.workers.ordered_map: a pure function over items in forked workers,
results in the items' order, exceptions at their item's turn; in this process
when a fork is not worth it or not possible."""

from __future__ import annotations

import os
import threading

import pytest

from advocate import workers
from advocate.workers import ordered_map, worker_count

fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers fork")


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def fails_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError(f"item {n} is bad")
    return n


class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("cannot pickle this")


def fails_unpicklably(n: int) -> int:
    if n == 5:
        raise Unpicklable("odd one")
    return n


def dies_on_five(n: int) -> int:
    if n == 5:
        os._exit(3)  # as the kernel's OOM killer would end it
    return n


@fork_only
def test_results_come_in_order_from_worker_processes_the_first_from_this_one():
    with ordered_map(square_and_pid, range(40), processes=2) as results:
        got = list(results)
    assert [value for value, _ in got] == [n * n for n in range(40)]
    pids = {pid for _, pid in got}
    assert got[0][1] == os.getpid()  # the first item warms this process; workers inherit what it loaded
    assert len(pids - {os.getpid()}) == 2 and all(pid != os.getpid() for _, pid in got[1:])


@pytest.mark.parametrize("processes", [1, 2])
def test_an_exception_is_raised_at_its_items_turn_after_every_earlier_result(processes):
    seen = []
    with pytest.raises(ValueError, match="item 7 is bad"), ordered_map(fails_on_seven, range(20), processes=processes) as results:
        for value in results:
            seen.append(value)
    assert seen == list(range(7))


@fork_only
def test_an_exception_that_does_not_pickle_still_stops_at_its_item():
    seen = []
    with pytest.raises(RuntimeError, match="odd one|pickle"), ordered_map(fails_unpicklably, range(20), processes=2) as results:
        for value in results:
            seen.append(value)
    assert seen == list(range(5))


@fork_only
def test_a_worker_that_dies_is_reported_at_the_first_item_it_owed():
    # Run here instead of in a worker, the item would end pytest itself: make sure it forks.
    assert worker_count(20, 8, processes=2) == 2, f"no fork: other threads here {threading.enumerate()}"
    seen = []
    with pytest.raises(ChildProcessError, match="exit status 3"), ordered_map(dies_on_five, range(20), processes=2) as results:
        for value in results:
            seen.append(value)
    assert seen == list(range(5))


@fork_only
def test_no_worker_outlives_the_block_when_the_caller_stops_early():
    import multiprocessing

    with ordered_map(square_and_pid, range(200), processes=2) as results:
        next(results)
    assert multiprocessing.active_children() == []


def test_few_items_one_cpu_or_no_fork_run_here_as_map_would(monkeypatch):
    with ordered_map(square_and_pid, range(5), processes=4, min_items=8) as results:
        assert {pid for _, pid in results} == {os.getpid()}
    assert worker_count(100, 8, processes=1) == 0
    monkeypatch.setattr(workers, "cpus", lambda: 1)
    assert worker_count(100, 8) == 0
    with ordered_map(square_and_pid, range(50)) as results:
        assert [v for v, _ in results] == [n * n for n in range(50)]
    monkeypatch.setattr(workers, "cpus", lambda: 8)
    assert worker_count(100, 8) == 8 and worker_count(5, 2) == 4 and worker_count(0, 0) == 0
    monkeypatch.setattr("multiprocessing.get_all_start_methods", lambda: ["spawn"])
    assert worker_count(100, 8) == 0


def test_an_empty_list_gives_no_results():
    with ordered_map(square_and_pid, [], processes=2, min_items=0) as results:
        assert list(results) == []


def test_a_process_with_another_thread_running_does_not_fork():
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert worker_count(100, 8, processes=2) == 0
        with ordered_map(square_and_pid, range(20), processes=2) as results:
            assert {pid for _, pid in results} == {os.getpid()}
    finally:
        stop.set()
        other.join()
    assert worker_count(100, 8, processes=2) == (2 if hasattr(os, "fork") else 0)


_ORPHAN = r"""
import os, signal, sys
from advocate import workers

def big():
    with open(sys.argv[1], "w") as out:
        out.write(str(os.getpid()))
    return "x" * 1_000_000  # more than a pipe holds: sending it waits for a reader

def parent_killed():
    while not (os.path.exists(sys.argv[1]) and os.path.getsize(sys.argv[1])):
        pass  # until the worker is at work
    os.kill(os.getpid(), signal.SIGKILL)  # as kill -9 or the OOM killer would end it

workers.together([big, parent_killed])
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return any(line.split()[:2] == ["State:", "Z"] for line in status)  # a zombie has ended
    except FileNotFoundError:
        return True


@fork_only
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_a_worker_whose_parent_is_killed_ends_instead_of_waiting_for_ever(tmp_path):
    import subprocess
    import sys
    import time

    pid_file = tmp_path / "worker.pid"
    killed = subprocess.run([sys.executable, "-c", _ORPHAN, str(pid_file)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, timeout=60)  # an orphan holding a captured pipe would hang run()
    assert killed.returncode == -9
    worker = int(pid_file.read_text())
    deadline = time.monotonic() + 20  # it ends at once; the margin is for a loaded machine
    while not _gone(worker) and time.monotonic() < deadline:
        time.sleep(0.05)  # polling another process's end, not timing anything
    if not _gone(worker):
        os.kill(worker, 9)
        raise AssertionError("the worker outlived its parent, blocked on a pipe nobody reads")


@pytest.mark.parametrize("cpu_max, expected", [("100000 100000\n", 1), ("150000 100000\n", 2), ("max 100000\n", None),
                                               ("garbage\n", None), (None, None)])
def test_a_containers_cpu_quota_caps_the_workers(tmp_path, monkeypatch, cpu_max, expected):
    quota = tmp_path / "cpu.max"
    if cpu_max is not None:
        quota.write_text(cpu_max)
    monkeypatch.setattr(workers, "CPU_QUOTA", str(quota))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert workers.cpus() == (min(4, expected) if expected else 4)
