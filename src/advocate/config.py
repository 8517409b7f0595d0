"""config.toml -> a frozen Config, checked key by key.

Where the file is: --config, else $ADVOCATE_CONFIG, else ./config.toml,
else the platform's user config folder. Every error names the file and
the key, so a coordinator can fix it without reading code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError
from .ingest.limits import ReadLimits


@dataclass(frozen=True)
class PostingSettings:
    timezone: str = "UTC"  # absent from config.toml: the machine's own zone (machine_zone), not UTC
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
    case_spacing_minutes: int = 30  # two accounts' posts for one case keep this far apart

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
class SiteSettings:
    """The supporters' action kit (advocate site build): the daemon rebuilds `folder` when set."""

    folder: str = ""    # empty: no site; resolved against the config file's folder
    base_url: str = ""  # where the site is published: absolute links and Open Graph tags
    pages: str = "pages"  # the page templates, resolved like messages


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


# [ingest]: how much work one document may cost. The readers' own limits,
# defined once beside them (a light module: no reader is imported).
IngestSettings = ReadLimits


@dataclass(frozen=True)
class QuotaSettings:
    """What posting costs and what each network allows, for the forecast
    (schedule, calendar, review) and [accounts.NAME] monthly_budget.

    X charges per post created, more for a post carrying a link: the
    defaults are X's published pay-per-use rates ("Content: Create" and
    "Content: Create (with URL)", https://docs.x.com/x-api/getting-started/pricing),
    checked on x_prices_checked. Prices change: set them from your Developer Console.
    """

    currency: str = "USD"
    x_price_per_post: float = 0.015
    x_price_per_post_with_link: float = 0.200
    x_prices_checked: str = "2026-12-06"
    x_posts_per_24h_per_user: int = 100     # POST /2/tweets per user (X's docs)
    x_posts_per_24h_per_app: int = 1667     # and per app: every X account of this config together
    bluesky_points_per_hour: int = 5000     # Bluesky's PDS write limits per account; a post costs 3
    bluesky_points_per_day: int = 35000
    bluesky_points_per_post: int = 3
    mastodon_requests_per_5_minutes: int = 300  # Mastodon's default per account


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
    ingest: IngestSettings = field(default_factory=IngestSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    quota: QuotaSettings = field(default_factory=QuotaSettings)

    @property
    def lock_path(self) -> Path:
        return self.database.parent / self.daemon.lock_file

    def zone_for(self, account: str | None = None, case_zone: str | None = None) -> str:
        """The zone a post's window is in: the account's audience zone ([accounts.NAME] timezone),
        else the case's own (set by the coordinator: case edit --set timezone=...), else [posting] timezone."""
        own = self.account_settings.get(account, {}).get("timezone") if account else None
        return own or case_zone or self.posting.timezone

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


def machine_zone() -> str:
    """This machine's time zone as an IANA name ("Europe/London"), the default of [posting] timezone.
    tzlocal reads it where each OS keeps it (TZ, /etc/localtime, /etc/timezone, the Windows
    registry); a machine whose zone cannot be told (or has no name) posts in UTC."""
    try:
        from tzlocal import get_localzone_name

        name = get_localzone_name()
    except (LookupError, ValueError, OSError):  # ZoneInfoNotFoundError is a LookupError
        return "UTC"
    return name if name and _is_zone(name) else "UTC"


def load_config(path: Path | None, local_zone: Callable[[], str] | None = None) -> Config:
    """`local_zone` tells the machine's zone (default: machine_zone); tests inject their own."""
    if path is None:
        return _build({}, None, default_home(), local_zone)
    if not path.exists():
        raise ConfigError(f"{path}: no such config file; run 'advocate init' to create one")
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the line it names") from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise ConfigError(f"{path}: not valid TOML (nested too deep); fix the arrays or tables that open without end") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None
    return _build(raw, path, path.resolve().parent, local_zone)


def _build(raw: dict, path: Path | None, base: Path, local_zone: Callable[[], str] | None = None) -> Config:
    where = str(path) if path else "defaults"
    _check_keys(raw, {"advocate", "posting", "guard", "daemon", "accounts", "inbox", "feeds", "notify", "ingest", "site", "quota"}, where, "")
    top = raw.get("advocate", {})
    _check_table(top, ADVOCATE_KEYS, where, "advocate")
    _check_rules(top, "advocate", where)
    posting = _section(PostingSettings, _tier(raw.get("posting", {}), where), where, "posting")
    _check_posting(posting, where)
    if not (isinstance(raw.get("posting"), dict) and "timezone" in raw["posting"]):  # the audience is where the machine is
        posting = dataclasses.replace(posting, timezone=(local_zone or machine_zone)())
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
        inbox=_inbox(raw.get("inbox", {}), where, base),
        feeds=_feeds(raw.get("feeds", {}), where, base),
        notify=_notify(raw.get("notify", {}), where),
        ingest=_section(IngestSettings, raw.get("ingest", {}), where, "ingest"),
        site=_site(raw.get("site", {}), where, base),
        quota=_quota(raw.get("quota", {}), where),
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
    _check_rules(table, prefix, where)
    return cls(**table)


# --- what each value may be ------------------------------------------------------------
# One rule per key of every section: (check, what the value must be). A key
# without a rule fails tests/test_config_validation.py, so none slips through.
Rule = tuple[Callable[[Any], bool], str]


def _between(low: int, high: int) -> Rule:
    """A whole number in [low, high]; the bound above keeps timedeltas and timers in range."""
    return (lambda v: low <= v <= high), f"{'0 or more' if low == 0 else f'at least {low}'} (and at most {high:,})"


def _at_least(low: int) -> Rule:
    return (lambda v: v >= low), ("0 or more" if low == 0 else f"at least {low}")


def _is_zone(value: str) -> bool:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _is_clock(value: str) -> bool:
    try:
        dt.time.fromisoformat(value)
    except ValueError:
        return False
    return True


_LANGUAGE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_FILE_NAME = re.compile(r"[^/\\\x00-\x1f]+")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ANY: Rule = ((lambda v: True), "")
_PRICES = ("x_price_per_post", "x_price_per_post_with_link")
_PRICE: Rule = ((lambda v: 0 <= v <= 1000), "a price of 0 or more (and at most 1,000), like 0.015")  # nan and inf fail too


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True

_FLAG: Rule = _ANY  # true/false: the type check says it all
_NON_EMPTY: Rule = ((lambda v: bool(v.strip())), "a non-empty string")

RULES: dict[str, dict[str, Rule]] = {
    "advocate": {
        "database": (lambda v: bool(v.strip()) and not v.endswith(("/", "\\")), "a file name or path like \"advocate.db\""),
        "messages": (_NON_EMPTY[0], "a folder name like \"messages\""),
        "org": (_NON_EMPTY[0], "your organisation's name"),
        "accounts": (lambda v: all(isinstance(a, str) and a.strip() for a in v), "a list of account names (strings)"),
    },
    "posting": {
        "timezone": (_is_zone, "a known time zone like \"Europe/London\""),
        "window_start": (_is_clock, "a time like \"09:00\""),
        "window_end": (_is_clock, "a time like \"21:00\""),
        "posts_per_day": _between(1, 1440),
        "strategy": ((lambda v: v in ("even", "ramp")), "\"even\" or \"ramp\""),
        "min_spacing_minutes": _between(0, 1440),
        "jitter_minutes": _between(0, 720),
        "daily_cap": _between(1, 100_000),
        "review": _FLAG,
        "languages": ((lambda v: all(isinstance(c, str) and _LANGUAGE.fullmatch(c) for c in v)),
                      "a list of language codes like [\"en\", \"ru\"]"),
        "last_call_days": _between(0, 366),
        "stale_after_minutes": _between(0, 525_600),
        "default_campaign_days": _between(0, 3650),
        "case_spacing_minutes": _between(0, 1440),
    },
    "guard": {
        "max_hashtags": _at_least(0),
        "max_mentions": _at_least(0),
        "mentions_per_handle_per_day": _at_least(0),
        "mention_needs_review": _FLAG,
    },
    "daemon": {
        "poll_seconds": _between(1, 86_400),  # 0 or less would make the daemon spin
        "max_attempts": _between(1, 1000),
        "reconcile_minutes": _between(0, 10_080),  # 0: at every tick
        "lock_file": ((lambda v: bool(_FILE_NAME.fullmatch(v)) and v.strip() not in ("", ".", "..")),
                      "a file name like \"advocate.lock\" (no folders)"),
        "deadline_grace_hours": _between(0, 8784),
    },
    "inbox": {"folder": _ANY},  # empty: no inbox
    "feeds": {
        "urls": _ANY,  # checked by _feeds, which names what each must be
        "interval_minutes": _between(1, 10_080),
        "timeout_seconds": _between(1, 600),
    },
    "notify": {
        "urls_env": ((lambda v: bool(_ENV_NAME.fullmatch(v))), "must name an environment variable, e.g. \"ADVOCATE_NOTIFY_URLS\""),
        "events": _ANY,  # checked by _notify against NOTIFY_EVENTS
        "digest_time": ((lambda v: v == "" or _is_clock(v)), "a time like \"08:00\" or \"\" (no digest)"),
    },
    "quota": {
        "currency": ((lambda v: bool(re.fullmatch(r"[A-Z]{3}", v))), "a currency code like \"USD\""),
        "x_price_per_post": _PRICE,
        "x_price_per_post_with_link": _PRICE,
        "x_prices_checked": (_is_date, "the date the prices were checked, like \"2026-12-06\""),
        **{key: _between(1, 10_000_000) for key in ("x_posts_per_24h_per_user", "x_posts_per_24h_per_app",
                                                     "bluesky_points_per_hour", "bluesky_points_per_day",
                                                     "bluesky_points_per_post", "mastodon_requests_per_5_minutes")},
    },
    "site": {
        "folder": _ANY,  # empty: no site
        "base_url": ((lambda v: v == "" or (v.startswith(("https://", "http://")) and " " not in v)),
                     "an address like \"https://act.example.org/\" or \"\""),
        "pages": (_NON_EMPTY[0], "a folder name like \"pages\""),
    },
    "ingest": {**{key: _between(1, 1_000_000) for key in ("max_file_mb", "max_unpacked_mb", "max_pages", "max_depth")},
               "max_pdf_content_kb": _between(1, 10_000_000), "max_pdf_operations": _between(1, 1_000_000_000),
               "max_text_chars": _between(1_000, 1_000_000_000),
               "max_line_chars": _between(200, 1_000_000)},  # shorter lines would cut every sentence
}


def _check_rules(table: Any, prefix: str, where: str) -> None:
    """Each value of `table` (its type already checked) against its rule: one line naming the key."""
    rules = RULES.get(prefix, {})
    for key, value in table.items():
        _check_controls(value, f"{prefix}.{key}", where)
        check, what = rules.get(key, _ANY)
        if not check(value):
            must = what if what.startswith("must ") else f"must be {what}"
            raise ConfigError(f"{where}: '{prefix}.{key}' {must}, not {_shown(value)}; "
                              "fix it, or delete the line to use the default")


def _check_controls(value: Any, key: str, where: str) -> None:
    texts = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    for text in texts:
        if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
            raise ConfigError(f"{where}: '{key}' holds a control character ({_shown(text)}); remove it")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_posting(posting: PostingSettings, where: str) -> None:
    """The relations between keys, once each key is valid alone."""
    start, end = posting.window
    if start >= end:
        raise ConfigError(f"{where}: 'posting.window_start' ({posting.window_start}) must be before "
                          f"'posting.window_end' ({posting.window_end})")


def _inbox(table: Any, where: str, base: Path) -> InboxSettings:
    inbox = _section(InboxSettings, table, where, "inbox")
    return InboxSettings(folder=str(_path(base, inbox.folder))) if inbox.folder.strip() else InboxSettings()


def _quota(table: Any, where: str) -> QuotaSettings:
    if isinstance(table, dict):  # a price may be written as a whole number: 1 means 1.0
        table = {k: float(v) if k in _PRICES and type(v) is int else v for k, v in table.items()}
    return _section(QuotaSettings, table, where, "quota")


def _site(table: Any, where: str, base: Path) -> SiteSettings:
    site = _section(SiteSettings, table, where, "site")
    folder = str(_path(base, site.folder)) if site.folder.strip() else ""
    return SiteSettings(folder=folder, base_url=site.base_url.strip(), pages=str(_path(base, site.pages)))


def _feeds(table: Any, where: str, base: Path) -> FeedSettings:
    feeds = _section(FeedSettings, table, where, "feeds")
    _strings(feeds.urls, where, "feeds.urls", "feed URLs or file paths")
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
    return notify


def _strings(values: list, where: str, key: str, what: str) -> None:
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(f"{where}: '{key}' must be a list of {what} (strings), not {values!r}")


# Types of the keys any network uses; which keys a network accepts is its channel's to say.
ACCOUNT_KEY_TYPES: dict[str, type | tuple[type, ...]] = {"type": str, "outbox": str, "base_url": str, "handle": str, "username": str,
                     "visibility": str, "timeout": (int, float), "credentials_env": dict}
ACCOUNT_KEY_NAMES: dict[type | tuple[type, ...], str] = {str: "a string", (int, float): "a number of seconds", dict: "a table like { api_key = \"VAR\" }"}


def _planning_keys(table: dict, prefix: str, where: str) -> None:
    """The keys the planner reads from an account's table (the channel reads the rest)."""
    languages = table.get("languages", [])
    if not isinstance(languages, list) or not all(isinstance(c, str) and _LANGUAGE.fullmatch(c) for c in languages):
        raise ConfigError(f"{where}: '{prefix}.languages' must be a list of language codes like [\"en\", \"ru\"], not {_shown(languages)}; "
                          "fix it, or delete the line to post in each case's languages")
    zone = table.get("timezone", "UTC")
    if not isinstance(zone, str) or not _is_zone(zone):
        raise ConfigError(f"{where}: '{prefix}.timezone' must be a known time zone like \"America/New_York\" (its audience's), "
                          f"not {_shown(zone)}; fix it, or delete the line to use [posting] timezone")
    budget = table.get("monthly_budget", 0)
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not 0 <= budget <= 10_000_000:
        raise ConfigError(f"{where}: '{prefix}.monthly_budget' must be an amount of 0 or more in [quota] currency, like 25, "
                          f"not {_shown(budget)}; fix it, or delete the line for no budget")


def _account(name: str, table: Any, where: str, base: Path) -> dict:
    prefix = f"accounts.{name}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: '{prefix}' must be a table like [{prefix}]")
    kind = table.get("type")
    if kind not in ACCOUNT_TYPES:
        raise ConfigError(f"{where}: '{prefix}.type' must be one of {', '.join(ACCOUNT_TYPES)}, not {kind!r}")
    for key, value in table.items():
        _check_controls(value, f"{prefix}.{key}", where)
        if any(word in key.lower() for word in ("secret", "token", "password", "api_key")) and key != "credentials_env":
            raise ConfigError(f"{where}: '{prefix}.{key}' looks like a secret; secrets come from environment variables, never config.toml")
        expected = ACCOUNT_KEY_TYPES.get(key)
        if expected and (not isinstance(value, expected) or isinstance(value, bool)):
            raise ConfigError(f"{where}: '{prefix}.{key}' must be {ACCOUNT_KEY_NAMES[expected]}, not {value!r}")
    _planning_keys(table, prefix, where)
    settings = dict(table)
    if kind == "dryrun":
        settings["outbox"] = str(_path(base, table.get("outbox", f"outbox-{name}.jsonl")))
    return settings
