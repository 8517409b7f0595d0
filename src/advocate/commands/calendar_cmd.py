"""`advocate calendar`, `advocate export` and `advocate import`: the plan seen by day, and as files."""

from __future__ import annotations

from pathlib import Path

import click

from ..output import echo_json, json_option
from .params import CASE
from .queue_cmd import STATUSES

PROGRESS_FROM = 1000  # items; fewer take well under a second
LABEL_WIDTH, DEADLINE_WIDTH, DAY_WIDTH = 20, 6, 4  # 14 days fit in 100 columns


def register(cli: click.Group) -> None:
    cli.add_command(calendar)
    cli.add_command(export)
    cli.add_command(import_posts)


def _progress(items: list, label: str):
    """`items`, behind a progress bar on a terminal's stderr when there are many (never in a pipe)."""
    import sys

    if len(items) < PROGRESS_FROM or not sys.stderr.isatty():
        return items
    from rich.console import Console
    from rich.progress import track

    return track(items, description=label, total=len(items), console=Console(stderr=True), transient=True)


# --- calendar -------------------------------------------------------------------------

@click.command()
@click.option("--days", type=click.IntRange(1, 366), default=14, show_default=True, help="How many days, from today.")
@json_option
@click.pass_obj
def calendar(app, days, as_json):
    """The coming days: posts per case and account, each case's deadline (DL), each account's daily cap."""
    import datetime as dt

    from ..cases import list_cases
    from ..exports import calendar_days
    from ..queue import posts_on_days

    zone = app.config.posting.zone
    first = app.now().astimezone(zone).date()
    since = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(first + dt.timedelta(days=days), dt.time(), tzinfo=zone)
    db = app.reader()
    caps = {name: app.config.posting.daily_cap for name in app.config.accounts}
    data = calendar_days(posts_on_days(db, since, until), list_cases(db), first, days, zone, caps)
    from ..forecast import as_json as forecast_json
    from ..forecast import lines, report

    forecasts, app_cap = report(db, app.config, app.now())
    if as_json:
        return echo_json({**data, "forecast": forecast_json(forecasts, app.config.quota, app_cap)})
    _show_calendar(data)
    for line in lines(forecasts, app.config.quota, app_cap):
        click.echo(line)


def _show_calendar(data: dict) -> None:
    import shutil

    if not data["cases"]:
        return click.echo("No open cases: 'advocate ingest FILE' opens one, 'advocate schedule' plans its posts.")
    width = max(shutil.get_terminal_size((100, 24)).columns, 80)
    per_block = max((width - LABEL_WIDTH - DEADLINE_WIDTH - 2) // (DAY_WIDTH + 1), 1)
    for start in range(0, len(data["days"]), per_block):
        _calendar_block(data, data["days"][start:start + per_block], width)
    click.echo("·: no post  DL: deadline day (the last)  = account: its posts, all cases  !: over its daily cap")
    for line in _over_cap(data):
        click.secho(line, fg="red")


def _calendar_block(data: dict, days: list[dict], width: int) -> None:
    import datetime as dt

    from rich.console import Console
    from rich.table import Table

    dates = [dt.date.fromisoformat(d["date"]) for d in days]
    click.echo(f"\nPosts per day, {dates[0]:%a %d %b} to {dates[-1]:%a %d %b %Y} ({data['timezone']})")
    view = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0), header_style="bold")
    view.add_column("Case", width=LABEL_WIDTH, no_wrap=True, overflow="ellipsis")
    view.add_column("Due", width=DEADLINE_WIDTH, no_wrap=True)
    for day in dates:
        view.add_column(f"{day:%a}"[:2] + f"\n{day.day:>2}", width=DAY_WIDTH, justify="right", no_wrap=True)
    for index, case in enumerate(data["cases"]):
        due = dt.date.fromisoformat(case["deadline"]).strftime("%d %b") if case["deadline"] else "-"
        view.add_row(f"{case['id']} {case['person'] or case['ua_number'] or ''}", due, *(_case_cell(d["cases"][index]) for d in days))
    for index, account in enumerate(data["accounts"]):
        view.add_row(f"= {account['name']}", f"cap {account['daily_cap']}", *(_account_cell(d["accounts"][index]) for d in days), style="bold")
    Console(width=width, highlight=False).print(view)


