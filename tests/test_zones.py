"""Posting windows in the audience's zone (issue 13, point 7).

Which zone a post's window is in: the account's ([accounts.NAME] timezone),
else the case's own (set by the coordinator: case edit --set timezone=...),
else [posting] timezone, whose default is the machine's zone (injected here,
never the real machine's).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from advocate.config import load_config, machine_zone  # the real one: conftest pins the one the CLI calls
from advocate.errors import ConfigError
from advocate.planner import PlanCase, PlanSettings, next_free_time, plan

APRIL_10 = "--now 2019-04-10T09:00+05:00"
WINDOW = (dt.time(9), dt.time(21))


def settings(**changes) -> PlanSettings:
    base = dict(timezone="Asia/Almaty", window_start=WINDOW[0], window_end=WINDOW[1], posts_per_day=2,
                strategy="even", min_spacing=dt.timedelta(minutes=90), jitter=dt.timedelta(minutes=7), daily_cap=17)
    return PlanSettings(**{**base, **changes})


def end_of(day: str, zone: str = "UTC") -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day) + dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(zone))


def in_window(at: dt.datetime, zone: str) -> bool:
    local = at.astimezone(ZoneInfo(zone)).time()
    return WINDOW[0] <= local < WINDOW[1]


NOW = dt.datetime(2019, 4, 10, 0, 0, tzinfo=dt.UTC)


# --- the planner -----------------------------------------------------------------------

def test_an_account_with_its_own_zone_posts_within_its_window_there():
    slots = plan([PlanCase(1, end_of("2019-04-20"))], ["kz", "ny"],
                 settings(account_zones=(("ny", "America/New_York"),)), NOW, [])
    ny = [s for s in slots if s.account == "ny"]
    kz = [s for s in slots if s.account == "kz"]
    assert len(ny) >= 18 and len(kz) >= 18
    assert all(in_window(s.at, "America/New_York") for s in ny)
    assert all(in_window(s.at, "Asia/Almaty") for s in kz)
    # New York's 09:00-21:00 is Almaty's night: the two windows never meet
    assert not any(in_window(s.at, "Asia/Almaty") for s in ny)


def test_a_case_with_its_own_zone_posts_in_that_zone_and_an_accounts_zone_comes_first():
    cases = [PlanCase(1, end_of("2019-04-20"), timezone="America/Lima"), PlanCase(2, end_of("2019-04-20"))]
    slots = plan(cases, ["a", "tokyo"], settings(account_zones=(("tokyo", "Asia/Tokyo"),)), NOW, [])
    assert all(in_window(s.at, "America/Lima") for s in slots if s.account == "a" and s.case_id == 1)
    assert all(in_window(s.at, "Asia/Almaty") for s in slots if s.account == "a" and s.case_id == 2)
    assert all(in_window(s.at, "Asia/Tokyo") for s in slots if s.account == "tokyo")
    assert {s.case_id for s in slots if s.account == "tokyo"} == {1, 2}


def test_one_account_with_cases_in_two_zones_keeps_its_cap_and_spacing():
    cases = [PlanCase(i, end_of("2019-04-20"), timezone=zone) for i, zone in ((1, "Europe/London"), (2, "Asia/Almaty"), (3, None))]
    slots = plan(cases, ["a"], settings(posts_per_day=6, daily_cap=8, strategy="even"), NOW, [])
    times = sorted(s.at for s in slots)
    assert all(b - a >= dt.timedelta(minutes=90) for a, b in zip(times, times[1:]))
    for start in times:  # never more than the cap in any 24 hours counted from a post
        assert sum(1 for t in times if start <= t < start + dt.timedelta(hours=24)) <= 8 + 2  # two zones' days overlap by hours
    assert {s.case_id for s in slots} == {1, 2, 3}


def test_a_post_the_daemon_missed_moves_to_the_next_window_in_its_own_zone():
    late = dt.datetime(2019, 4, 10, 22, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    when = next_free_time(late, end_of("2019-04-20"), settings(), [], "America/New_York")
    assert when is not None and in_window(when, "America/New_York")
    assert when - late < dt.timedelta(hours=1)  # New York's morning is Almaty's 19:00-ish: already open


# --- the config --------------------------------------------------------------------------

def write(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_posting_zone_is_the_machines(tmp_path):
    path = write(tmp_path, "[posting]\nposts_per_day = 2\n")
    assert load_config(path, local_zone=lambda: "America/Lima").posting.timezone == "America/Lima"
    assert load_config(None, local_zone=lambda: "Europe/Paris").posting.timezone == "Europe/Paris"
    named = write(tmp_path, '[posting]\ntimezone = "Asia/Almaty"\n')
    assert load_config(named, local_zone=lambda: "America/Lima").posting.timezone == "Asia/Almaty"


def test_a_machine_whose_zone_cannot_be_told_posts_in_utc(monkeypatch):
    import tzlocal

    def broken():
        raise LookupError("no zone here")

    monkeypatch.setattr(tzlocal, "get_localzone_name", broken)
    assert machine_zone() == "UTC"
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: None)  # e.g. a fixed offset with no name
    assert machine_zone() == "UTC"
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Africa/Nairobi")
    assert machine_zone() == "Africa/Nairobi"


def test_the_zone_of_a_post_is_the_accounts_then_the_cases_then_postings(tmp_path):
    path = write(tmp_path, '[advocate]\naccounts = ["ny", "plain"]\n[posting]\ntimezone = "Asia/Almaty"\n'
                           '[accounts.ny]\ntype = "dryrun"\ntimezone = "America/New_York"\n[accounts.plain]\ntype = "dryrun"\n')
    config = load_config(path)
    assert config.zone_for("ny", "Europe/London") == "America/New_York"
    assert config.zone_for("plain", "Europe/London") == "Europe/London"
    assert config.zone_for("plain") == "Asia/Almaty"


@pytest.mark.parametrize("value", ['"Mars/Olympus"', '""', "5", '"../../etc/passwd"'])
def test_a_bad_account_zone_is_one_line_naming_the_key(tmp_path, value):
    path = write(tmp_path, f'[accounts.ny]\ntype = "dryrun"\ntimezone = {value}\n')
    with pytest.raises(ConfigError, match=r"'accounts\.ny\.timezone' must be a known time zone") as raised:
        load_config(path)
    assert len(str(raised.value).splitlines()) == 1


# --- through the CLI -------------------------------------------------------------------------

def scheduled(workspace) -> list[dt.datetime]:
    workspace.run(f"{APRIL_10} schedule")
    posts = workspace.json(f"{APRIL_10} queue")
    assert posts
    return [dt.datetime.fromisoformat(p["scheduled_at"]) for p in posts]


def test_schedule_posts_in_the_accounts_zone(workspace, seeds):
    workspace.set_config('outbox = "outbox.jsonl"\n', 'outbox = "outbox.jsonl"\ntimezone = "America/New_York"\n')
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    times = scheduled(workspace)
    assert all(in_window(t, "America/New_York") for t in times)
    assert not all(in_window(t, "Asia/Almaty") for t in times)


def test_without_a_posting_zone_schedule_posts_in_the_machines(workspace, seeds, monkeypatch):
    monkeypatch.setattr("advocate.config.machine_zone", lambda: "America/Lima")
    workspace.set_config('[posting]\ntimezone = "Asia/Almaty"\n', "[posting]\n")  # as `init` writes it
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    times = scheduled(workspace)
    assert all(in_window(t, "America/Lima") for t in times)


def test_a_case_the_coordinator_gives_a_zone_posts_in_it(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} case edit 1 --set timezone=Europe/London")
    times = scheduled(workspace)
    assert all(in_window(t, "Europe/London") for t in times)


def test_a_case_zone_from_its_country_does_not_move_the_window(workspace, seeds):
    workspace.set_config('[posting]\ntimezone = "Asia/Almaty"\n', '[posting]\ntimezone = "Europe/London"\n')
    workspace.run(f"--now 2019-04-10T09:00+01:00 ingest {seeds / 'ua-46-19-initial.txt'}")
    assert workspace.json("case show 1")["timezone"] == "Asia/Almaty"  # from Kazakhstan: the deadline's day
    workspace.run("--now 2019-04-10T09:00+01:00 schedule")
    times = [dt.datetime.fromisoformat(p["scheduled_at"]) for p in workspace.json("--now 2019-04-10T09:00+01:00 queue")]
    assert times and all(in_window(t, "Europe/London") for t in times)


def test_changing_a_cases_zone_re_plans_its_campaign(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    scheduled(workspace)
    output = workspace.run(f"{APRIL_10} case edit 1 --set timezone=America/New_York").output
    assert "plan updated" in output
    live = [p for p in workspace.json(f"{APRIL_10} queue") if p["status"] != "cancelled"]
    assert live and all(in_window(dt.datetime.fromisoformat(p["scheduled_at"]), "America/New_York") for p in live)


def test_setting_the_zone_a_case_already_had_from_its_country_makes_it_the_posting_zone(workspace, seeds):
    workspace.set_config('[posting]\ntimezone = "Asia/Almaty"\n', '[posting]\ntimezone = "America/Lima"\n')
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    assert all(in_window(t, "America/Lima") for t in scheduled(workspace))
    output = workspace.run(f"{APRIL_10} case edit 1 --set timezone=Asia/Almaty").output
    assert "timezone: Asia/Almaty (deadline only) -> Asia/Almaty" in output and "plan updated" in output
    live = [p for p in workspace.json(f"{APRIL_10} queue") if p["status"] != "cancelled"]
    assert live and all(in_window(dt.datetime.fromisoformat(p["scheduled_at"]), "Asia/Almaty") for p in live)


def test_a_post_the_daemon_missed_waits_for_its_accounts_morning(tmp_path):
    from advocate.dispatch import ChannelPool, Dispatcher
    from daemon_helpers import add_case, add_posts, open_campaign, post, write_config
    from fake_x import TEST_ENV

    path = write_config(tmp_path / "campaign", {"org_x": "http://127.0.0.1:9"}, window=("09:00", "21:00"))
    path.write_text(path.read_text().replace('[accounts.org_x]\ntype = "x"\n', '[accounts.org_x]\ntype = "x"\ntimezone = "America/New_York"\n'))
    config, db = open_campaign(path)
    now = dt.datetime(2030, 3, 2, 12, 0, tzinfo=dt.UTC)  # 07:00 in New York: inside a UTC window, not in New York's
    case_id = add_case(db, now, "Maryam Ahmadi", dt.date(2030, 3, 20))
    [post_id] = add_posts(db, now, case_id, [now - dt.timedelta(hours=3)])
    pool = ChannelPool(config, TEST_ENV)
    try:
        assert Dispatcher(db, config, pool).catch_up(now) == [post_id]
    finally:
        pool.close()
    moved = dt.datetime.fromisoformat(post(db, post_id)["scheduled_at"])
    assert in_window(moved, "America/New_York") and moved.astimezone(ZoneInfo("America/New_York")).date() == dt.date(2030, 3, 2)
    db.close()


def test_init_says_whose_hours_posts_keep_to(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from advocate.cli import cli

    monkeypatch.setattr("advocate.config.machine_zone", lambda: "America/Lima")
    config = tmp_path / "fresh" / "config.toml"
    output = CliRunner().invoke(cli, ["--config", str(config), "init"], catch_exceptions=False).output
    assert "posting window: 09:00-21:00 America/Lima (this machine's zone)" in output
    assert "set [posting] timezone" in output
    config.write_text(config.read_text().replace("[posting]\n", '[posting]\ntimezone = "Asia/Almaty"\n'))
    again = CliRunner().invoke(cli, ["--config", str(config), "init"], catch_exceptions=False).output
    assert "posting window: 09:00-21:00 Asia/Almaty\n" in again and "machine" not in again
