"""Shared fixtures: every test gets its own home, config and database."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from advocate.cli import cli

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "examples" / "ua-46-19"  # the seed case, kept in the repository


HOME_VARIABLES = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")


@pytest.fixture(autouse=True, scope="session")
def session_home(tmp_path_factory):
    """Module-scoped fixtures run before isolated_home: they too must never read or write
    the real user's folders (the compiled-template cache, say)."""
    home = tmp_path_factory.mktemp("home")
    saved = {name: os.environ.get(name) for name in HOME_VARIABLES}
    os.environ.update(dict.fromkeys(HOME_VARIABLES, str(home)))
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """No test reads or writes the real user's folders or environment settings."""
    home = tmp_path / "home"
    home.mkdir()
    for name in HOME_VARIABLES:
        monkeypatch.setenv(name, str(home))
    for name in ("ADVOCATE_CONFIG", "ADVOCATE_NOW", "ADVOCATE_DEBUG", "NOTIFY_SOCKET"):
        monkeypatch.delenv(name, raising=False)
    # No test depends on the machine's time zone: where config.toml names none, it is UTC.
    monkeypatch.setattr("advocate.config.machine_zone", lambda: "UTC")
    return home


class Workspace:
    """A folder with config.toml, messages/ and a database, driven like a user would."""

    def __init__(self, root: Path):
        self.root = root
        self.config = root / "config.toml"
        self.runner = CliRunner()

    def run(self, command: str, *, ok: bool = True, input: str | None = None):
        args = ["--config", str(self.config), *shlex.split(command)]
        result = self.runner.invoke(cli, args, input=input, catch_exceptions=False)
        if ok and result.exit_code != 0:
            raise AssertionError(f"advocate {command} exited {result.exit_code}:\n{result.output}")
        return result

    def json(self, command: str):
        return json.loads(self.run(command + " --json").output)

    def outbox(self, name: str = "outbox.jsonl") -> list[dict]:
        path = self.root / name
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def set_config(self, old: str, new: str) -> None:
        text = self.config.read_text()
        assert old in text, old
        self.config.write_text(text.replace(old, new))


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    space = Workspace(tmp_path / "campaign")
    space.root.mkdir()
    space.run("init")
    # The seed case's audience: the tests' times (+05:00, +06:00) are Almaty's, set here, never the machine's.
    space.set_config("[posting]\n", '[posting]\ntimezone = "Asia/Almaty"\n')
    return space


@pytest.fixture
def seeds() -> Path:
    return SEEDS
