"""`advocate schedule`, `advocate queue ...` and `advocate history`."""

from __future__ import annotations

import click

from ..cli import echo_json, json_option

STATUSES = ("draft", "scheduled", "sending", "sent", "failed", "cancelled", "unknown")
ACTIVE = ("draft", "scheduled", "sending", "unknown")


def register(cli: click.Group) -> None:
    cli.add_command(schedule)
    cli.add_command(queue)
    cli.add_command(history)


@click.command()
@click.option("--replan", is_flag=True, help="First withdraw future posts nobody approved or edited, then plan afresh.")
@click.option("--case", "case_ids", type=int, multiple=True, help="Only this case (repeatable).")
@click.pass_obj
def schedule(app, replan, case_ids):
    """Plan posts for every open case from now to its deadline.

    Inside the daily window, at most the daily cap per account, never the
    same text twice. Running it again only fills gaps.
    """
    from ..messages.templates import load_templates
    from ..scheduling import schedule as plan_posts

    templates = load_templates(app.config.messages)
    result = plan_posts(app.db(), app.config, app.now(), templates, replan=replan, case_ids=list(case_ids) or None)
    if result.withdrawn:
        click.echo(f"withdrew {result.withdrawn} untouched future posts")
    for case_id, count in sorted(result.added.items()):
        click.echo(f"case {case_id}: {count} posts planned")
    for case_id, count in sorted(result.unfilled.items()):
        click.secho(f"case {case_id}: {count} slots left empty: no fresh text fits; add templates to messages/", fg="yellow")
    for line in result.refused[:10]:
        click.secho(f"refused: {line}", fg="yellow")
    if not result.added:
        click.echo("nothing to add: every open case already has its plan")
    elif app.config.posting.review:
        click.echo("posts wait as drafts: review with 'advocate queue', then 'advocate queue approve --all'")


def list_options(func):
    func = click.option("--case", "case_id", type=int, help="Only this case.")(func)
    func = click.option("--status", "statuses", type=click.Choice(STATUSES), multiple=True, help="Only these statuses (default: not yet finished).")(func)
    func = click.option("--channel", "account", help="Only this account.")(func)
    func = click.option("--all", "show_all", is_flag=True, help="Include sent, failed and cancelled posts.")(func)
    func = click.option("--limit", type=int, help="At most this many posts.")(func)
    return json_option(func)


@click.group(invoke_without_command=True)
@list_options
@click.pass_context
def queue(ctx, case_id, statuses, account, show_all, limit, as_json):
    """Review the queue: list (the default), show, approve, reject, edit, move, cancel."""
    if ctx.invoked_subcommand is None:
        _list(ctx.obj, case_id, statuses, account, show_all, limit, as_json)


@queue.command("list")
@list_options
@click.pass_obj
def queue_list(app, case_id, statuses, account, show_all, limit, as_json):
    """Posts, soonest first."""
    _list(app, case_id, statuses, account, show_all, limit, as_json)


def _list(app, case_id, statuses, account, show_all, limit, as_json):
    from ..queue import list_posts, posts_json_text

    wanted = statuses or (() if show_all else ACTIVE)
    filters = dict(case_id=case_id, statuses=wanted, account=account, limit=limit)
    if as_json:
        return click.echo(posts_json_text(app.db(create=False), **filters))
    _table(app, list_posts(app.db(create=False), **filters))


def _table(app, rows):
    from ..output import table
    from ..timefmt import show

    zone = app.config.posting.timezone
    view = [{**r, "when": show(r["scheduled_at"], zone)[:16], "text": " ".join(r["text"].split()),
             "note": r["needs_review_reason"] or r["error"] or r["cancel_reason"] or ""} for r in rows]
    table(view, [("id", "ID"), ("case_id", "Case"), ("account", "Account"), ("when", "When"),
                 ("status", "Status"), ("kind", "Kind"), ("language", "Lang"), ("note", "Note"), ("text", "Text")],
          title=f"{len(rows)} posts, times in {zone}", wide="text",
          empty="The queue is empty: 'advocate schedule' plans posts for open cases.")


