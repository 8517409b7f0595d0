"""Every key of config.toml is checked where it enters: one line naming the file and the key.

The table BAD lists, for every key of every section, values a careless or
hostile coordinator could write. A key added to a settings dataclass without
a line here (and a rule in config.RULES) fails test_every_key_has_a_rule.
"""

from __future__ import annotations

import dataclasses
import typing

import pytest

from advocate.config import ADVOCATE_KEYS, RULES, Config, load_config
from advocate.errors import ConfigError

SECTIONS = {name: kind for name, kind in typing.get_type_hints(Config).items() if dataclasses.is_dataclass(kind)}

# key -> TOML values that must be refused (each alone, in an otherwise default config)
BAD: dict[str, list[str]] = {
    "advocate.database": ['""', '"   "', '"data/"'],
    "advocate.messages": ['""'],
    "advocate.org": ['""', '"Amnesty\\u0000"'],
    "advocate.accounts": ["[1, 2]", '[""]'],
    "posting.timezone": ['"Mars/Olympus"', '""', '"../../etc/passwd"', '"UTC\\u0000"'],
    "posting.window_start": ['"25:00"', '"9am"', '""', '"21:00"'],  # the last: not before window_end
    "posting.window_end": ['"24:00"', '"09:00"', '"08:59"'],
    "posting.posts_per_day": ["0", "-1", "100000", "9223372036854775807"],
    "posting.strategy": ['"random"', '""'],
    "posting.min_spacing_minutes": ["-1", "-9223372036854775808", "99999999"],
    "posting.jitter_minutes": ["-7", "100000"],
    "posting.daily_cap": ["0", "-5", '"premium"', "1000000000"],
    "posting.review": ['"yes"', "1"],
    "posting.languages": ["[1, 2]", '["english language"]', '[""]', '["EN"]', '"en"'],
    "posting.last_call_days": ["-1", "100000"],
    "posting.stale_after_minutes": ["-1", "9223372036854775807"],
    "posting.default_campaign_days": ["-1", "1000000"],
    "guard.max_hashtags": ["-1"],
    "guard.max_mentions": ["-1"],
    "guard.mentions_per_handle_per_day": ["-1"],
    "guard.mention_needs_review": ['"no"', "0"],
    "daemon.poll_seconds": ["0", "-5", "0.5", "9223372036854775807"],
    "daemon.max_attempts": ["0", "-1"],
    "daemon.reconcile_minutes": ["-1", "9223372036854775807"],
    "daemon.lock_file": ['""', '"   "', '"locks/advocate.lock"', '"."', '".."', '"a\\u0000b"'],
    "daemon.deadline_grace_hours": ["-1", "1.5", "9223372036854775807"],
    "inbox.folder": ["3", '"in\\u0007box"'],
    "feeds.urls": ['"https://x"', "[3]", '[""]'],
    "feeds.interval_minutes": ["0", "-60", "9223372036854775807"],
    "feeds.timeout_seconds": ["0", "-1", "100000"],
    "notify.urls_env": ['""', '"MY VAR"', '"1ABC"'],
    "notify.events": ['"failed"', '["nope"]'],
    "notify.digest_time": ['"8am"', '"25:00"'],
    "ingest.max_file_mb": ["0", "-1"],
    "ingest.max_unpacked_mb": ["0", "-1"],
    "ingest.max_pages": ["0", "-1"],
    "ingest.max_line_chars": ["0", "-1", "199"],
    "ingest.max_pdf_content_kb": ["0", "-1"],
    "ingest.max_pdf_operations": ["0", "-1"],
    "ingest.max_text_chars": ["0", "999"],
    "ingest.max_depth": ["0", "-1"],
    "posting.case_spacing_minutes": ["-1", "100000"],
    "quota.currency": ['"dollars"', '""', '"usd"'],
    "quota.x_price_per_post": ["-0.01", "nan", "inf", '"0.015"'],
    "quota.x_price_per_post_with_link": ["-1", "1e9"],
    "quota.x_prices_checked": ['"last week"', '""', '"2026-13-01"'],
    "quota.x_posts_per_24h_per_user": ["0", "-1"],
    "quota.x_posts_per_24h_per_app": ["0", "99999999999"],
    "quota.bluesky_points_per_hour": ["0"],
    "quota.bluesky_points_per_day": ["0"],
    "quota.bluesky_points_per_post": ["0"],
    "quota.mastodon_requests_per_5_minutes": ["0", "-300"],
    "site.folder": ["3", '"si\\u0007te"'],
    "site.base_url": ['"act.example.org"', '"https://act example.org"', "3"],
    "site.pages": ['""', '"   "'],
}

