"""`advocate schedule`, `advocate queue ...` and `advocate history`."""

from __future__ import annotations

import click

from ..output import echo_json, json_option, warn
from .params import CASE, COUNT, ID, LINE, TEXT

SHOWN_CASES = 20  # beyond this many cases, schedule sums its lines up
STATUSES = ("draft", "scheduled", "sending", "sent", "failed", "cancelled", "unknown")
ACTIVE = ("draft", "scheduled", "sending", "unknown")


def register(cli: click.Group) -> None:
    cli.add_command(schedule)
    cli.add_command(queue)
    cli.add_command(history)


@click.command()
@click.option("--replan", is_flag=True, help="First withdraw future posts nobody approved or edited, then plan afresh.")
@click.option("--case", "case_ids", type=CASE, multiple=True, help="Only this case (repeatable).")
@click.pass_obj
def schedule(app, replan, case_ids):
    """Plan posts for every open case from now to its deadline.

    Inside the daily window, at most the daily cap per account, never the
    same text twice. Running it again only fills gaps.

    The window is in the audience's zone: the account's own ([accounts.NAME]
    timezone), else the case's own ('case edit N --set timezone=...'),
    else [posting] timezone, else this machine's zone.
    """
    from ..messages.templates import load_templates
    from ..scheduling import schedule as plan_posts

    templates = load_templates(app.config.messages)
    with _busy("planning posts"):
        result = plan_posts(app.db(), app.config, app.now(), templates, replan=replan, case_ids=list(case_ids) or None)
    if result.withdrawn:
        click.echo(f"withdrew {result.withdrawn} untouched future posts")
    for note in result.assumed:
        click.echo(note)
    for _case_id, why in sorted(result.skipped.items()):
        warn(f"skipped {why}")
    if len(result.added) <= SHOWN_CASES:
        for case_id, count in sorted(result.added.items()):
            click.echo(f"case {case_id}: {count} posts planned")
    else:  # a network's thousand cases: a line each would bury the warnings below
        click.echo(f"{len(result.added):,} cases: {sum(result.added.values()):,} posts planned; "
                   "'advocate calendar' shows them per case and day")
    unfilled = sorted(result.unfilled.items())
    for case_id, count in unfilled[:SHOWN_CASES]:
        warn(f"case {case_id}: {_count(count, 'slot')} left empty: no fresh text fits; add templates to messages/")
    if len(unfilled) > SHOWN_CASES:
        warn(f"... and {len(unfilled) - SHOWN_CASES} more cases with slots left empty "
             f"({_count(sum(n for _, n in unfilled[SHOWN_CASES:]), 'slot')})")
    for line in result.refused[:10]:
        warn(f"refused: {line}")
    if len(result.refused) > 10:
        warn(f"... and {len(result.refused) - 10} more texts refused")
    for line in result.flagged:
        warn(f"waits for review: {line}; 'advocate review' shows it")
    for case_id, count in sorted(result.needs_alt.items()):
        warn(f"case {case_id}: {count} posts show its photo, which has no alt text: they wait for review; "
             f"advocate case photo {case_id} --alt \"what the photo shows\"")
    for case_id, (name, languages) in sorted(result.unnamed.items()):
        for language in languages:
            warn(f"case {case_id}: posts in '{language}' print the group's name as its UA wrote it ('{name}'); "
                 f"give it in that language: advocate case edit {case_id} --set name.{language}=\"...\"")
    for account, count in sorted(result.over_budget.items()):
        warn(f"{account}: {count} posts not planned: they would pass its monthly_budget; "
             f"raise [accounts.{account}] monthly_budget in config.toml, or plan fewer posts")
    _forecast(app)
    if result.already_planned:
        planned = ", ".join(map(str, result.already_planned))
        click.echo(f"cases {planned} already have their plan; 'advocate schedule --replan' plans them again, keeping approved and edited posts")
    if not result.added and not result.skipped:
        click.echo("nothing to add: every open case already has its plan")
    elif app.config.posting.review:
        click.echo("posts wait as drafts: 'advocate review' shows each one whole to approve, edit, move or reject")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _forecast(app) -> None:
    """Posts of the next 30 days per account: X cost, the busiest windows against each network's caps, budgets."""
    from ..forecast import lines, report

    forecasts, app_cap = report(app.db(), app.config, app.now())
    for line in lines(forecasts, app.config.quota, app_cap):
        click.echo(line)


