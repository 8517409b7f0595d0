"""A pure function over many items, in forked worker processes, results in order.

For CPU-bound work with no side effects (a document's text -> its fields):

    with ordered_map(parse_ua, texts) as results:
        for text, parsed in zip(texts, results):
            ...  # store, print: here, in order, one at a time

The first item runs in this process before any fork, so what it loads on
first use (modules, compiled patterns, tables) is loaded once and every
worker inherits it; the other items go to worker processes forked from this
one, as many as there are CPUs to run on, and come back in the items' order.
It all runs in this process, as map() would, when there is one CPU, fewer
items than `min_items` (a fork costs more than it saves), no 'fork' start
method (spawn would import everything again in each worker), or another
thread running here (a fork copies only the calling thread).

An exception raised for an item is raised here at that item's turn, as map()
would: every earlier result has been yielded, later ones are not waited for.
Results must pickle (an exception that does not comes back as a RuntimeError
saying so); the function and the items need not: the workers are forked with them.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


CPU_QUOTA = "/sys/fs/cgroup/cpu.max"  # cgroup v2: "QUOTA PERIOD", or "max PERIOD" for none


def cpus() -> int:
    """The CPUs this process may run on: its affinity, within its container's CPU quota
    (docker --cpus=1 leaves every CPU in the affinity but time for one)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    quota = _cpu_quota()
    return max(1, min(count, quota)) if quota else count


def _cpu_quota() -> int | None:
    try:
        quota, period = Path(CPU_QUOTA).read_text(encoding="ascii").split()[:2]
        return -(-int(quota) // int(period)) if quota != "max" else None  # 1.5 CPUs' time: 2 processes
    except (OSError, ValueError):
        return None


def can_fork() -> bool:
    """Whether workers may be forked here: a 'fork' start method, not macOS (whose
    system libraries break in a forked child: Python made spawn its default there),
    and no other thread running (a fork copies one thread: a lock another thread
    holds would stay held in the worker)."""
    import sys
    import threading

    if not hasattr(os, "fork") or sys.platform == "darwin" or threading.active_count() > 1:
        return False
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def worker_count(items: int, min_items: int, processes: int | None = None) -> int:
    """How many worker processes ordered_map forks for `items` items: 0 means it runs them here."""
    wanted = min(processes if processes is not None else cpus(), items - 1)
    return wanted if items >= min_items and wanted >= 2 and can_fork() else 0


@contextlib.contextmanager
def ordered_map(function: Callable[[Item], Result], items: Iterable[Item], *, min_items: int = 8,
                processes: int | None = None) -> Iterator[Iterator[Result]]:
    """function(item) for each item, in order; see the module's docstring.
    `processes` caps the workers (default: the CPUs this process may use)."""
    listed = list(items)
    workers = worker_count(len(listed), min_items, processes)
    if not workers:
        yield map(function, listed)
        return
    first = _attempt(function, listed[0])
    rest = listed[1:]
    channels: list = []
    try:  # worker n takes items n, n + workers, ...: no threads, no queue here
        _start(channels, [(function, rest[number::workers]) for number in range(workers)])
        yield itertools.chain(_outcome(first), _collect(channels, len(rest)))
    finally:  # the workers still at it when the caller stops (after a failure, say) are stopped
        _stop(channels)


def together(tasks: list[Callable[[], Result]]) -> list[Result]:
    """Each task's result, in order: the last task runs here while each other one
    runs in a process forked for it. A task's exception is raised here (the first
    in order); a worker that dies raises ChildProcessError. Fork only where
    can_fork() says so (no other thread running, a 'fork' start method)."""
    if len(tasks) < 2:
        return [task() for task in tasks]
    channels: list = []
    try:
        _start(channels, [(_call, [task]) for task in tasks[:-1]])
        mine = tasks[-1]()
        return [*_collect(channels, len(channels)), mine]
    finally:
        _stop(channels)


def _start(channels: list, jobs: list[tuple[Callable, list]]) -> None:
    """Fork a worker for each (function, items), adding its (process, read end) to `channels`
    as it starts, so that the caller stops every one started. multiprocessing flushes stdout
    and stderr before each fork: nothing buffered is written twice."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for function, items in jobs:
        receiver, sender = context.Pipe(duplex=False)
        readers = [*(r for _, r in channels), receiver]  # the worker's copies of every read end, to close
        process = context.Process(target=_serve, args=(function, items, sender, readers), daemon=True)
        process.start()
        sender.close()
        channels.append((process, receiver))


def _call(task: Callable[[], Result]) -> Result:
    return task()


def _stop(channels: list) -> None:
    for process, receiver in channels:
        receiver.close()
        if process.is_alive():
            process.terminate()
        process.join()


def _serve(function: Callable, items: list, sender, readers: list) -> None:
    """In a worker: each item's (True, result) or (False, exception), in order, down the pipe.

    The worker first closes its copies of the pipes' read ends: then, if the parent dies
    without stopping it (kill -9, the OOM killer, a SIGTERM with no handler), nothing can
    read what it sends, the send fails, and it ends instead of waiting for ever."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops the workers
    for reader in readers:
        reader.close()
    try:
        for item in items:
            outcome = _attempt(function, item)
            try:
                sender.send(outcome)
            except (BrokenPipeError, ConnectionResetError):
                raise
            except Exception as exc:  # a result or an exception that does not pickle
                sender.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        sender.close()
    except (BrokenPipeError, ConnectionResetError):  # the parent is gone: nobody wants the results
        return


def _collect(channels: list, count: int) -> Iterator:
    for index in range(count):
        process, receiver = channels[index % len(channels)]
        try:
            outcome = receiver.recv()
        except EOFError:
            process.join()
            raise ChildProcessError(f"a worker process ended before it answered (exit status {process.exitcode})") from None
        yield from _outcome(outcome)


def _attempt(function: Callable[[Item], Result], item: Item) -> tuple[bool, object]:
    try:
        return True, function(item)
    except Exception as exc:  # raised again at its turn, as map() would
        return False, exc


def _outcome(attempt: tuple[bool, object]) -> Iterator:
    ok, value = attempt
    if not ok:
        assert isinstance(value, Exception)
        raise value
    yield value
