"""`advocate case ...`: list, show, edit, close, pause and resume cases."""

from __future__ import annotations

import click

from ..output import echo_json, json_option


def register(cli: click.Group) -> None:
    cli.add_command(case)


@click.group()
def case():
    """Look at and correct cases (one per Urgent Action)."""


@case.command("list")
@click.option("--status", type=click.Choice(["open", "closed"]), help="Only open or closed cases.")
@json_option
@click.pass_obj
def case_list(app, status, as_json):
    """All cases, with why and when each stopped."""
    from ..cases import list_cases
    from ..output import table

    rows = list_cases(app.reader(), status)
    if as_json:
        return echo_json(rows)
    for row in rows:
        row["stopped"] = f"{row['closed_reason']} ({row['closed_at'][:10]})" if row["status"] == "closed" else ("paused" if row["paused"] else "")
        row["confirm"] = "close or keep?" if row["needs_confirmation"] else ""
    table(rows, [("id", "ID"), ("ua_number", "UA"), ("person", "Person"), ("country", "Country"),
                 ("status", "Status"), ("deadline", "Deadline"), ("stopped", "Stopped"), ("confirm", "Confirm")],
          wide="person", empty="No cases yet: advocate ingest FILE")
    for row in rows:
        if row["needs_confirmation"]:
            click.echo(f"case {row['id']}: {row['confirmation_reason']}; "
                       f"'advocate case close {row['id']} --reason released' or 'advocate case keep {row['id']}'")


@case.command("show")
@click.argument("case_id", type=int)
@json_option
@click.pass_obj
def case_show(app, case_id, as_json):
    """One case: every field with its source, its targets and documents."""
    from ..cases import case_json, get_case
    from ..db import loads
    from ..documents import documents_of
    from ..output import fields

    db = app.reader()
    data = case_json(db, case_id)
    data["sources"] = loads(get_case(db, case_id)["sources"], {})
    data["documents"] = documents_of(db, case_id)
    if as_json:
        return echo_json(data)
    pairs = [(k, data[k]) for k in ("id", "ua_number", "index_number", "person", "pronouns", "country", "timezone",
                                    "status", "closed_reason", "issued", "deadline", "hashtags", "handles",
                                    "languages", "suggested_message", "url")]
    fields([(k, _with_source(v, data["sources"].get(k))) for k, v in pairs])
    if data["needs_confirmation"]:
        click.echo(f"needs confirmation: {data['confirmation_reason']}; 'advocate case close {case_id} --reason released' or 'advocate case keep {case_id}'")
    for target in data["targets"]:
        role = "additional target" if target["additional"] else "target"
        click.echo(f"{role}: " + " | ".join(str(v) for k, v in target.items() if v and k != "additional"))
    for doc in data["documents"]:
        click.echo(f"document {doc['id']}: {doc['filename']} ({doc['kind']}, {doc['action']}, {doc['ingested_at']})")


def _with_source(value, source):
    if isinstance(value, list):
        value = ", ".join(value)
    if not source or value in (None, ""):
        return value
    where = f"line {source['line']}" if source.get("line") else source.get("text")
    return f"{value}   [{where}, {source.get('confidence', 1):.0%}]"


@case.command("edit")
@click.argument("case_id", type=int)
@click.option("--set", "assignments", multiple=True, metavar="FIELD=VALUE",
              help="e.g. deadline=2019-06-01, hashtags=#Bilash,#KazakhsInChina; kept over re-ingests.")
@click.option("--target-handle", "target_handles", multiple=True, metavar="N:NETWORK=@HANDLE",
              help="A target's handle on a network, e.g. 1:mastodon=@prokuror@mastodon.social (N as in 'case show').")
@click.pass_obj
def case_edit(app, case_id, assignments, target_handles):
    """Correct fields of a case; the correction survives later updates.

    A new deadline extends or trims the plan, and new target handles
    re-write the untouched future posts, if the case was scheduled.
    """
    from ..cases import edit_case, parse_assignment, set_target_handle
    from ..errors import InvalidChange

    if not assignments and not target_handles:
        raise InvalidChange("nothing to change: give --set FIELD=VALUE or --target-handle N:NETWORK=@HANDLE")
    from ..db import write
    from ..scheduling import refresh

    values = dict(parse_assignment(a) for a in assignments)
    db = app.db()
    with write(db):  # all of it or none: one bad --target-handle undoes the --set too
        changes = edit_case(db, app.now(), case_id, values) if values else {}
        for spec in target_handles:
            changes["targets"] = ["", set_target_handle(db, app.now(), case_id, spec)]
        result = refresh(db, app.config, app.now(), case_id, changes)
    for key, (old, new) in changes.items():
        click.echo(f"{key}: {old} -> {new}")
    if not changes:
        click.echo("nothing changed")
    if result is not None:
        click.echo(f"plan updated: {sum(result.added.values())} posts added, {result.withdrawn} withdrawn")


@case.command("close")
@click.argument("case_id", type=int)
@click.option("--reason", default="closed by user", show_default=True, help="Why, for the record.")
@click.pass_obj
def case_close(app, case_id, reason):
    """Close a case now: its pending posts are cancelled and nothing more is posted for it."""
    from ..cases import close_case

    cancelled = close_case(app.db(), app.now(), case_id, reason)
    click.echo(f"case {case_id} closed; {cancelled} pending posts cancelled")


@case.command("keep")
@click.argument("case_id", type=int)
@click.pass_obj
def case_keep(app, case_id):
    """Keep a case flagged by news (e.g. of a release) open: clears the flag, the campaign goes on."""
    from ..cases import keep_case

    if keep_case(app.db(), app.now(), case_id):
        click.echo(f"case {case_id} kept open; its campaign goes on")
    else:
        click.echo(f"case {case_id} was not waiting for confirmation; nothing changed")


@case.command("pause")
@click.argument("case_id", type=int)
@click.pass_obj
def case_pause(app, case_id):
    """Hold a case's posts without cancelling them."""
    from ..cases import set_paused

    set_paused(app.db(), app.now(), case_id, True)
    click.echo(f"case {case_id} paused: its posts wait until 'advocate case resume {case_id}'")


@case.command("resume")
@click.argument("case_id", type=int)
@click.pass_obj
def case_resume(app, case_id):
    """Let a paused case's posts go out again."""
    from ..cases import set_paused

    set_paused(app.db(), app.now(), case_id, False)
    click.echo(f"case {case_id} resumed")
