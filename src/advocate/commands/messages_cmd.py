"""`advocate messages ...`: the template variables, a lint of every template, previews."""

from __future__ import annotations

import click

from ..output import echo_json, json_option
from .params import DAYS, ID

NETWORKS = ("x", "mastodon", "bluesky")

# Used by `messages check` when there is no open case yet: the seed case's shape.
SAMPLE_CASE = {
    "id": 0, "person": "Serikzhan Bilash", "pronouns": "he/him", "country": "Kazakhstan", "ua_number": "46/19",
    "hashtags": ["#Bilash", "#KazakhsInChina"], "handles": ["@GenProkRK"], "languages": ["Kazakh", "Russian", "English"],
    "deadline": "2019-05-21", "url": None, "suggested_message": None,
    "targets": [{"name": "Nurdauletov Gizat Daurenbekovich", "title": "Prosecutor General", "handle": "@GenProkRK", "additional": False}],
}


def register(cli: click.Group) -> None:
    cli.add_command(messages)


@click.group()
def messages():
    """Message templates: variables, checks and previews."""


@messages.command("vars")
@json_option
def messages_vars(as_json):
    """The variables and helpers a template can use."""
    from ..messages.context import TEMPLATE_VARIABLES

    if as_json:
        return echo_json([{"name": n, "description": d} for n, d in TEMPLATE_VARIABLES])
    width = max(len(n) for n, _ in TEMPLATE_VARIABLES)
    for name, description in TEMPLATE_VARIABLES:
        click.echo(f"{name.ljust(width)}  {description}")


@messages.command("check")
@json_option
@click.pass_obj
def messages_check(app, as_json):
    """Render every template for every open case on every network; report what fails.

    Exits non-zero when a template fails to render, cannot fit, or breaks
    the posting guard.
    """
    from ..lint import lint_templates
    from ..messages.templates import load_templates

    templates = load_templates(app.config.messages)
    cases = _open_cases(app) or [SAMPLE_CASE]
    problems, checked = lint_templates(templates, cases, NETWORKS, app.config)
    if as_json:
        echo_json({"checked": checked, "problems": problems})
    else:
        for line in _problem_lines(problems):
            click.echo(line)
        click.echo(f"{checked} renderings checked over {len(templates)} templates and {len(cases)} cases; {len(problems)} problems")
    if problems:
        raise SystemExit(1)


@messages.command("preview")
@click.argument("case_id", type=ID)
@click.option("--lang", "language", help="Only templates in this language (e.g. ru).")
@click.option("--network", type=click.Choice(NETWORKS), default="x", show_default=True)
@click.option("--days-left", type=DAYS, help="Render as if this many days were left (default: as of now).")
@json_option
@click.pass_obj
def messages_preview(app, case_id, language, network, days_left, as_json):
    """Show each template rendered for CASE_ID, with its length on the network."""
    from ..lint import render_case
    from ..messages.templates import load_templates

    case = _case(app, case_id)
    templates = [t for t in load_templates(app.config.messages) if not language or t.language == language]
    rendered = render_case(templates, case, network, app.config, app.now(), days_left)
    if as_json:
        return echo_json([{"template": f"{t.language}/{t.name}", "kind": t.kind, "language": t.language, "network": network,
                           "text": text, "error": error, "length": size.length if size else None,
                           "limit": size.limit if size else None, "unit": size.unit if size else None}
                          for t, text, size, error in rendered])
    for template, text, size, error in rendered:
        click.secho(f"{template.language}/{template.name} ({template.kind})", bold=True, nl=False)
        if error:
            click.secho(f"  ERROR {error}", fg="red")
        else:
            click.echo(f"  {size.length}/{size.limit} {size.unit}\n{text}\n")


def _problem_lines(problems: list[dict]) -> list[str]:
    """One line per template and problem, naming the cases and networks it showed on (not one per rendering)."""
    grouped: dict[tuple, list] = {}
    for p in problems:
        grouped.setdefault((p["template"], p["problem"]), []).append(p)
    lines = []
    for (template, problem), seen in grouped.items():
        cases = ", ".join(dict.fromkeys(str(p["case_id"]) for p in seen))
        networks = ", ".join(dict.fromkeys(p["network"] for p in seen))
        prefix = "" if problem.startswith(template) else f"{template}: "
        lines.append(f"{prefix}{problem} [case {cases}; {networks}]")
    return lines


def _open_cases(app) -> list[dict]:
    """Open cases that name whom they are for: a nameless one would render 'None' in every text."""
    from ..cases import list_cases
    from ..models import missing_fields

    return [case for case in list_cases(app.db(), "open") if "name" not in missing_fields(case)]


def _case(app, case_id) -> dict:
    from ..cases import case_json, incomplete_reason
    from ..errors import InvalidChange
    from ..models import missing_fields

    case = case_json(app.db(), case_id)
    if "name" in missing_fields(case):
        raise InvalidChange(incomplete_reason(case) or f"case {case_id} has no name")
    return case
