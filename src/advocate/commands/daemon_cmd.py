"""`advocate daemon`, `advocate status` and `advocate account ...`."""

from __future__ import annotations

import logging
import sys

import click

from ..output import echo_json, json_option, warn
from .params import LINE


def register(cli: click.Group) -> None:
    cli.add_command(daemon)
    cli.add_command(status)
    cli.add_command(account)


@click.command()
@click.option("--once", is_flag=True, help="Post what is due now, then exit (for cron).")
@click.option("--simulate", is_flag=True, help="Rehearse on a virtual clock with the dry-run channel, on a copy of the database: "
              "nothing is published and the queue is unchanged. Needs --until.")
@click.option("--until", "until", metavar="TIME", help="With --simulate: run the virtual clock up to TIME "
              "('2019-06-01', 'tomorrow 10:00', ISO 8601; no offset: the posting zone).")
@click.option("--in-place", is_flag=True, help="With --simulate: rehearse on the queue itself, marking its posts sent "
              "(a rehearsal database with dry-run accounts only).")
@click.pass_obj
def daemon(app, once, simulate, until, in_place):
    """Post what is due, as it falls due, until stopped (SIGTERM/SIGINT; SIGHUP reloads config.toml)."""
    from ..errors import AdvocateError

    if simulate != bool(until):
        raise AdvocateError("--simulate and --until go together: advocate daemon --simulate --until 2019-06-01T00:00+05:00")
    if in_place and not simulate:
        raise AdvocateError("--in-place goes with --simulate: advocate daemon --simulate --in-place --until 2019-06-01")
    if simulate:
        from ..daemon import simulate as run_simulation

        _log_to_stdout(logging.WARNING)  # a rehearsal prints one line per post instead
        summary = run_simulation(app.db(), app.config, app.now(), app.parse_time(until, "--until"), app.environ, in_place=in_place)
        _rehearsed(app, summary)
        return _summary(summary, "rehearsed (dry run)")
    _log_to_stdout()
    if once:
        from ..daemon import run_once

        return _summary(run_once(app.db(), app.config, app.now(), app.environ), "sent")
    from ..daemon import Daemon

    app.db().close()  # the daemon opens its own connection
    Daemon(app.config, app.clock, app.environ, app.load_config).run()


def _log_to_stdout(level=logging.INFO) -> None:
    # One line per event; journald adds the time, so we keep it short.
    # Warnings and errors go to stderr, the rest to stdout.
    out, err = logging.StreamHandler(sys.stdout), logging.StreamHandler(sys.stderr)
    out.addFilter(lambda record: record.levelno < logging.WARNING)
    err.setLevel(logging.WARNING)
    logging.basicConfig(level=level, format="%(levelname)s %(message)s", handlers=[out, err], force=True)
    for noisy in ("apscheduler", "urllib3", "requests_oauthlib", "oauthlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _rehearsed(app, summary) -> None:
    from ..db import open_db
    from ..queue import get_post
    from ..timefmt import show

    zone = app.config.posting.timezone
    db = open_db(summary.on_copy) if summary.on_copy else app.db()
    if summary.on_copy:
        from ..daemon import simulation_outbox

        outboxes = [str(simulation_outbox(app.config, name)) for name in app.config.accounts]
        warn(f"rehearsed on a copy of the database ({summary.on_copy}); the queue itself is unchanged "
             f"(--in-place rehearses on it). Outbox: {', '.join(outboxes)}")
    for post_id in summary.sent:
        post = get_post(db, post_id)
        text = " ".join(post["text"].split())
        click.echo(f"{show(post['sent_at'], zone)[:16]}  post {post_id:<4} {post['account']}: {text[:72]}{'…' if len(text) > 72 else ''}")
    if summary.on_copy:
        db.close()


def _summary(summary, verb) -> None:
    click.echo(f"{len(summary.sent)} posts {verb}; {len(summary.problems)} with problems; "
               f"{len(summary.expired)} cases expired; {len(summary.moved)} late posts moved")
    if summary.interrupted:
        warn(f"posts {summary.interrupted} were interrupted mid-send: now 'unknown'; check them with 'advocate queue --status unknown'")


@click.command()
@json_option
@click.pass_obj
def status(app, as_json):
    """Is the daemon alive; the next due post; posts sent in the last 24 hours per account; recent errors."""
    from ..status import gather

    report = gather(app.reader(), app.config, app.now())
    if as_json:
        return echo_json(report)
    import datetime as dt

    from ..review.screen import when_text

    def shown(stored):  # times a person reads: the posting zone, named, to the minute
        return when_text(dt.datetime.fromisoformat(stored), app.config.posting.timezone) if stored else ""

    click.echo(f"daemon: {report['daemon']['state']}" + (f" (pid {report['daemon']['pid']}, last seen {shown(report['daemon']['heartbeat'])})" if report['daemon']['pid'] else ""))
    nxt = report["next_post"]
    click.echo(f"next post: {nxt['id']} on {nxt['channel']} at {shown(nxt['scheduled_at'])}" if nxt else "next post: none due")
    for name, info in report["accounts"].items():
        state = "paused: " + info["paused_reason"] if info["paused"] else ("waiting until " + shown(info["blocked_until"]) if info["blocked_until"] else "active")
        click.echo(f"account {name}: {info['sent_last_24h']} sent in the last 24 hours, cap {info['daily_cap']}; {state}")
    for key, count in report["counts"].items():
        click.echo(f"{key}: {count}")
    for event in report["last_errors"]:
        click.echo(f"{shown(event['at'])}  {event['kind']}: {event['message']}")


@click.group(hidden=True)  # pause and resume live under `queue`; these stay for scripts
def account():
    """Pause or resume an account: now 'advocate queue pause/resume --account NAME'."""


@account.command("pause")
@click.argument("name")
@click.option("--reason", type=LINE, default="paused by user", show_default=True)
@click.pass_obj
def account_pause(app, name, reason):
    """Hold every post of account NAME."""
    from ..accounts import pause

    app.config.account(name)
    pause(app.db(), app.now(), name, reason)
    click.echo(f"account {name} paused")


@account.command("resume")
@click.argument("name")
@click.pass_obj
def account_resume(app, name):
    """Let account NAME post again."""
    from ..accounts import resume

    app.config.account(name)
    resume(app.db(), app.now(), name)
    click.echo(f"account {name} resumed")