def _case_cell(cell: dict) -> str:
    if cell["after_deadline"]:
        return ""
    count = str(cell["posts"]) if cell["posts"] else "·"
    return f"[red bold]{cell['posts']}DL[/]" if cell["deadline_day"] else count


def _account_cell(cell: dict) -> str:
    return f"[red bold]{cell['posts']}![/]" if cell["over_cap"] else str(cell["posts"] or "·")


def _over_cap(data: dict) -> list[str]:
    return [f"{day['date']}: {a['name']} has {a['posts']} posts, over its daily cap of {a['daily_cap']}; "
            f"'advocate queue --from {day['date']} --to {day['date']}' lists them, 'queue move' spreads them"
            for day in data["days"] for a in day["accounts"] if a["over_cap"]]


# --- export -------------------------------------------------------------------------------

@click.command()
@click.option("--ics", "ics_path", type=click.Path(dir_okay=False, path_type=Path), help="A calendar file (one event per post).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="A spreadsheet (POST's fields).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="A JSON list of POST, as 'queue --json' prints.")
@click.option("--case", "case_id", type=CASE, help="Only this case.")
@click.option("--status", "statuses", type=click.Choice(STATUSES), multiple=True,
              help="Only these statuses (default: draft, scheduled and sent).")
@click.pass_obj
def export(app, ics_path, csv_path, json_path, case_id, statuses):
    """Write the queue to files: ICS for a calendar app, CSV for a spreadsheet, JSON for scripts.

    Each file is written whole, then put in place: a reader never sees half of one.
    """
    from ..exports import EXPORT_STATUSES, csv_chunks, ics_chunks, json_chunks

    targets = [(p, kind) for p, kind in ((ics_path, "ics"), (csv_path, "csv"), (json_path, "json")) if p]
    if not targets:
        raise click.UsageError("name a file: --ics FILE, --csv FILE or --json FILE")
    posts = _export_posts(app, case_id, statuses or EXPORT_STATUSES)
    makers = {"ics": lambda rows: ics_chunks(rows, app.now()), "csv": csv_chunks, "json": json_chunks}
    for path, kind in targets:
        _write(path, makers[kind](_progress(posts, f"writing {path.name}")))
        click.echo(f"wrote {len(posts)} posts to {path}")


def _export_posts(app, case_id, statuses) -> list[dict]:
    import json

    from ..cases import get_case
    from ..queue import page_posts_json_text

    db = app.reader()
    if case_id is not None:
        get_case(db, case_id)
    return json.loads(page_posts_json_text(db, case_id=case_id, statuses=tuple(statuses)))


def _write(path: Path, chunks) -> None:
    from ..errors import AdvocateError
    from ..exports import write_atomic

    try:
        write_atomic(path, chunks)
    except OSError as exc:
        raise AdvocateError(f"{path}: cannot write it ({exc.strerror}); check the folder exists and is writable") from None


# --- import ------------------------------------------------------------------------------

@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_posts(app, file):
    """Add posts from a CSV file: columns case_id, account, scheduled_at, text (and language, kind).

    Every row is checked first (the case is open, the account configured,
    the time has its UTC offset and falls before the deadline, the text fits
    and is new); one bad row and nothing is imported. Rows are numbered as
    in a spreadsheet: the header is row 1.
    """
    from ..imports import import_csv

    imported = import_csv(app.db(), app.config, app.now(), file, track=lambda rows: _progress(rows, "checking rows"))
    ids = imported.ids
    click.echo(f"imported {len(ids)} posts from {file.name} (ids {ids[0]}-{ids[-1]})")
    if imported.drafts:
        click.echo(f"{imported.drafts} wait as drafts: 'advocate review' shows each one whole to approve, edit, move or reject")
