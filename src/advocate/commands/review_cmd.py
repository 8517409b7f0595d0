"""`advocate review`: the coordinator's pass over the posts that wait for a human."""

from __future__ import annotations

import click

from .params import CASE, LINE


def register(cli: click.Group) -> None:
    cli.add_command(review)


@click.command()
@click.option("--case", "case_id", type=CASE, help="Only this case's posts.")
@click.option("--account", type=LINE, help="Only this account's posts (a name from config.toml).")
@click.pass_obj
def review(app, case_id, account):
    """Step through the drafts, soonest first, each shown whole: approve, edit, reject, move, skip or quit, one key each.

    Edit opens $VISUAL or $EDITOR on a terminal, else reads the new text
    inline. Posts whose outcome is unknown are counted at the end, with the
    commands that settle them. Needs a database made by 'advocate init'.
    """
    import textwrap

    from ..review.session import run
    from ..review.terminal import ConsoleTerminal
    from ..review.waiting import Selection, empty_message, unknown_count, waiting_ids

    if account is not None:
        app.config.account(account)  # a typo must not review nothing silently
    db = app.db(create=False)
    selection = Selection(case_id, account)
    if not waiting_ids(db, selection):
        return click.echo(empty_message(selection, unknown_count(db, selection)))
    terminal = ConsoleTerminal(app.environ)
    from ..forecast import lines, report

    forecasts, app_cap = report(db, app.config, app.now())
    for line in lines(forecasts, app.config.quota, app_cap):  # what approving the drafts would cost
        indent = " " * (len(line) - len(line.lstrip()))
        click.echo("\n".join(textwrap.wrap(line, terminal.width(), initial_indent="", subsequent_indent=indent + "  ")) or line)
    summary = run(db, app.config, app.now, selection, terminal, app.config.posting.timezone)
    click.echo("")
    for line in summary.lines():
        click.echo("\n".join(textwrap.wrap(line, terminal.width(), subsequent_indent="  ", break_on_hyphens=False)))
