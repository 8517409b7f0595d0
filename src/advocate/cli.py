"""The command line: parse, call the modules, format. No logic lives here.

Heavy libraries (tweepy, apscheduler, the PDF reader, dateparser, jinja2,
rich) are imported inside the commands that use them, so that reading
the queue starts as fast as click and sqlite-utils allow.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from .errors import AdvocateError


@dataclass
class App:
    """What every command needs, loaded on first use and passed down."""

    config_option: str | None
    now_option: str | None
    environ: dict = field(default_factory=lambda: dict(os.environ))
    _config: Any = None
    _db: Any = None
    _pinned: Any = None

    @property
    def config(self):
        if self._config is None:
            self._config = self.load_config()
        return self._config

    def load_config(self):
        from .config import find_config, load_config

        return load_config(find_config(self.config_option, self.environ, Path.cwd()))

    @property
    def pinned(self) -> bool:
        """Whether --now or ADVOCATE_NOW pins the time (--now= is pinned to nothing: an error, not the real clock)."""
        return self.now_option is not None or bool(self.environ.get("ADVOCATE_NOW"))

    @property
    def clock(self):
        from .clock import FixedClock, SystemClock

        if not self.pinned:
            return SystemClock()
        if self._pinned is None:
            text, what = (self.now_option, "--now") if self.now_option is not None else (self.environ["ADVOCATE_NOW"], "ADVOCATE_NOW")
            self._pinned = self.parse_time(text, what, SystemClock().now())
        return FixedClock(self._pinned)

    def now(self):
        return self.clock.now()

    def parse_time(self, text: str, what: str, now=None):
        """A time as --now, --until and `queue move` read it; without an offset, in the posting time zone."""
        from .clock import parse_instant

        needs_zone = not _has_offset(text)
        zone = self.config.posting.timezone if needs_zone else None
        return parse_instant(text, what, zone=zone, now=now if now is not None else (self.now() if needs_zone else None))

    def db(self, create: bool = False):  # only `init` makes the database: elsewhere it would be a second, empty one
        if self._db is None or not hasattr(self._db, "table_names"):
            from .db import open_db

            if self._db is not None:  # a Reader: writing needs the full database
                self._db.close()
            self._db = open_db(self.config.database, create=create)
        return self._db

    def reader(self):
        """For read commands: the database without loading sqlite-utils, when its schema is current."""
        if self._db is None:
            from .db import open_reader

            self._db = open_reader(self.config.database)
        return self._db


def _has_offset(text: str) -> bool:
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


class AdvocateGroup(click.Group):
    """Turns every domain error, and every bad parameter, into one line on stderr and exit status 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:  # a bad or missing parameter of a subcommand
            if os.environ.get("ADVOCATE_DEBUG"):
                raise
            where = exc.ctx.command_path if exc.ctx else ctx.command_path
            error = click.ClickException(f"{exc.format_message().rstrip('.')}; '{where} -h' shows the usage")
            error.exit_code = exc.exit_code  # 2, as click says of usage errors
            raise error from None
        except AdvocateError as exc:
            if os.environ.get("ADVOCATE_DEBUG"):
                raise
            raise click.ClickException(str(exc)) from None
        except sqlite3.OperationalError as exc:
            if os.environ.get("ADVOCATE_DEBUG"):
                raise
            raise click.ClickException(f"database error: {exc}; if it says 'locked', another process holds it too long, try again") from None
        except sqlite3.IntegrityError as exc:
            if os.environ.get("ADVOCATE_DEBUG"):
                raise
            if "posts_no_duplicate_text" in str(exc) or "dedupe_key" in str(exc):
                raise click.ClickException("that text is already used by another post of the same case and account; "
                                           "write a different text") from None
            raise click.ClickException(f"the change breaks a rule of the database ({exc}); nothing was changed") from None


@click.group(cls=AdvocateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar="PATH", envvar="ADVOCATE_CONFIG",
              help="config.toml to use (default: ./config.toml, else the user config folder).")
@click.option("--now", "now", metavar="TIME",
              help="Pin the time for this command: ISO 8601 (e.g. 2019-04-10T09:00+05:00), 'tomorrow 10:00' or '+2h'; "
                   "without an offset, in the posting time zone. Also ADVOCATE_NOW.")
@click.version_option(package_name="advocate")
@click.pass_context
def cli(ctx, config_path, now):
    """advocate: run human-rights Urgent Action campaigns on social media, and stop them when the case closes."""
    app = App(config_path, now)
    if os.environ.get("NO_COLOR"):  # https://no-color.org; rich reads it by itself
        ctx.color = False
    ctx.obj = app
    pinned = now if now is not None else app.environ.get("ADVOCATE_NOW", "")
    if app.pinned and (ctx.invoked_subcommand != "init" or not pinned.strip() or _has_offset(pinned)):
        app.now()  # check --now / ADVOCATE_NOW before doing anything, even for commands that never ask the time


def main() -> None:
    cli(prog_name="advocate")


from .commands import calendar_cmd, cases_cmd, daemon_cmd, ingest_cmd, messages_cmd, queue_cmd, setup_cmd, site_cmd  # noqa: E402

for module in (setup_cmd, ingest_cmd, cases_cmd, queue_cmd, calendar_cmd, daemon_cmd, messages_cmd, site_cmd):
    module.register(cli)

from .commands import review_cmd  # noqa: E402

review_cmd.register(cli)