@queue.command("show")
@click.argument("post_id", type=int)
@json_option
@click.pass_obj
def queue_show(app, post_id, as_json):
    """One post in full, with its history."""
    from ..messages.length import measure
    from ..output import fields
    from ..queue import post_json

    db = app.db()
    post = post_json(db, post_id)
    post["events"] = list(db.query("SELECT at, kind, message FROM events WHERE post_id = ? ORDER BY id", [post_id]))
    if as_json:
        return echo_json(post)
    size = measure(post["text"], "x" if post["network"] == "dryrun" else post["network"])
    fields([(k, post[k]) for k in ("id", "case_id", "channel", "status", "scheduled_at", "kind", "language",
                                   "template", "needs_review", "remote_id", "url", "error")] + [("length", f"{size.length}/{size.limit}")])
    click.echo("\n" + post["text"] + "\n")
    for event in post["events"]:
        click.echo(f"{event['at']}  {event['kind']}: {event['message']}")


def _selection(func):
    func = click.argument("post_ids", type=int, nargs=-1)(func)
    func = click.option("--case", "case_id", type=int, help="Every pending post of this case.")(func)
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
@click.argument("post_id", type=int)
@click.option("--text", help="The new text (default: open $EDITOR).")
@click.pass_obj
def queue_edit(app, post_id, text):
    """Change a pending post's text; it is checked for length and the guard."""
    from ..errors import InvalidChange
    from ..messages.guard import GuardSettings, check_post, dedupe_key
    from ..messages.length import measure
    from ..queue import edit, get_post

    db = app.db()
    post = get_post(db, post_id)
    if text is None:
        text = click.edit(post["text"])
        if text is None:
            return click.echo("no change")
    text = text.strip()
    size = measure(text, "x" if post["network"] == "dryrun" else post["network"])
    if not size.ok:
        raise InvalidChange(f"post {post_id}: the new text is {size.length} of {size.limit} {size.unit}; shorten it")
    guard = app.config.guard
    problems = check_post(text, GuardSettings(guard.max_hashtags, guard.max_mentions, guard.mention_needs_review), approved=True)
    if problems:
        raise InvalidChange(f"post {post_id}: {'; '.join(problems)}")
    edit(db, app.now(), post_id, text, dedupe_key(text))
    click.echo(f"post {post_id} edited ({size.length}/{size.limit})")


@queue.command("move")
@click.argument("post_id", type=int)
@click.argument("when")
@click.pass_obj
def queue_move(app, post_id, when):
    """Move a post to WHEN: ISO 8601, '+2h', 'tomorrow 10:00' (in the posting time zone)."""
    from ..queue import move
    from ..when import parse_when

    moment = parse_when(when, app.now(), app.config.posting.timezone)
    move(app.db(), app.now(), post_id, moment)
    click.echo(f"post {post_id} moved to {moment.isoformat()}")


@queue.command("retry")
@click.argument("post_id", type=int)
@click.pass_obj
def queue_retry(app, post_id):
    """Send an 'unknown' or 'failed' post again, once you checked it is not on the account."""
    from ..queue import retry

    retry(app.db(), app.now(), post_id)
    click.echo(f"post {post_id} will be sent again when due")


@queue.command("confirm")
@click.argument("post_id", type=int)
@click.option("--remote-id", help="The id the network gave it, if you know it.")
@click.option("--url", help="Its link, if you know it.")
@click.pass_obj
def queue_confirm(app, post_id, remote_id, url):
    """Record an 'unknown' post as published (you found it on the account)."""
    from ..queue import mark_sent_by_hand

    mark_sent_by_hand(app.db(), app.now(), post_id, remote_id, url)
    click.echo(f"post {post_id} recorded as sent")


@queue.command("post-now")
@click.argument("post_id", type=int)
@click.pass_obj
def queue_post_now(app, post_id):
    """Approve a post and make it due now (the daemon sends it at its next tick)."""
    from ..queue import post_now

    post_now(app.db(), app.now(), post_id)
    click.echo(f"post {post_id} is due now")


@click.command()
@click.option("--case", "case_id", type=int, help="Only this case.")
@click.option("--limit", type=int, default=50, show_default=True)
@json_option
@click.pass_obj
def history(app, case_id, limit, as_json):
    """What was posted, when, with links."""
    from ..output import table
    from ..queue import list_posts, posts_json_text
    from ..timefmt import show

    filters = dict(case_id=case_id, statuses=("sent",), limit=limit, order="sent_at DESC")
    if as_json:
        return click.echo(posts_json_text(app.db(create=False), **filters))
    rows = list_posts(app.db(create=False), **filters)
    zone = app.config.posting.timezone
    view = [{**r, "when": show(r["sent_at"], zone)[:16], "text": " ".join(r["text"].split())} for r in rows]
    table(view, [("id", "ID"), ("case_id", "Case"), ("account", "Account"), ("when", "Sent"), ("url", "Link"), ("text", "Text")],
          wide="text", empty="Nothing posted yet.")
