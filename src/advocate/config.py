"""config.toml -> a frozen Config, checked key by key.

Where the file is: --config, else $ADVOCATE_CONFIG, else ./config.toml,
else the platform's user config folder. Every error names the file and
the key, so a coordinator can fix it without reading code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError


@dataclass(frozen=True)
class PostingSettings:
    timezone: str = "UTC"
    window_start: str = "09:00"
    window_end: str = "21:00"
    posts_per_day: int = 2
    strategy: str = "ramp"
    min_spacing_minutes: int = 90
    jitter_minutes: int = 7
    daily_cap: int = 17
    review: bool = True
    languages: list = field(default_factory=list)
    last_call_days: int = 2
    stale_after_minutes: int = 60

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def window(self) -> tuple[dt.time, dt.time]:
        return dt.time.fromisoformat(self.window_start), dt.time.fromisoformat(self.window_end)


@dataclass(frozen=True)
class GuardConfig:
    max_hashtags: int = 2
    max_mentions: int = 1
    mentions_per_handle_per_day: int = 1
    mention_needs_review: bool = True


@dataclass(frozen=True)
class DaemonSettings:
    poll_seconds: int = 5
    max_attempts: int = 5
    lock_file: str = "advocate.lock"


@dataclass(frozen=True)
class Config:
    path: Path | None
    database: Path
    messages: Path
    org: str
    accounts: tuple[str, ...]
    account_settings: Mapping[str, Mapping[str, Any]]
    posting: PostingSettings
    guard: GuardConfig
    daemon: DaemonSettings

    @property
    def lock_path(self) -> Path:
        return self.database.parent / self.daemon.lock_file

    def account(self, name: str) -> Mapping[str, Any]:
        try:
            return self.account_settings[name]
        except KeyError:
            raise ConfigError(f"{self.path}: no [accounts.{name}] table; add one or remove '{name}' from accounts") from None


ADVOCATE_KEYS = {"database": str, "messages": str, "org": str, "accounts": list}
ACCOUNT_TYPES = ("dryrun", "x", "mastodon", "bluesky")


def find_config(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> Path | None:
    """The config file to use, or None when there is none yet (defaults apply)."""
    if explicit:
        return Path(explicit)
    if environ.get("ADVOCATE_CONFIG"):
        return Path(environ["ADVOCATE_CONFIG"])
    if (cwd / "config.toml").exists():
        return cwd / "config.toml"
    from platformdirs import user_config_path

    candidate = user_config_path("advocate") / "config.toml"
    return candidate if candidate.exists() else None


def default_home() -> Path:
    """Where data lives when no config file says otherwise."""
    from platformdirs import user_data_path

    return user_data_path("advocate")


def load_config(path: Path | None) -> Config:
    if path is None:
        return _build({}, None, default_home())
    if not path.exists():
        raise ConfigError(f"{path}: no such config file; run 'advocate init' to create one")
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the line it names") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None
    return _build(raw, path, path.resolve().parent)


def _build(raw: dict, path: Path | None, base: Path) -> Config:
    where = str(path) if path else "defaults"
    _check_keys(raw, {"advocate", "posting", "guard", "daemon", "accounts"}, where, "")
    top = raw.get("advocate", {})
    _check_table(top, ADVOCATE_KEYS, where, "advocate")
    posting = _section(PostingSettings, raw.get("posting", {}), where, "posting")
    _check_posting(posting, where)
    accounts_raw = raw.get("accounts", {"rehearsal": {"type": "dryrun", "outbox": "outbox.jsonl"}})
    accounts = tuple(top.get("accounts", sorted(accounts_raw)))
    account_settings = {name: _account(name, value, where, base) for name, value in accounts_raw.items()}
    for name in accounts:
        if name not in account_settings:
            raise ConfigError(f"{where}: advocate.accounts names '{name}' but there is no [accounts.{name}] table")
    return Config(
        path=path,
        database=_path(base, top.get("database", "advocate.db")),
        messages=_path(base, top.get("messages", "messages")),
        org=top.get("org", "Amnesty International"),
        accounts=accounts,
        account_settings=account_settings,
        posting=posting,
        guard=_section(GuardConfig, raw.get("guard", {}), where, "guard"),
        daemon=_section(DaemonSettings, raw.get("daemon", {}), where, "daemon"),
    )


def _path(base: Path, value: str) -> Path:
    return (base / Path(value).expanduser()).resolve()


def _check_keys(table: Any, allowed: set, where: str, prefix: str) -> None:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: '{prefix}' must be a table like [{prefix}]")
    for key in table:
        if key not in allowed:
            name = f"{prefix}.{key}" if prefix else key
            raise ConfigError(f"{where}: unknown key '{name}'; allowed: {', '.join(sorted(allowed))}")


def _check_table(table: Any, types: dict, where: str, prefix: str) -> None:
    _check_keys(table, set(types), where, prefix)
    for key, value in table.items():
        expected = types[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(
                f"{where}: '{prefix}.{key}' must be {_type_name(expected)}, not {value!r}"
            )


def _type_name(kind: type) -> str:
    return {str: "a string", int: "a whole number", bool: "true or false", list: "a list"}.get(kind, kind.__name__)


def _section(cls, table: Any, where: str, prefix: str):
    defaults = cls()
    types = {f.name: type(getattr(defaults, f.name)) for f in dataclasses.fields(cls)}
    _check_table(table, types, where, prefix)
    return cls(**table)


def _check_posting(posting: PostingSettings, where: str) -> None:
    try:
        posting.zone
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: 'posting.timezone' = '{posting.timezone}' is not a known time zone; use a name like Europe/London") from None
    try:
        start, end = posting.window
    except ValueError:
        raise ConfigError(f"{where}: 'posting.window_start'/'window_end' must be times like \"09:00\"") from None
    if start >= end:
        raise ConfigError(f"{where}: 'posting.window_start' must be before 'posting.window_end'")
    if posting.strategy not in ("even", "ramp"):
        raise ConfigError(f"{where}: 'posting.strategy' must be \"even\" or \"ramp\", not '{posting.strategy}'")
    for key in ("posts_per_day", "daily_cap"):
        if getattr(posting, key) < 1:
            raise ConfigError(f"{where}: 'posting.{key}' must be at least 1")


def _account(name: str, table: Any, where: str, base: Path) -> dict:
    prefix = f"accounts.{name}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: '{prefix}' must be a table like [{prefix}]")
    kind = table.get("type")
    if kind not in ACCOUNT_TYPES:
        raise ConfigError(f"{where}: '{prefix}.type' must be one of {', '.join(ACCOUNT_TYPES)}, not {kind!r}")
    for key, value in table.items():
        if any(word in key.lower() for word in ("secret", "token", "password", "api_key")) and key != "credentials_env":
            raise ConfigError(f"{where}: '{prefix}.{key}' looks like a secret; secrets come from environment variables, never config.toml")
    settings = dict(table)
    if kind == "dryrun":
        settings["outbox"] = str(_path(base, table.get("outbox", f"outbox-{name}.jsonl")))
    return settings


def config_with(config: Config, **changes) -> Config:
    """A copy with some fields replaced (tests, --simulate)."""
    return dataclasses.replace(config, **changes)


def env_flag(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").lower() in ("1", "true", "yes")

