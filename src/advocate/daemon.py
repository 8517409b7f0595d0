"""`advocate daemon`: wake when something is due, tick, sleep again.

The posts table is the only record. APScheduler, with its in-memory job
store, only arms wake-ups: a poll every few seconds (so the CLI's
approvals and closures are seen without a restart) and a one-off job at
the next due post (so posts go out on time). Its jobs are rebuilt from
the tables at every start; none is ever persisted.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import signal
import socket
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clock import Clock, VirtualClock
from .config import Config
from .db import open_db, write
from .dispatch import ChannelPool, Dispatcher, TickResult
from .errors import AdvocateError
from .timefmt import to_db

logger = logging.getLogger("advocate")


@dataclass
class RunSummary:
    sent: list[int] = field(default_factory=list)
    problems: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)
    interrupted: list[int] = field(default_factory=list)
    on_copy: Path | None = None  # a simulation run on a copy of the database

    def add(self, tick: TickResult) -> None:
        self.sent += tick.sent
        self.problems += tick.problems
        self.expired += tick.expired
        self.moved += tick.moved


class InstanceLock:
    """One daemon per database: an flock on a file beside it, released by the OS on any exit."""

    def __init__(self, path: Path):
        self.path = path
        self._file = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "a+")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise AdvocateError(f"another advocate daemon already runs on this database (lock {self.path}); stop it first") from None
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"{os.getpid()}\n")
        self._file.flush()
        return self

    def __exit__(self, *exc):
        self._file.close()


def real_accounts(config: Config) -> list[str]:
    return [name for name in config.accounts if config.account(name)["type"] != "dryrun"]


def simulate(db, config: Config, start: dt.datetime, until: dt.datetime, environ: Mapping[str, str], *,
             in_place: bool = False) -> RunSummary:
    """The daemon's loop on a virtual clock, every account rehearsed by the dry-run channel.

    It runs on a copy of the database (advocate.simulation.db), each account
    writing to its own simulate-ACCOUNT.jsonl: the live queue is never
    touched, so `history` and `status` show only what really went out.
    `in_place` (dry-run accounts only: a rehearsal database) runs on the
    queue itself, its posts "sent" to their accounts' outboxes.
    """
    if until <= start:
        raise AdvocateError(f"--until {until.isoformat()} is not after the start {start.isoformat()}")
    if in_place and real_accounts(config):
        raise AdvocateError(f"--in-place would mark posts of {', '.join(real_accounts(config))} sent without publishing them; "
                            "leave it out to rehearse on a copy")
    with InstanceLock(config.lock_path):  # never beside a live daemon on the same database
        if not in_place:
            return _simulate_on_copy(db, config, start, until, environ)
        return _simulate(db, config, start, until, ChannelPool(config, environ, simulate=True), housekeeping=True)


def _simulate_on_copy(db, config: Config, start, until, environ) -> RunSummary:
    copy_path = simulation_copy_path(config)
    copy_path.unlink(missing_ok=True)
    for name in config.accounts:  # each run's outboxes hold that run's posts only
        simulation_outbox(config, name).unlink(missing_ok=True)
    target = sqlite3.connect(copy_path)
    db.conn.backup(target)
    target.close()
    copy = open_db(copy_path)
    try:
        pool = ChannelPool(config, environ, simulate=True, rehearse_all=True)
        summary = _simulate(copy, config, start, until, pool, housekeeping=False)
        summary.on_copy = copy_path
        return summary
    finally:
        copy.close()


def simulation_outbox(config: Config, account: str) -> Path:
    """Where a simulation on the copy writes an account's posts (as dispatch.ChannelPool names it)."""
    return config.database.parent / f"simulate-{account}.jsonl"


def simulation_copy_path(config: Config) -> Path:
    return config.database.with_name(config.database.stem + ".simulation.db")


def _simulate(db, config: Config, start, until, pool: ChannelPool, housekeeping: bool) -> RunSummary:
    clock, summary = VirtualClock(start), RunSummary()
    dispatcher = Dispatcher(db, config, pool, housekeeping=housekeeping)
    summary.interrupted = dispatcher.start(clock.now())
    try:
        while True:
            now = clock.now()
            summary.add(dispatcher.tick(now))
            wake = dispatcher.next_wake(now)
            if wake is None or wake > until:
                break
            clock.advance_to(wake if wake > now else now + dt.timedelta(seconds=config.daemon.poll_seconds))
    finally:
        pool.close()
    return summary


def run_once(db, config: Config, now: dt.datetime, environ: Mapping[str, str]) -> RunSummary:
    """Post what is due now and return: for cron."""
    summary = RunSummary()
    pool = ChannelPool(config, environ)
    with InstanceLock(config.lock_path):
        dispatcher = Dispatcher(db, config, pool)
        summary.interrupted = dispatcher.start(now)
        try:
            summary.add(dispatcher.tick(now))
        finally:
            pool.close()
    return summary


