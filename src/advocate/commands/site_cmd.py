"""`advocate site build DIR` and `advocate site serve`: the supporters' action kit."""

from __future__ import annotations

from pathlib import Path

import click


def register(cli: click.Group) -> None:
    cli.add_command(site)


@click.group()
def site():
    """A static site with a page per case, where supporters post and write from their own accounts."""


def _default_folder(app) -> Path | None:
    config_site = getattr(app.config, "site", None)
    folder = getattr(config_site, "folder", "") if config_site is not None else ""
    return Path(folder) if folder else None


@site.command("build")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--base-url", metavar="URL", help="Where the site will be published, e.g. https://act.example.org/: "
              "absolute links and Open Graph tags (a card when a page is shared). Default: [site] base_url.")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@click.pass_obj
def site_build(app, folder, base_url, as_json):
    """Write the index of open cases and FOLDER/cases/<id>-<name>/index.html per case (default: [site] folder)."""
    from ..output import echo_json, warn
    from ..site.build import build_site

    folder = folder or _default_folder(app)
    if folder is None:
        raise click.UsageError("give the site's FOLDER, or set [site] folder in config.toml")
    config_site = getattr(app.config, "site", None)
    base_url = base_url if base_url is not None else (getattr(config_site, "base_url", "") or None)
    result = build_site(app.db(create=False), app.config, folder, app.now(), base_url=base_url)
    if as_json:
        return echo_json(result.as_json())
    for problem in result.problems:
        warn(problem)
    click.echo(f"{folder}: {result.open_cases} open of {result.cases} cases; {len(result.written)} files written, "
               f"{result.unchanged} pages unchanged, {len(result.removed)} removed ({result.seconds:.2f} s)")
    click.echo(f"preview: advocate site serve {folder}")


@site.command("serve")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port on localhost.")
@click.pass_obj
def site_serve(app, folder, port):
    """Serve the built FOLDER on http://127.0.0.1:PORT for a preview; Ctrl-C stops it."""
    from ..site.serve import make_server

    folder = folder or _default_folder(app)
    if folder is None:
        raise click.UsageError("give the site's FOLDER, or set [site] folder in config.toml")
    server = make_server(folder, port=port)
    host, bound = server.server_address[:2]
    click.echo(f"serving {folder} on http://{host}:{bound}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
