"""Tables for people; JSON for scripts (see cli.echo_json)."""

from __future__ import annotations

import click


def table(rows: list[dict], columns: list[tuple[str, str]], title: str | None = None, empty: str = "Nothing to show.") -> None:
    """Print rows as a readable table; `columns` is [(key, heading)]."""
    if not rows:
        click.echo(empty)
        return
    from rich.console import Console
    from rich.table import Table

    view = Table(title=title, show_lines=False, header_style="bold")
    for _key, heading in columns:
        view.add_column(heading, overflow="fold")
    for row in rows:
        view.add_row(*["" if row.get(key) is None else str(row.get(key)) for key, _ in columns])
    Console().print(view)


def fields(pairs: list[tuple[str, object]]) -> None:
    width = max(len(k) for k, _ in pairs)
    for key, value in pairs:
        click.echo(f"{key.rjust(width)}: {'' if value is None else value}")