class Daemon:
    """The long-running service."""

    def __init__(self, config: Config, clock: Clock, environ: Mapping[str, str], reload_config: Callable[[], Config]):
        self.config, self.clock, self.environ, self.reload_config = config, clock, environ, reload_config
        self.stopping = threading.Event()
        self.reload_requested = threading.Event()  # set by SIGHUP, acted on at the next tick
        self._shutdown: threading.Thread | None = None
        self._signal_pipe = -1  # written by the signal handlers, read by the "signals" thread
        # Made in run(), on the thread that runs the daemon.
        self.scheduler: Any = None
        self.db: Any = None
        self.dispatcher: Any = None
        self.pool: Any = None

    def run(self) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.blocking import BlockingScheduler

        with InstanceLock(self.config.lock_path):
            self.db = open_db(self.config.database)
            self._connect()
            interrupted = self.dispatcher.start(self.clock.now())
            self._heartbeat(alive=True)  # alive from the first second, before any tick, however long
            if interrupted:
                logger.warning("posts %s were being sent when the daemon last stopped: now 'unknown', to reconcile", interrupted)
            # One worker: ticks never overlap, so each post is handled by one thread.
            self.scheduler = BlockingScheduler(executors={"default": ThreadPoolExecutor(1)}, timezone=dt.UTC)
            self.scheduler.add_job(self.wake, "interval", seconds=self.config.daemon.poll_seconds, id="poll",
                                   coalesce=True, max_instances=1, next_run_time=dt.datetime.now(dt.UTC))
            self._install_signals()
            notify("READY=1")
            logger.info("daemon started (pid %s, database %s, accounts %s)", os.getpid(), self.config.database, ", ".join(self.config.accounts))
            self.scheduler.start()
            # The loop can end before the worker has finished its tick: wait for it,
            # so the tick and these last writes never share the connection at once.
            if self._shutdown is not None:
                self._shutdown.join()
            # Still under the lock, so a new daemon never sees our last words as its own.
            self._heartbeat(alive=False)
            self.pool.close()
            self.db.close()
        logger.info("daemon stopped")

    def _connect(self) -> None:
        self.pool = ChannelPool(self.config, self.environ)
        self.dispatcher = Dispatcher(self.db, self.config, self.pool, should_stop=self.stopping.is_set, alive=self._alive)

    def wake(self) -> None:
        """A tick; then arm a one-off wake-up at the next due moment."""
        if self.stopping.is_set():
            return
        if self.reload_requested.is_set():
            self.reload_requested.clear()
            self._apply_reload()
        now = self.clock.now()
        try:
            self.dispatcher.tick(now)
        except Exception:  # a failing tick is logged and retried next poll, never fatal
            logger.exception("tick failed; retrying at the next poll")
        self._alive()
        self._arm(now)

    def _alive(self) -> None:
        """Tell systemd's watchdog and `advocate status` that work goes on (also mid-tick)."""
        notify("WATCHDOG=1")
        try:
            self._heartbeat(alive=True)
        except sqlite3.Error as exc:  # a busy database must not end the tick; the next ping retries
            logger.warning("heartbeat not written: %s", exc)

    def _arm(self, now: dt.datetime) -> None:
        wake = self.dispatcher.next_wake(now)
        if wake is None or self.stopping.is_set():
            return
        delay = max((wake - self.clock.now()).total_seconds(), 0.0)
        if delay < self.config.daemon.poll_seconds:
            run_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=delay)
            self.scheduler.add_job(self.wake, "date", run_date=run_at, id="due", replace_existing=True, misfire_grace_time=None)

    def _heartbeat(self, alive: bool) -> None:
        values = {"pid": str(os.getpid()), "heartbeat": to_db(self.clock.now()), "alive": "1" if alive else "0"}
        with write(self.db):
            for key, value in values.items():
                self.db.execute("INSERT OR REPLACE INTO daemon (key, value) VALUES (?, ?)", [key, value])

    def _install_signals(self) -> None:
        """Handlers only write the signal's number down a pipe; a thread acts on it.

        A Python handler can be interrupted by the next signal: a burst of
        SIGHUPs re-entered Event.set() and deadlocked on its lock, and the
        daemon then ignored SIGTERM (seen once in 25 runs of the systemd test
        under load). os.write takes no lock, so nothing a handler does can wait.
        """
        read_end, write_end = os.pipe()
        os.set_blocking(write_end, False)
        self._signal_pipe = write_end
        threading.Thread(target=self._act_on_signals, args=(read_end,), daemon=True, name="signals").start()
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum, frame) -> None:
        try:
            os.write(self._signal_pipe, bytes([signum]))
        except BlockingIOError:  # 64 KiB of signals not yet read: the ones queued say the same
            pass

    def _act_on_signals(self, read_end: int) -> None:
        while signals := os.read(read_end, 256):  # empty: the pipe was closed
            for signum in signals:
                if signum == signal.SIGHUP:
                    self.reload_requested.set()  # acted on at the next tick, on the worker, between posts
                else:
                    self._stop(signum)

    def _stop(self, signum: int) -> None:
        if self.stopping.is_set():  # a second signal: already stopping; shutdown() twice would raise
            logger.info("signal %s: already stopping", signum)
            return
        logger.info("signal %s: finishing the post in flight, then stopping", signum)
        notify("STOPPING=1")
        self.stopping.set()
        # shutdown(wait=True) waits for the tick in flight; the scheduler's loop
        # on the main thread then returns from start().
        self._shutdown = threading.Thread(target=self.scheduler.shutdown, kwargs={"wait": True}, daemon=True)
        self._shutdown.start()

    def _apply_reload(self) -> None:
        """On the single worker, between ticks, so no post is in flight."""
        try:
            config = self.reload_config()
        except AdvocateError as exc:
            logger.error("config not reloaded, keeping the old one: %s", exc)
            return
        self.config = config
        self.pool.close()
        self._connect()
        logger.info("config reloaded")


def notify(message: str) -> None:
    """sd_notify: tell systemd we are ready / alive, when it is listening."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            # Never wait: a listener that stops reading fills its queue (10
            # datagrams), and a blocking send would stall the tick for good.
            sock.send(message.encode(), socket.MSG_DONTWAIT)
    except BlockingIOError:
        logger.debug("sd_notify: %s dropped, the listener's queue is full", message)
    except OSError as exc:
        logger.warning("sd_notify failed: %s", exc)