SORT_KEYS = ("scheduled", "case", "status", "id")  # queue.SORTS, named here so --help imports nothing
DAY_WORDS = {"yesterday": -1, "today": 0, "tomorrow": 1}


def _busy(what: str):
    """A line on a terminal's stderr while a long step runs, gone when it ends
    (schedule reports no progress to draw a bar). Drawn once, not animated:
    an animated spinner needs a thread, and a process with a second thread
    must not fork, which a big plan does to compose on every core."""
    import contextlib
    import sys

    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console
    from rich.live import Live
    from rich.spinner import Spinner

    return Live(Spinner("dots", text=f"{what}..."), console=Console(stderr=True), transient=True, auto_refresh=False)


LIST_OPTIONS = [  # in the order --help shows them
    click.option("--case", "case_id", type=CASE, help="Only this case."),
    click.option("--status", "statuses", type=click.Choice(STATUSES), multiple=True, help="Only these statuses (default: not yet finished)."),
    click.option("--account", "--channel", "account", metavar="NAME", help="Only this account (--channel: the old name)."),
    click.option("--all", "show_all", is_flag=True, help="Include sent, failed and cancelled posts."),
    click.option("--from", "since", metavar="WHEN", help="Only posts at or after WHEN: ISO 8601, 'today', 'tomorrow', '+3d'."),
    click.option("--to", "until", metavar="WHEN", help="Only posts before WHEN; a day ('today', '2019-04-12') counts whole."),
    click.option("--sort", type=click.Choice(SORT_KEYS), default="scheduled", show_default=True, help="Order by this."),
    click.option("--desc", is_flag=True, help="Reverse the order (latest, highest first)."),
    click.option("--page", type=COUNT, help="This page of --per-page posts (the table shows page 1 unless told)."),
    click.option("--per-page", type=COUNT, default=50, show_default=True, help="Posts on a page."),
    click.option("--limit", type=COUNT, help="At most this many posts, no pages."),
    click.option("--csv", "as_csv", is_flag=True, help="Print CSV (the fields of --json) instead of a table."),
]


def list_options(func):
    for option in reversed(LIST_OPTIONS):
        func = option(func)
    return json_option(func)


@click.group(invoke_without_command=True)
@list_options
@click.pass_context
def queue(ctx, **options):
    """Review the queue: list (the default), show, approve, reject, edit, move, cancel."""
    if ctx.invoked_subcommand is None:
        _list(ctx.obj, options)


@queue.command("list")
@list_options
@click.pass_obj
def queue_list(app, **options):
    """Posts, soonest first; filter, sort and page them."""
    _list(app, options)


def _list(app, options):
    from ..queue import count_posts, page_posts, page_posts_json_text

    if options["as_json"] and options["as_csv"]:
        raise click.UsageError("choose one of --json and --csv")
    filters = _list_filters(app, options)
    order = dict(sort=options["sort"], desc=options["desc"])
    limit, offset = _window(options)
    db = app.reader()
    if options["as_json"]:
        return click.echo(page_posts_json_text(db, **order, limit=limit, offset=offset, **filters))
    if options["as_csv"]:
        return _echo_csv(page_posts_json_text(db, **order, limit=limit, offset=offset, **filters))
    rows = page_posts(db, **order, limit=limit, offset=offset, **filters)
    total = count_posts(db, **filters) if options["limit"] is None else len(rows)
    _table(app, rows, total, offset, _filter_words(options))
    _footer(options, total, offset)


