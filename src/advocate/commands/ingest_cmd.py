"""`advocate ingest FILE...`: read Urgent Actions, updates and news; show what was found."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..output import echo_json, json_option, warn
from .params import CASE, TEXT

# From this many documents, they are parsed in worker processes (one per CPU): below it
# a fork costs more than it saves (about 10 ms a document to parse, warm).
PARALLEL_FROM = 8
SHOWN_FIELDS = ("kind", "language", "ua_number", "index_number", "subject_kind", "subject_name", "role", "person", "pronouns", "country",
                "issued", "deadline", "languages", "hashtags", "handles", "suggested_message", "url", "closure_line")


def register(cli: click.Group) -> None:
    cli.add_command(ingest)


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE... (or - for stdin)")
@click.option("--case", "case_id", type=CASE, help="Attach the document(s) to this case instead of matching.")
@click.option("--set", "assignments", type=TEXT, multiple=True, metavar="FIELD=VALUE",
              help="Correct a field as you ingest (e.g. deadline=2019-06-01); kept over later updates.")
@json_option
@click.pass_obj
def ingest(app, files, case_id, assignments, as_json):
    """Read Urgent Actions (txt, md, html, docx, pdf): open, update or close cases.

    Prints what was found field by field, with how sure it is and the line
    it came from. Ingesting the same document twice changes nothing.
    A readable document is never refused: a case missing its deadline or
    name is stored incomplete (case list says how to complete it); a final
    update or news for no known case, or a text that reads as no UA, is
    recorded (attach it later with --case ID).
    """
    from ..cases import NAME_IN, case_json, parse_assignment
    from ..errors import InvalidChange
    from ..ingest import parse_ua, read_document
    from ..intake import apply_document
    from ..workers import ordered_map

    overrides = dict(parse_assignment(a) for a in assignments)
    for key in overrides:
        if NAME_IN.fullmatch(key):  # kept with the case's corrections, which exist only once the case does
            raise InvalidChange(f"--set {key}: a name in a language is given to a case once it exists: "
                                f"advocate case edit CASE_ID --set {key}=\"...\"")
    documents = [(name, _read(name, read_document, app.config.ingest)) for name in files]  # read all before writing any
    # Parsing is pure (text in, fields out), so many documents are parsed in worker processes,
    # forked before the database is opened; each is stored, linked and reported here, in order.
    with ordered_map(parse_ua, [document.text for _, document in documents], min_items=PARALLEL_FROM) as parsed_all:
        db, now, results = app.db(), app.now(), []
        for (name, document), parsed in zip(documents, parsed_all, strict=True):
            outcome = apply_document(db, app.config, now, name, document, case_id=case_id, overrides=overrides, parsed=parsed)
            case = case_json(db, outcome.case_id) if outcome.case_id else None
            results.append({"file": name, "kind": outcome.kind, "action": outcome.action, "case": case, "notes": outcome.notes})
            if not as_json:
                _report(outcome, case)
    if as_json:
        echo_json(results)


def _read(name: str, read_document, limits):
    if name == "-":  # one byte more than the limit is enough to refuse it: never all of stdin
        data = sys.stdin.buffer.read(limits.max_file_mb * 1024 * 1024 + 1)
        return read_document(None, data=data, filename="stdin", limits=limits)
    return read_document(Path(name), limits=limits)


def _report(outcome, case) -> None:
    where = f"case {outcome.case_id}" if outcome.case_id else "no case"
    click.secho(f"{outcome.file}: {outcome.kind}, {outcome.action} ({where})", bold=True)
    if outcome.link_reason and outcome.action != "created":
        click.echo(f"  linked: {outcome.link_reason}")
    parsed = outcome.parsed
    if parsed is not None:
        for name in SHOWN_FIELDS:
            _field_line(name, getattr(parsed, name, None), parsed.sources.get(name))
        for target in parsed.targets:
            role = "additional target" if target.additional else "target"
            bits = [target.title, target.name, target.email, target.fax, target.handle]
            click.echo(f"  {role:>17}: {' | '.join(b for b in bits if b)}")
        for warning in parsed.warnings:
            warn(f"  warning: {warning}")
    for note in outcome.notes:
        click.echo(f"  {note}")
    if outcome.action == "created" and case and not case["missing"] and case["status"] == "open":
        click.echo(f"  correct a field with: advocate case edit {outcome.case_id} --set deadline=YYYY-MM-DD")


def _field_line(name, value, source) -> None:
    if value in (None, [], ""):
        return
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    text = str(value)
    if len(text) > 90:
        text = text[:87] + "..."
    where = f"  (line {source.line}, {source.confidence:.0%} sure)" if source else ""
    click.echo(f"  {name:>17}: {text}{where}")
