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
    default_campaign_days: int = 0  # a case with no deadline campaigns this long after its UA's date; 0 = skip it

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
    reconcile_minutes: int = 5  # how often an account's timeline is searched for posts whose outcome is unknown
    lock_file: str = "advocate.lock"
    deadline_grace_hours: int = 0

    @property
    def deadline_grace(self) -> dt.timedelta:
        return dt.timedelta(hours=self.deadline_grace_hours)


@dataclass(frozen=True)
class InboxSettings:
    folder: str = ""  # empty: no inbox; resolved against the config file's folder


@dataclass(frozen=True)
class FeedSettings:
    urls: list = field(default_factory=list)  # http(s) URLs or local files (resolved like paths)
    interval_minutes: int = 60
    timeout_seconds: int = 20


NOTIFY_EVENTS = (
    "case-closed", "case-needs-confirmation", "case-reopened", "case-kept", "case-created", "case-updated",
    "failed", "unknown", "account-paused", "rate-limited", "retry", "sent", "inbox-failed", "feed-failed",
)


@dataclass(frozen=True)
class NotifySettings:
    urls_env: str = "ADVOCATE_NOTIFY_URLS"
    events: list = field(default_factory=lambda: [
        "case-closed", "case-needs-confirmation", "failed", "unknown", "account-paused", "inbox-failed"])
    digest_time: str = ""  # "08:00": one summary a day at that local time (posting.timezone); empty: none


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
    inbox: InboxSettings = field(default_factory=InboxSettings)
    feeds: FeedSettings = field(default_factory=FeedSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)

    @property
    def lock_path(self) -> Path:
        return self.database.parent / self.daemon.lock_file

    def account(self, name: str) -> Mapping[str, Any]:
        try:
            return self.account_settings[name]
        except KeyError:
            known = ", ".join(self.account_settings) or "none yet"
            raise ConfigError(f"no account '{name}' in {self.path}: add an [accounts.{name}] table there, or use one of: {known}") from None


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
    _check_keys(raw, {"advocate", "posting", "guard", "daemon", "accounts", "inbox", "feeds", "notify"}, where, "")
    top = raw.get("advocate", {})
    _check_table(top, ADVOCATE_KEYS, where, "advocate")
    posting = _section(PostingSettings, _tier(raw.get("posting", {}), where), where, "posting")
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
        daemon=_check_daemon(_section(DaemonSettings, raw.get("daemon", {}), where, "daemon"), where),
        inbox=_inbox(raw.get("inbox", {}), where, base),
        feeds=_feeds(raw.get("feeds", {}), where, base),
        notify=_notify(raw.get("notify", {}), where),
    )


# X's posting caps per 24 hours by access tier (X's docs, Dec 2025): daily_cap = "free" reads as 17.
X_TIERS = {"free": 17, "basic": 100}


def _tier(posting: Any, where: str) -> Any:
    cap = posting.get("daily_cap") if isinstance(posting, dict) else None
    if not isinstance(cap, str):
        return posting
    if cap.lower() not in X_TIERS:
        raise ConfigError(f"{where}: 'posting.daily_cap' must be a number or one of {', '.join(X_TIERS)}, not {cap!r}")
    return {**posting, "daily_cap": X_TIERS[cap.lower()]}


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


def _check_daemon(daemon: DaemonSettings, where: str) -> DaemonSettings:
    if daemon.deadline_grace_hours < 0:
        raise ConfigError(f"{where}: 'daemon.deadline_grace_hours' must be 0 or more, not {daemon.deadline_grace_hours}")
    return daemon


def _inbox(table: Any, where: str, base: Path) -> InboxSettings:
    inbox = _section(InboxSettings, table, where, "inbox")
    return InboxSettings(folder=str(_path(base, inbox.folder))) if inbox.folder.strip() else InboxSettings()


def _feeds(table: Any, where: str, base: Path) -> FeedSettings:
    feeds = _section(FeedSettings, table, where, "feeds")
    _strings(feeds.urls, where, "feeds.urls", "feed URLs or file paths")
    for key in ("interval_minutes", "timeout_seconds"):
        if getattr(feeds, key) < 1:
            raise ConfigError(f"{where}: 'feeds.{key}' must be at least 1")
    urls = [u if "://" in u else _path(base, u).as_uri() for u in feeds.urls]
    return dataclasses.replace(feeds, urls=urls)


def _notify(table: Any, where: str) -> NotifySettings:
    if isinstance(table, dict) and "urls" in table:
        raise ConfigError(f"{where}: 'notify.urls' would put secrets in config.toml; put the apprise URLs, space-separated, in the environment variable named by 'notify.urls_env' (ADVOCATE_NOTIFY_URLS)")
    notify = _section(NotifySettings, table, where, "notify")
    _strings(notify.events, where, "notify.events", "event kinds")
    for kind in notify.events:
        if kind not in NOTIFY_EVENTS:
            raise ConfigError(f"{where}: 'notify.events' has unknown event '{kind}'; choose from {', '.join(NOTIFY_EVENTS)}")
    if not notify.urls_env.strip():
        raise ConfigError(f"{where}: 'notify.urls_env' must name an environment variable, e.g. \"ADVOCATE_NOTIFY_URLS\"")
    if notify.digest_time:
        try:
            dt.time.fromisoformat(notify.digest_time)
        except ValueError:
            raise ConfigError(f"{where}: 'notify.digest_time' must be a time like \"08:00\" or \"\" (no digest), not '{notify.digest_time}'") from None
    return notify


def _strings(values: list, where: str, key: str, what: str) -> None:
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(f"{where}: '{key}' must be a list of {what} (strings), not {values!r}")


# Types of the keys any network uses; which keys a network accepts is its channel's to say.
ACCOUNT_KEY_TYPES = {"type": str, "outbox": str, "base_url": str, "handle": str, "username": str,
                     "visibility": str, "timeout": (int, float), "credentials_env": dict}
ACCOUNT_KEY_NAMES = {str: "a string", (int, float): "a number of seconds", dict: "a table like { api_key = \"VAR\" }"}


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
        expected = ACCOUNT_KEY_TYPES.get(key)
        if expected and (not isinstance(value, expected) or isinstance(value, bool)):
            raise ConfigError(f"{where}: '{prefix}.{key}' must be {ACCOUNT_KEY_NAMES[expected]}, not {value!r}")
    settings = dict(table)
    if kind == "dryrun":
        settings["outbox"] = str(_path(base, table.get("outbox", f"outbox-{name}.jsonl")))
    return settings
