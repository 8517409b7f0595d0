"""`advocate case ...`: list, show, edit, close, pause and resume cases."""

from __future__ import annotations

import click

from ..output import echo_json, json_option, shown
from .params import COUNT, ID, LINE, TEXT


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
        row["shown_deadline"] = f"{row['deadline']} (assumed)" if row["deadline_assumed"] else row["deadline"]
        row["shown_missing"] = ", ".join(row["missing"]) if row["status"] == "open" else ""
    table(rows, [("id", "ID"), ("ua_number", "UA"), ("subject_name", "Subject"), ("country", "Country"),
                 ("status", "Status"), ("shown_deadline", "Deadline"), ("shown_missing", "Missing"), ("stopped", "Stopped"),
                 ("confirm", "Confirm")],
          wide="subject_name", empty="No cases yet: advocate ingest FILE")
    for row in rows:
        if row["status"] == "open" and row["complete_with"]:
            click.echo(f"case {row['id']} is incomplete (no {' and no '.join(row['missing'])}): {row['complete_with']}")
        if row["needs_confirmation"]:
            click.echo(f"case {row['id']}: {row['confirmation_reason']}; "
                       f"'advocate case close {row['id']} --reason released' or 'advocate case keep {row['id']}'")


@case.command("show")
@click.argument("case_id", type=ID)
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
    from ..photos import photo_json

    data["photo"] = photo_json(get_case(db, case_id))
    if as_json:
        return echo_json(data)
    pairs = [(k, data[k]) for k in ("id", "ua_number", "index_number", "subject_kind", "subject_name", "role", "person",
                                    "pronouns", "country", "timezone", "status", "closed_reason", "issued", "deadline",
                                    "hashtags", "handles", "languages", "suggested_message", "url")]
    if data["deadline_assumed"]:
        pairs = [(k, f"{v} (assumed)" if k == "deadline" else v) for k, v in pairs]
    fields([(k, _with_source(v, data["sources"].get(k))) for k, v in pairs])
    if data["complete_with"] and data["status"] == "open":
        click.echo(f"incomplete (no {' and no '.join(data['missing'])}): {data['complete_with']}")
    if data["needs_confirmation"]:
        click.echo(f"needs confirmation: {data['confirmation_reason']}; 'advocate case close {case_id} --reason released' or 'advocate case keep {case_id}'")
    if data["photo"]:
        photo = data["photo"]
        alt = f"alt text: {photo['alt']}" if photo["alt"] else f"no alt text, so never posted: advocate case photo {case_id} --alt TEXT"
        click.echo(f"photo: {photo['file']} ({photo['width']}x{photo['height']}); {alt}")
    for number, target in enumerate(data["targets"], start=1):
        role = "additional target" if target["additional"] else "target"
        click.echo(f"{role} {number}: " + " | ".join(str(v) for k, v in target.items() if v and k != "additional"))
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
@click.argument("case_id", type=ID)
@click.option("--set", "assignments", type=TEXT, multiple=True, metavar="FIELD=VALUE",
              help="e.g. deadline=2019-06-01, hashtags=#Bilash,#KazakhsInChina, subject_kind=group, "
                   "subject_name=\"twelve protesters\", name.ru=\"двенадцать протестующих\" (the name posts in that language print), "
                   "role=journalist, accounts=org_x,org_bsky (the accounts it runs on); kept over re-ingests. "
                   "With --target N, the target's fields instead: name, title, email, fax, handle, address, salutation.")
@click.option("--target", "target_number", type=COUNT, metavar="N",
              help="Make every --set correct target N (numbered as in 'case show'), e.g. --target 1 --set email=office@prokuratura.kz")
@click.option("--add-target", "added", multiple=True, metavar="FIELD=VALUE,...",
              help="Add a target, e.g. --add-target \"name=Ivan Petrov,title=Prosecutor General, Astana,email=pg@gov.kz\" "
                   "(a comma starts a new field only before FIELD=; additional=yes for a copy).")
@click.option("--remove-target", "removed", type=COUNT, multiple=True, metavar="N", help="Remove target N (as in 'case show').")
@click.option("--target-handle", "target_handles", multiple=True, metavar="N:NETWORK=@HANDLE",
              help="A target's handle on a network, e.g. 1:mastodon=@prokuror@mastodon.social (N as in 'case show').")