def _filter_words(options) -> str:
    """The filters given, as typed: an empty result names them."""
    words = [f"--case {options['case_id']}"] if options["case_id"] is not None else []
    words += [f"--status {s}" for s in options["statuses"]]
    words += [f"--account {options['account']}"] if options["account"] else []
    words += [f"--{flag} {options[key]}" for flag, key in (("from", "since"), ("to", "until")) if options[key]]
    return " ".join(words)


def _list_filters(app, options) -> dict:
    since, until = _bound(app, options["since"], end=False), _bound(app, options["until"], end=True)
    if since and until and since >= until:
        raise click.UsageError(f"--from ({since.isoformat()}) must come before --to ({until.isoformat()})")
    wanted = options["statuses"] or (() if options["show_all"] else ACTIVE)
    return dict(case_id=options["case_id"], statuses=wanted, account=options["account"], since=since, until=until)


def _bound(app, text, *, end: bool):
    """--from/--to: a day ('today', '2019-04-12') means its start, or for --to its end; else queue move's times."""
    import datetime as dt
    import re
    from zoneinfo import ZoneInfo

    from ..errors import InvalidChange
    from ..timefmt import UTC, end_of_day
    from ..when import parse_when

    if text is None:
        return None
    zone, now = app.config.posting.timezone, app.now()
    word = text.strip().lower()
    if word in DAY_WORDS or re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
        try:
            day = (now.astimezone(ZoneInfo(zone)).date() + dt.timedelta(days=DAY_WORDS[word])) if word in DAY_WORDS else dt.date.fromisoformat(word)
        except ValueError:  # '2019-13-45': let queue move's reader say what it says of it
            return parse_when(text, now, zone)
        except OverflowError:
            raise InvalidChange(f"--{'to' if end else 'from'} {text}: that day is beyond the calendar") from None
        try:
            moment = end_of_day(day, zone) if end else dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(zone))
            moment.astimezone(UTC)  # the database compares UTC text
        except (OverflowError, ValueError):
            raise InvalidChange(f"--{'to' if end else 'from'} {text}: that day is beyond the calendar; choose a day between years 1 and 9998") from None
        return moment
    return parse_when(text, now, zone)


def _window(options) -> tuple[int | None, int]:
    """(limit, offset): --page, else --limit, else the table's first page (JSON and CSV: everything)."""
    if options["page"] and options["limit"]:
        raise click.UsageError("--page and --limit do not mix; use --page with --per-page")
    if options["page"]:
        return options["per_page"], (options["page"] - 1) * options["per_page"]
    if options["limit"] or options["as_json"] or options["as_csv"]:
        return options["limit"], 0
    return options["per_page"], 0


def _echo_csv(json_text: str) -> None:
    import json

    from ..exports import csv_chunks

    for chunk in csv_chunks(json.loads(json_text)):
        click.echo(chunk, nl=False)


def _table(app, rows, total, offset, filters=""):
    from ..output import table
    from ..timefmt import show

    zone = app.config.posting.timezone
    view = [{**r, "when": show(r["scheduled_at"], zone)[:16], "text": " ".join(r["text"].split()),
             "note": r["needs_review_reason"] or r["error"] or r["cancel_reason"] or ""} for r in rows]
    shown = _plural(len(rows), "post") if len(rows) == total else f"posts {offset + 1}-{offset + len(rows)} of {total}"
    if total:
        empty = f"No posts on this page: {_plural(total, 'post')} in all."
    elif filters:
        empty = f"No posts match {filters}" + ("" if "--status" in filters else " (unfinished posts only; --all adds the rest)")
    else:
        empty = "The queue is empty: 'advocate schedule' plans posts for open cases."
    table(view, [("id", "ID"), ("case_id", "Case"), ("account", "Account"), ("when", "When"),
                 ("status", "Status"), ("kind", "Kind"), ("language", "Lang"), ("note", "Note"), ("text", "Text")],
          title=f"{shown}, times in {zone}", wide="text", empty=empty)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n:,} {noun}s"