# Good values each key must still accept.
GOOD: dict[str, str] = {
    "daemon.poll_seconds": "1", "daemon.reconcile_minutes": "0", "posting.min_spacing_minutes": "0",
    "posting.jitter_minutes": "0", "posting.languages": '["en", "ru", "pt-BR"]', "daemon.lock_file": '".advocate.lock"',
    "notify.digest_time": '""', "posting.daily_cap": '"basic"', "guard.max_mentions": "0",
    "ingest.max_pages": "1", "posting.window_start": '"00:00"', "posting.window_end": '"23:59"',
    "quota.x_price_per_post": "0", "quota.x_price_per_post_with_link": "1", "posting.case_spacing_minutes": "0",
}


def all_keys() -> set[str]:
    keys = {f"advocate.{key}" for key in ADVOCATE_KEYS}
    for section, kind in SECTIONS.items():
        keys |= {f"{section}.{f.name}" for f in dataclasses.fields(kind)}
    return keys


def config_with(tmp_path, key: str, value: str):
    section, name = key.split(".")
    path = tmp_path / "config.toml"
    path.write_text(f"[{section}]\n{name} = {value}\n", encoding="utf-8")
    return path


def test_every_key_has_a_rule_and_a_row_in_the_table():
    keys = all_keys()
    assert keys - set(BAD) == set(), "a config key without bad values in BAD"
    with_rules = {f"{section}.{key}" for section, rules in RULES.items() for key in rules}
    assert keys - with_rules == set(), "a config key without a rule in config.RULES"


CASES = [(key, value) for key in sorted(BAD) for value in BAD[key] if key in all_keys()]


@pytest.mark.parametrize("key, value", CASES)
def test_a_bad_value_is_one_line_naming_the_file_and_the_key(tmp_path, key, value):
    path = config_with(tmp_path, key, value)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert str(path) in message and key.split(".")[1] in message
    assert len(message.splitlines()) == 1 and len(message) - len(str(path)) < 300


def _wrong_type(default) -> str:
    if isinstance(default, bool):
        return '"true"'
    if isinstance(default, (int, float, list)):
        return '"text"'
    return "3"


@pytest.mark.parametrize("key", sorted(all_keys()))
def test_a_value_of_the_wrong_type_names_the_key(tmp_path, key):
    section, name = key.split(".")
    default = [] if section == "advocate" and name == "accounts" else (
        "" if section == "advocate" else getattr(SECTIONS[section](), name))
    path = config_with(tmp_path, key, _wrong_type(default))
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(path)


@pytest.mark.parametrize("key, value", sorted(GOOD.items()))
def test_sensible_values_are_still_accepted(tmp_path, key, value):
    load_config(config_with(tmp_path, key, value))


def test_the_shipped_config_loads_and_every_section_has_its_defaults(workspace):
    config = load_config(workspace.config)
    assert config.daemon.poll_seconds >= 1
    assert config.ingest.max_file_mb == 20 and config.ingest.max_unpacked_mb == 20
    assert (config.ingest.max_pages, config.ingest.max_line_chars, config.ingest.max_depth) == (200, 3_000, 512)


def test_a_daemon_that_would_spin_is_refused_before_it_starts(workspace):
    workspace.set_config("poll_seconds = 5 ", "poll_seconds = -5 ")
    result = workspace.run("daemon --once", ok=False)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {workspace.config}: 'daemon.poll_seconds' must be at least 1 (and at most 86,400), not -5; "
        "fix it, or delete the line to use the default"]


def test_window_order_names_both_keys(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[posting]\nwindow_start = "21:00"\nwindow_end = "09:00"\n')
    with pytest.raises(ConfigError, match=r"'posting.window_start' \(21:00\) must be before 'posting.window_end' \(09:00\)"):
        load_config(path)


def test_a_control_character_in_an_account_setting_names_the_key(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[accounts.fedi]\ntype = "mastodon"\nbase_url = "https://example.org\\u0000"\n')
    with pytest.raises(ConfigError, match=r"'accounts\.fedi\.base_url' holds a control character"):
        load_config(path)


@pytest.mark.parametrize("table, key", [
    ('languages = "en"', "languages"), ('languages = ["english"]', "languages"), ("languages = [1]", "languages"),
    ("monthly_budget = -5", "monthly_budget"), ('monthly_budget = "25"', "monthly_budget"), ("monthly_budget = nan", "monthly_budget"),
    ("monthly_budget = true", "monthly_budget"),
])
def test_an_accounts_planning_keys_are_checked(tmp_path, table, key):
    path = tmp_path / "config.toml"
    path.write_text(f'[accounts.org_x]\ntype = "x"\n{table}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"accounts\.org_x\.{key}") as raised:
        load_config(path)
    assert len(str(raised.value).splitlines()) == 1


def test_an_accounts_languages_and_budget_are_accepted(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[accounts.org_x]\ntype = "x"\nlanguages = ["ru", "kk"]\nmonthly_budget = 25.5\n', encoding="utf-8")
    config = load_config(path)
    assert config.account("org_x")["languages"] == ["ru", "kk"] and config.account("org_x")["monthly_budget"] == 25.5