@click.pass_obj
def case_edit(app, case_id, assignments, target_number, added, removed, target_handles):
    """Correct fields of a case or its targets; the correction survives later updates.

    A new deadline extends or trims the plan, and corrected targets
    re-write the untouched future posts, if the case was scheduled.
    Target numbers are those 'advocate case show' prints before the edit.

    --set timezone=Asia/Almaty gives the case its own zone: its deadline
    ends at midnight there, and its posts keep to the posting window
    there, on every account without its own ([accounts.NAME] timezone
    comes first; [posting] timezone, else this machine's, comes last).
    """
    from ..cases import edit_case, edit_targets, parse_assignment, parse_new_target, parse_target_assignment, set_target_handle
    from ..errors import InvalidChange

    if target_number is not None and not assignments:
        raise InvalidChange(f"--target {target_number}: say what to change with --set FIELD=VALUE, e.g. --set email=office@example.org")
    if not (assignments or added or removed or target_handles):
        raise InvalidChange("nothing to change: give --set FIELD=VALUE, --target N --set FIELD=VALUE, --add-target, "
                            "--remove-target N or --target-handle N:NETWORK=@HANDLE")
    from ..db import write
    from ..scheduling import refresh

    parse = parse_target_assignment if target_number is not None else parse_assignment
    values = dict(parse(a) for a in assignments)
    unknown = [name for name in values.get("accounts", []) if target_number is None and name not in app.config.accounts]
    if unknown:
        raise InvalidChange(f"--set accounts: no account '{unknown[0]}' in the config; use some of: {', '.join(app.config.accounts)}")
    new_targets = [parse_new_target(spec) for spec in added]
    db, now = app.db(), app.now()
    with write(db):  # all of it or none: one bad --target-handle undoes the --set too
        case_values = values if target_number is None else {}
        changes = edit_case(db, now, case_id, case_values) if case_values else {}
        for spec in target_handles:
            changes["targets"] = ["", set_target_handle(db, now, case_id, spec)]
        edits = {target_number: values} if target_number is not None else {}
        if edits or new_targets or removed:
            changes.update(edit_targets(db, now, case_id, edits, new_targets, list(removed)))
        result = refresh(db, app.config, now, case_id, changes)
    for key, (old, new) in changes.items():
        click.echo(f"{key}: {shown(old)} -> {shown(new)}")
    if not changes:
        click.echo("nothing changed")
    if result is not None:
        click.echo(f"plan updated: {sum(result.added.values())} posts added, {result.withdrawn} withdrawn")
        for line in result.flagged:
            click.echo(f"waits for review: {line}; 'advocate review' shows it")


@case.command("photo")
@click.argument("case_id", type=ID)
@click.argument("file", required=False, type=LINE)
@click.option("--alt", type=LINE, help="What the photo shows, for screen readers (X 1,000, Mastodon 1,500, "
                                       "Bluesky 2,000 characters). A photo without it is never posted.")
@click.option("--none", "remove", is_flag=True, help="Remove the case's photo.")
@click.pass_obj
def case_photo(app, case_id, file, alt, remove):
    """Set or replace the case's photo (FILE), its alt text (--alt), or remove it (--none).

    The photo is stored beside the database without its metadata (EXIF,
    GPS position included) and re-encoded for each network when posted.
    Templates with `photo = true` show it.
    """
    from pathlib import Path

    from ..errors import InvalidChange
    from ..photos import alt_command, clear_photo, set_photo

    if remove and (file or alt is not None):
        raise InvalidChange("--none removes the photo; give FILE and --alt, or --none alone")
    db, now = app.db(), app.now()
    if remove:
        done = clear_photo(db, now, case_id)
        click.echo(f"case {case_id}: photo removed" if done else f"case {case_id} has no photo; nothing changed")
        return
    if file is None and alt is None:
        raise InvalidChange(f"say what to set: advocate case photo {case_id} FILE --alt TEXT, "
                            f"--alt TEXT alone, or --none")
    networks = [app.config.account(name)["type"] for name in app.config.accounts]
    photo = set_photo(db, now, case_id, app.config.database.parent, Path(file) if file else None, alt, networks)
    click.echo(f"case {case_id}: photo {photo['file']} ({photo['width']}x{photo['height']}, metadata removed)")
    if photo["alt"]:
        click.echo(f"alt text: {photo['alt']}")
    else:
        click.echo(f"no alt text yet: posts showing the photo wait until you run {alt_command(case_id)}")


@case.command("close")
@click.argument("case_id", type=ID)
@click.option("--reason", type=LINE, default="closed by user", show_default=True, help="Why, for the record.")
@click.pass_obj
def case_close(app, case_id, reason):
    """Close a case now: its pending posts are cancelled and nothing more is posted for it."""
    from ..cases import close_case

    cancelled = close_case(app.db(), app.now(), case_id, reason)
    click.echo(f"case {case_id} closed; {cancelled} pending posts cancelled")


@case.command("keep")
@click.argument("case_id", type=ID)
@click.pass_obj
def case_keep(app, case_id):
    """Keep a case flagged by news (e.g. of a release) open: clears the flag, the campaign goes on."""
    from ..cases import keep_case

    if keep_case(app.db(), app.now(), case_id):
        click.echo(f"case {case_id} kept open; its campaign goes on")
    else:
        click.echo(f"case {case_id} was not waiting for confirmation; nothing changed")


@case.command("pause", hidden=True)  # pause and resume live under `queue`; kept for scripts
@click.argument("case_id", type=ID)
@click.pass_obj
def case_pause(app, case_id):
    """Hold a case's posts without cancelling them."""
    from ..cases import set_paused

    set_paused(app.db(), app.now(), case_id, True)
    click.echo(f"case {case_id} paused: its posts wait until 'advocate queue resume --case {case_id}'")


@case.command("resume", hidden=True)
@click.argument("case_id", type=ID)
@click.pass_obj
def case_resume(app, case_id):
    """Let a paused case's posts go out again."""
    from ..cases import set_paused

    set_paused(app.db(), app.now(), case_id, False)
    click.echo(f"case {case_id} resumed")