def _footer(options, total, offset):
    if options["limit"] is not None:
        return
    per = options["per_page"]
    pages, page = max(-(-total // per), 1), offset // per + 1
    if page > pages:
        click.echo(f"there {'is' if pages == 1 else 'are'} {_plural(pages, 'page')} of {per}; try --page {pages}")
    elif pages > 1 or options["page"]:
        more = f"; next: --page {page + 1}" if page < pages else ""
        click.echo(f"page {page} of {pages}{more}")


@queue.command("show")
@click.argument("post_id", type=ID)
@json_option
@click.pass_obj
def queue_show(app, post_id, as_json):
    """One post in full, with its history."""
    from ..messages.length import measure
    from ..output import fields
    from ..queue import post_events, post_json

    db = app.reader()
    post = post_json(db, post_id)
    post["events"] = post_events(db, post_id)
    if as_json:
        return echo_json(post)
    import datetime as dt

    from ..review.screen import when_text

    zone = app.config.posting.timezone

    def shown(stored):  # every time a person reads: the posting zone, named, to the minute
        return when_text(dt.datetime.fromisoformat(stored), zone) if stored else None

    size = measure(post["text"], "x" if post["network"] == "dryrun" else post["network"])
    fields([(k, post[k]) for k in ("id", "case_id", "channel", "status")] + [("scheduled_at", shown(post["scheduled_at"]))]
           + [(k, post[k]) for k in ("kind", "language", "template", "needs_review", "remote_id", "url", "error")]
           + [("sent_at", shown(post["sent_at"])), ("length", f"{size.length}/{size.limit} {size.unit}")])
    click.echo("\n" + post["text"] + "\n")
    for event in post["events"]:
        click.echo(f"{shown(event['at'])}  {event['kind']}: {event['message']}")


def _selection(func):
    func = click.argument("post_ids", type=ID, nargs=-1)(func)
    func = click.option("--case", "case_id", type=CASE, help="Every pending post of this case.")(func)
    return click.option("--all", "all_", is_flag=True, help="Every pending post.")(func)


def _change(verb):
    @_selection
    @click.pass_obj
    def command(app, post_ids, case_id, all_):
        from .. import queue as q

        changed = getattr(q, verb)(app.db(), app.now(), ids=post_ids, case_id=case_id, all_=all_)
        click.echo(f"{len(changed)} posts {verb}{'d' if verb.endswith('e') else 'ed'}")
    return command


queue.command("approve", help="Approve drafts (ids, --case ID or --all): they go out when due.")(_change("approve"))
queue.command("reject", help="Reject posts (ids, --case ID or --all): they never go out, and their text is not planned again.")(_change("reject"))
queue.command("cancel", help="Cancel pending posts (ids, --case ID or --all).")(_change("cancel"))


@queue.command("edit")
@click.argument("post_id", type=ID)
@click.option("--text", type=TEXT, help="The new text (default: $VISUAL or $EDITOR on a terminal, else typed inline).")
@click.pass_obj
def queue_edit(app, post_id, text):
    """Change a pending post's text; it is checked for length and the guard."""
    import sys

    from ..errors import InvalidChange
    from ..queue import get_post
    from ..review.actions import edit
    from ..review.terminal import ConsoleTerminal

    db = app.db(create=False)
    post = get_post(db, post_id)
    if text is None:
        if not sys.stdin.isatty():  # never an editor without a terminal: vim would hang
            raise InvalidChange(f"post {post_id}: no terminal to edit in; give the new text with --text '...'")
        text = ConsoleTerminal(app.environ).edit(post["text"])
        if text is None or text.strip() == post["text"].strip():
            return click.echo("no change")
    size = edit(db, app.config, app.now(), post_id, text)
    click.echo(f"post {post_id} edited ({size.length}/{size.limit})")


@queue.command("move")
@click.argument("post_id", type=ID)
@click.argument("when")
@click.pass_obj
def queue_move(app, post_id, when):
    """Move a post to WHEN: '+2h' (from the post's own time), 'tomorrow 10:00', ISO 8601 (no offset: the posting zone)."""
    from ..review.actions import move
    from ..review.screen import when_text

    zone = app.config.posting.timezone
    moment = move(app.db(create=False), app.now(), post_id, when, zone)
    click.echo(f"post {post_id} moved to {when_text(moment, zone)}")


@queue.command("retry")
@click.argument("post_id", type=ID)
@click.pass_obj
def queue_retry(app, post_id):
    """Send an 'unknown' or 'failed' post again, once you checked it is not on the account."""
    from ..queue import retry

    retry(app.db(), app.now(), post_id)
    click.echo(f"post {post_id} will be sent again when due")


@queue.command("confirm")
@click.argument("post_id", type=ID)
@click.option("--remote-id", type=LINE, help="The id the network gave it, if you know it.")
@click.option("--url", type=LINE, help="Its link, if you know it.")
@click.pass_obj
def queue_confirm(app, post_id, remote_id, url):
    """Record an 'unknown' post as published (you found it on the account)."""
    from ..queue import mark_sent_by_hand

    mark_sent_by_hand(app.db(), app.now(), post_id, remote_id, url)
    click.echo(f"post {post_id} recorded as sent")


def _hold(paused: bool):
    @click.option("--case", "case_id", type=CASE, help="Hold or release this case's posts.")
    @click.option("--account", type=LINE, metavar="NAME", help="Hold or release every post of this account.")
    @click.option("--reason", type=LINE, default="paused by user", show_default=True, help="Why, for 'advocate status' (pause --account).")
    @click.pass_obj
    def command(app, case_id, account, reason):
        from .. import accounts, cases
        from ..errors import InvalidChange

        if (case_id is None) == (account is None):
            raise InvalidChange("name one of --case ID or --account NAME")
        if case_id is not None:
            cases.set_paused(app.db(), app.now(), case_id, paused)
        else:
            app.config.account(account)  # a typo must not pause nothing silently
            (accounts.pause(app.db(), app.now(), account, reason) if paused
             else accounts.resume(app.db(), app.now(), account))
        what = f"case {case_id}" if case_id is not None else f"account {account}"
        option = f"--case {case_id}" if case_id is not None else f"--account {account}"
        click.echo(f"{what} paused: its posts wait until 'advocate queue resume {option}'" if paused else f"{what} resumed")
    return command


queue.command("pause", help="Hold the posts of a case (--case ID) or an account (--account NAME); nothing is cancelled. "
              "The one place to pause: 'case pause' and 'account pause' are its old names.")(_hold(True))
queue.command("resume", help="Let a paused case's or account's posts go out again.")(_hold(False))


@queue.command("post-now")
@click.argument("post_id", type=ID)
@click.pass_obj
def queue_post_now(app, post_id):
    """Approve a post and make it due now (the daemon sends it at its next tick)."""
    from ..queue import post_now

    post_now(app.db(), app.now(), post_id)
    click.echo(f"post {post_id} is due now")


@click.command()
@click.option("--case", "case_id", type=CASE, help="Only this case.")
@click.option("--limit", type=COUNT, default=50, show_default=True)
@json_option
@click.pass_obj
def history(app, case_id, limit, as_json):
    """What was posted, when, with links."""
    from ..output import table
    from ..queue import list_posts, posts_json_text
    from ..timefmt import show

    filters = dict(case_id=case_id, statuses=("sent",), limit=limit, order="sent_at DESC")
    if as_json:
        return click.echo(posts_json_text(app.reader(), **filters))
    rows = list_posts(app.reader(), **filters)
    zone = app.config.posting.timezone
    view = [{**r, "when": show(r["sent_at"], zone)[:16], "text": " ".join(r["text"].split())} for r in rows]
    table(view, [("id", "ID"), ("case_id", "Case"), ("account", "Account"), ("when", "Sent"), ("url", "Link"), ("text", "Text")],
          wide="text", title=f"{len(rows)} sent, newest first, times in {zone}",
          empty=f"Nothing posted yet for case {case_id}." if case_id is not None else "Nothing posted yet.")
