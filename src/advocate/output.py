"""Tables for people; JSON for scripts."""

from __future__ import annotations

import json
import shutil

import click

MIN_WIDTH = 110  # below this, rich folds every cell; a pipe reports 80


def table(rows: list[dict], columns: list[tuple[str, str]], title: str | None = None, empty: str = "Nothing to show.",
          wide: str | None = None) -> None:
    """Print rows as a table; `columns` is [(key, heading)]; the `wide` column takes what room is left."""
    if not rows:
        click.echo(empty)
        return
    from rich.console import Console
    from rich.table import Table

    cells = [["" if row.get(key) is None else str(row.get(key)) for key, _ in columns] for row in rows]
    total = max(shutil.get_terminal_size().columns, MIN_WIDTH)
    # Narrow columns keep their full width (up to 40); the wide one gets the rest.
    widths = [min(max(len(heading), *(len(c[i]) for c in cells)), 40) for i, (_, heading) in enumerate(columns)]
    view = Table(title=title, header_style="bold", box=None, pad_edge=False)
    for index, (key, heading) in enumerate(columns):
        width = max(total - sum(widths) + widths[index] - 2 * len(columns), 20) if key == wide else widths[index]
        view.add_column(heading, no_wrap=True, overflow="ellipsis", width=width)
    for row in cells:
        view.add_row(*row)
    Console(width=total, highlight=False).print(view)


def fields(pairs: list[tuple[str, object]]) -> None:
    width = max(len(k) for k, _ in pairs)
    for key, value in pairs:
        click.echo(f"{key.rjust(width)}: {'' if value is None else value}")


def warn(message: str) -> None:
    """Something the user should see that is not the command's output: on stderr, so pipes stay clean."""
    click.secho(message, fg="yellow", err=True)


def echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def json_option(func):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(func)
