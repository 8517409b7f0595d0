"""The README and the CLI agree: every command it shows exists, every command
has --help, and every read command takes --json."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from advocate.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"

# Every command is one or the other, so a new command must be placed here.
READ = {"case list", "case show", "queue list", "queue show", "history", "calendar", "status",
        "messages vars", "messages check", "messages preview"}
WRITE = {"init", "ingest", "case edit", "case close", "case keep", "case pause", "case resume", "schedule",
         "queue approve", "queue reject", "queue cancel", "queue edit", "queue move", "queue retry", "queue confirm",
         "queue pause", "queue resume", "queue post-now", "export", "import", "daemon", "account pause", "account resume",
         "review", "site build", "site serve", "case photo"}
GLOBAL_OPTIONS = {"--now", "--config"}


def leaves(group: click.Group = cli, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from leaves(command, (*path, name))
        else:
            yield " ".join((*path, name)), command


def readme_commands() -> list[list[str]]:
    """The argument lists of every `advocate ...` command in the README's shell blocks."""
    found, language = [], None
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            language = None if language is not None else (line[3:].strip() or "text")
            continue
        if language not in ("sh", "bash", "console"):
            continue
        command = line.split(" #")[0].strip().removeprefix("$ ")
        if command.startswith("sudo -u advocate "):
            command = command.removeprefix("sudo -u advocate ")
        match = re.match(r"(?:\S*/)?advocate\s+(.*)", command)
        if match:
            found.append(shlex.split(match.group(1)))
    return found


def resolve(args: list[str]) -> click.Command | None:
    command: click.Command = cli
    rest = list(args)
    while rest and rest[0] in GLOBAL_OPTIONS:
        rest = rest[2:]
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.commands.get(rest[0])
        if sub is None:
            return None if not command.invoke_without_command or command is cli else command
        command, rest = sub, rest[1:]
    return command


def test_every_command_is_placed_as_read_or_write():
    names = {name for name, _ in leaves()}
    assert names == READ | WRITE, f"new: {names - READ - WRITE}; gone: {(READ | WRITE) - names}"


@pytest.mark.parametrize("name", sorted(READ))
def test_every_read_command_takes_json(name):
    command = dict(leaves())[name]
    assert any(param.name == "as_json" for param in command.params), f"advocate {name} has no --json"


@pytest.mark.parametrize("name", sorted(READ | WRITE))
def test_every_command_has_help(name):
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output, result.output


def test_every_command_the_readme_shows_exists():
    commands = readme_commands()
    assert len(commands) > 20  # the README's command list was read
    unknown = [" ".join(args) for args in commands if args and resolve(args) in (None, cli)]
    assert unknown == [], f"the README shows commands the CLI does not have: {unknown}"


def test_warnings_go_to_stderr_and_no_color_is_honoured(workspace, seeds, monkeypatch):
    runner = CliRunner()
    args = ["--config", str(workspace.config), "--now", "2019-04-10T09:00+05:00"]
    colored = runner.invoke(cli, [*args, "ingest", str(seeds / "ua-46-19-initial.txt")], color=True)
    assert colored.exit_code == 0, colored.output
    assert "\x1b[" in colored.stdout  # a terminal gets colour...

    monkeypatch.setenv("NO_COLOR", "1")
    plain = runner.invoke(cli, [*args, "ingest", str(seeds / "ua-46-19-final.txt")], color=True)
    assert plain.exit_code == 0, plain.output
    assert "\x1b[" not in plain.stdout + plain.stderr  # ...unless NO_COLOR says no
    assert "warning: UA number printed as 46/16" in plain.stderr
    assert "warning" not in plain.stdout  # a pipe of the output gets the output only


READ_ARGS = {"case show": ["1"], "queue show": ["1"], "messages preview": ["1"]}


@pytest.mark.parametrize("name", sorted(READ))
def test_every_read_command_runs_on_a_planned_campaign_as_text_and_as_json(name, workspace, seeds):
    workspace.run(f"--now 2019-04-10T09:00+05:00 ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run("--now 2019-04-10T09:00+05:00 schedule")
    for extra in ([], ["--json"]):
        args = ["--config", str(workspace.config), "--now", "2019-04-12T09:00+05:00", *name.split(), *READ_ARGS.get(name, []), *extra]
        result = CliRunner().invoke(cli, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.output)
        assert result.exit_code == 0, (args, result.output)
        assert "Traceback" not in result.output


def test_the_daemon_logs_events_to_stdout_and_warnings_to_stderr(capsys):
    import logging

    from advocate.commands.daemon_cmd import _log_to_stdout

    _log_to_stdout()
    try:
        logging.getLogger("advocate").info("sent post 3")
        logging.getLogger("advocate").warning("post 4 failed")
        out, err = capsys.readouterr()
    finally:
        logging.basicConfig(force=True, handlers=[logging.NullHandler()])
    assert "sent post 3" in out and "post 4 failed" not in out
    assert "post 4 failed" in err and "sent post 3" not in err
