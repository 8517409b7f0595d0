"""`advocate init`: config.toml, messages/, pages/ and the database, where missing."""

from __future__ import annotations

from pathlib import Path

import click


def register(cli: click.Group) -> None:
    cli.add_command(init)


@click.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def init(app, folder):
    """Create config.toml, messages/ and the database in FOLDER (default: here), keeping what exists."""
    from ..config import load_config

    folder = folder or (Path(app.config_option).parent if app.config_option else Path.cwd())
    folder.mkdir(parents=True, exist_ok=True)
    config_path = Path(app.config_option) if app.config_option else folder / "config.toml"
    _copy("config.toml", config_path, "config")
    app._config = load_config(config_path)
    _copy("messages", app.config.messages, "message templates")
    _copy("pages", Path(app.config.site.pages), "page templates")
    existed = app.config.database.exists()
    app.db(create=True)
    click.echo(f"{'kept' if existed else 'created'} database: {app.config.database}")
    _say_zone(app.config, config_path)
    click.echo("next: advocate ingest FILE   (an Urgent Action as .txt, .docx, .pdf or .html)")


def _say_zone(config, config_path: Path) -> None:
    """Whose hours posts keep to, so nobody posts at the audience's night by surprise."""
    import tomllib

    posting = config.posting
    named = "timezone" in tomllib.loads(config_path.read_text("utf-8")).get("posting", {})
    whose = "" if named else " (this machine's zone)"
    click.echo(f"posting window: {posting.window_start}-{posting.window_end} {posting.timezone}{whose}")
    if not named:
        click.echo("  an audience elsewhere? set [posting] timezone, or an account's own timezone")


def _copy(name: str, target: Path, what: str) -> None:
    from ..defaults import copy_default

    if target.exists():
        click.echo(f"kept {what}: {target}")
        return
    copy_default(name, target)
    click.echo(f"created {what}: {target}")
