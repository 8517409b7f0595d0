"""The planner as plain functions: fixed datetimes in, slots out."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from advocate.planner import Kept, PlanCase, PlanSettings, Slot, next_free_time, plan

LONDON = ZoneInfo("Europe/London")


def settings(**changes) -> PlanSettings:
    base = dict(timezone="Europe/London", window_start=dt.time(9), window_end=dt.time(21), posts_per_day=2,
                strategy="even", min_spacing=dt.timedelta(minutes=90), jitter=dt.timedelta(minutes=7), daily_cap=17)
    return PlanSettings(**{**base, **changes})


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def deadline(day: str, zone=LONDON) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day) + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def local_hours(slots: list[Slot]) -> list[dt.time]:
    return [s.at.astimezone(LONDON).time() for s in slots]


def test_posts_stay_inside_the_local_window_across_a_dst_change():
    # Clocks go forward in London on 2019-03-31.
    slots = plan([PlanCase(1, deadline("2019-04-03"))], ["a"], settings(), at("2019-03-29T08:00+00:00"), [])
    assert slots
    assert all(dt.time(9) <= t < dt.time(21) for t in local_hours(slots))
    assert all(s.at.tzinfo is not None for s in slots)
    per_day = Counter(s.at.astimezone(LONDON).date() for s in slots)
    assert set(per_day.values()) == {2}


def test_nothing_is_planned_in_the_past_or_after_the_deadline():
    now = at("2019-04-10T15:00+01:00")
    end = deadline("2019-04-12")
    slots = plan([PlanCase(1, end)], ["a"], settings(), now, [])
    assert all(now < s.at < end for s in slots)


def test_daily_cap_is_shared_by_cases_earliest_deadline_first():
    cases = [PlanCase(i, deadline("2019-05-01" if i == 3 else "2019-06-01")) for i in (1, 2, 3)]
    slots = plan(cases, ["a"], settings(posts_per_day=2, daily_cap=4), at("2019-04-10T06:00+00:00"), [])
    first_day = [s for s in slots if s.at.astimezone(LONDON).date() == dt.date(2019, 4, 10)]
    assert len(first_day) == 4
    counts = Counter(s.case_id for s in first_day)
    assert counts[3] == 2 and counts[1] == 1 and counts[2] == 1


def test_posts_of_one_account_keep_their_spacing():
    slots = plan([PlanCase(i, deadline("2019-04-12")) for i in range(1, 6)], ["a"],
                 settings(posts_per_day=3, min_spacing=dt.timedelta(hours=2)), at("2019-04-10T06:00+00:00"), [])
    for day in {s.at.date() for s in slots}:
        times = sorted(s.at for s in slots if s.at.date() == day)
        assert all(b - a >= dt.timedelta(hours=2) for a, b in zip(times, times[1:]))


def test_planning_again_with_the_plan_kept_adds_nothing():
    cases, now = [PlanCase(1, deadline("2019-04-20"))], at("2019-04-10T06:00+00:00")
    first = plan(cases, ["a"], settings(), now, [])
    kept = [Kept(s.case_id, s.account, s.at) for s in first]
    assert plan(cases, ["a"], settings(), now, kept) == []


def test_an_extended_deadline_only_adds_the_new_days():
    now = at("2019-04-10T06:00+00:00")
    first = plan([PlanCase(1, deadline("2019-04-15"))], ["a"], settings(), now, [])
    kept = [Kept(s.case_id, s.account, s.at) for s in first]
    more = plan([PlanCase(1, deadline("2019-04-18"))], ["a"], settings(), now, kept)
    assert {s.at.astimezone(LONDON).date() for s in more} == {dt.date(2019, 4, d) for d in (16, 17, 18)}


def test_ramp_posts_more_near_the_deadline():
    slots = plan([PlanCase(1, deadline("2019-05-10"))], ["a"], settings(strategy="ramp", posts_per_day=4),
                 at("2019-04-10T06:00+00:00"), [])
    per_day = Counter(s.at.astimezone(LONDON).date() for s in slots)
    assert per_day[dt.date(2019, 4, 11)] < per_day[dt.date(2019, 5, 10)]


def test_the_same_inputs_give_the_same_times():
    args = ([PlanCase(1, deadline("2019-04-20"))], ["a"], settings(), at("2019-04-10T06:00+00:00"), [])
    assert plan(*args) == plan(*args)


def test_a_missed_post_moves_to_the_next_window_not_the_middle_of_the_night():
    late_evening = at("2019-04-10T22:30+01:00")
    when = next_free_time(late_evening, deadline("2019-04-20"), settings(), [])
    assert when.astimezone(LONDON) == at("2019-04-11T09:00+01:00")


def test_no_time_left_before_the_deadline_gives_none():
    assert next_free_time(at("2019-04-20T22:00+01:00"), deadline("2019-04-20"), settings(), []) is None


def test_scarce_texts_are_spread_from_the_first_slot_to_the_last():
    from types import SimpleNamespace

    from advocate.planner import thin_out

    slots = plan([PlanCase(1, deadline("2019-04-30"))], ["a"], settings(posts_per_day=1), at("2019-04-10T06:00+00:00"), [])
    filled = [SimpleNamespace(case_id=1, account="a")] * 5
    kept = thin_out(slots, filled)
    assert len(kept) == 5
    assert kept[0] == slots[0] and kept[-1] == slots[-1]
    gaps = [(b.at - a.at).days for a, b in zip(kept, kept[1:])]
    assert max(gaps) - min(gaps) <= 1


def test_a_case_can_have_its_own_strategy_and_pace():
    busy = PlanCase(1, deadline("2019-04-20"), strategy="even", posts_per_day=3)
    calm = PlanCase(2, deadline("2019-04-20"))
    slots = plan([busy, calm], ["a"], settings(posts_per_day=1, min_spacing=dt.timedelta(minutes=30)), at("2019-04-10T06:00+00:00"), [])
    day = dt.date(2019, 4, 12)
    counts = Counter(s.case_id for s in slots if s.at.astimezone(LONDON).date() == day)
    assert counts == {1: 3, 2: 1}


# --- many accounts, one campaign ---------------------------------------------------------

def test_two_accounts_posts_for_one_case_keep_the_case_spacing():
    cases = [PlanCase(i, deadline("2019-04-14")) for i in (1, 2, 3)]
    spaced = settings(posts_per_day=3, min_spacing=dt.timedelta(minutes=20), case_spacing=dt.timedelta(hours=1))
    slots = plan(cases, ["a", "b", "c"], spaced, at("2019-04-10T06:00+00:00"), [])
    assert {s.account for s in slots} == {"a", "b", "c"}
    for case_id in (1, 2, 3):
        mine = sorted((s.at, s.account) for s in slots if s.case_id == case_id)
        for (t1, a1), (t2, a2) in zip(mine, mine[1:]):
            assert a1 == a2 or t2 - t1 >= dt.timedelta(hours=1), (case_id, t1, a1, t2, a2)


def test_the_case_spacing_counts_posts_already_kept():
    kept = [Kept(1, "a", at("2019-04-10T12:00+01:00"))]
    spaced = settings(posts_per_day=1, case_spacing=dt.timedelta(hours=2), window_start=dt.time(11), window_end=dt.time(14))
    slots = plan([PlanCase(1, deadline("2019-04-10"))], ["a", "b"], spaced, at("2019-04-10T06:00+00:00"), kept)
    assert all(abs(s.at - kept[0].at) >= dt.timedelta(hours=2) for s in slots if s.account == "b")


def test_a_case_runs_only_on_the_accounts_it_names():
    cases = [PlanCase(1, deadline("2019-04-12"), accounts=("b",)), PlanCase(2, deadline("2019-04-12"))]
    slots = plan(cases, ["a", "b"], settings(), at("2019-04-10T06:00+00:00"), [])
    assert {s.account for s in slots if s.case_id == 1} == {"b"}
    assert {s.account for s in slots if s.case_id == 2} == {"a", "b"}


APRIL_10 = "--now 2019-04-10T09:00+05:00"
TWO_X = """
[accounts.national]
type = "x"
[accounts.regional]
type = "x"
"""


def _two_x_accounts(workspace, extra: str = "") -> None:
    workspace.set_config('accounts = ["rehearsal"]', 'accounts = ["national", "regional"]')
    workspace.config.write_text(workspace.config.read_text() + TWO_X + extra)


def test_no_two_accounts_post_the_same_words_for_one_case(workspace, seeds):
    from advocate.messages.guard import dedupe_key

    _two_x_accounts(workspace)
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    posts = workspace.json(f"{APRIL_10} queue --all")
    assert {p["channel"] for p in posts} == {"national", "regional"}
    keys = [dedupe_key(p["text"]) for p in posts]
    assert len(keys) == len(set(keys)), "two posts of one campaign share their words"


def test_an_account_posts_only_in_its_own_languages(workspace, seeds):
    _two_x_accounts(workspace)
    workspace.set_config('[accounts.regional]\ntype = "x"\n', '[accounts.regional]\ntype = "x"\nlanguages = ["ru"]\n')
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    posts = workspace.json(f"{APRIL_10} queue --all")
    regional = [p for p in posts if p["channel"] == "regional"]
    assert regional and all(p["language"] == "ru" for p in regional)


def test_case_edit_names_the_accounts_a_campaign_runs_on(workspace, seeds):
    _two_x_accounts(workspace)
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    out = workspace.run(f"{APRIL_10} case edit 1 --set accounts=regional").output
    assert "plan updated" in out
    pending = [p for p in workspace.json(f"{APRIL_10} queue") if p["status"] in ("draft", "scheduled")]
    assert pending and {p["channel"] for p in pending} == {"regional"}
    refused = workspace.run(f"{APRIL_10} case edit 1 --set accounts=nobody", ok=False)
    assert refused.exit_code == 1 and "no account 'nobody'" in refused.output and "Traceback" not in refused.output


def _busiest_24_hours(times: list[dt.datetime]) -> int:
    times, most, first = sorted(times), 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= dt.timedelta(hours=24):
            first += 1
        most = max(most, last - first + 1)
    return most


def test_a_plan_that_starts_late_in_the_day_keeps_the_cap_in_any_24_hours():
    # At 17:00 the first day's window has 4 of its 12 hours left. A cap counted per
    # calendar day put the whole cap in those hours, then a full day's worth the next
    # morning: 2x the cap within 24 hours, which X refuses and the daemon holds back.
    cases = [PlanCase(i, deadline("2019-04-30")) for i in range(1, 41)]
    slots = plan(cases, ["a", "b"], settings(posts_per_day=3, daily_cap=20, min_spacing=dt.timedelta(minutes=5)),
                 at("2019-04-10T17:00+01:00"), [])
    for account in ("a", "b"):
        times = [s.at for s in slots if s.account == account]
        assert _busiest_24_hours(times) <= 20
        per_day = Counter(t.astimezone(LONDON).date() for t in times)
        assert min(per_day[dt.date(2019, 4, 10) + dt.timedelta(days=n)] for n in range(2, 19)) >= 18  # still close to the cap


def test_posts_kept_from_before_count_towards_the_24_hour_cap():
    kept = [Kept(1, "a", at("2019-04-10T20:00+01:00") + dt.timedelta(minutes=5 * n)) for n in range(10)]  # 10 posts late on the 10th
    slots = plan([PlanCase(2, deadline("2019-04-20"))], ["a"],
                 settings(posts_per_day=12, daily_cap=12, min_spacing=dt.timedelta(minutes=5)), at("2019-04-10T21:30+01:00"), kept)
    assert _busiest_24_hours([s.at for s in slots] + [k.at for k in kept]) <= 12


def test_a_cap_lower_than_the_cases_gives_every_case_its_turn():
    # 25 cases and room for 8 posts a day: the same 8 must not take every day until their deadline.
    cases = [PlanCase(i, deadline("2019-04-30")) for i in range(1, 26)]
    slots = plan(cases, ["a"], settings(posts_per_day=1, daily_cap=8, min_spacing=dt.timedelta(minutes=30)),
                 at("2019-04-10T06:00+00:00"), [])
    first_four_days = {s.case_id for s in slots if s.at.astimezone(LONDON).date() <= dt.date(2019, 4, 13)}
    assert first_four_days == set(range(1, 26))
    per_case = Counter(s.case_id for s in slots)
    assert max(per_case.values()) - min(per_case.values()) <= 2


def test_a_case_in_its_last_days_comes_before_the_turns():
    soon = PlanCase(99, deadline("2019-04-11"))
    cases = [PlanCase(i, deadline("2019-04-30")) for i in range(1, 26)] + [soon]
    slots = plan(cases, ["a"], settings(posts_per_day=1, daily_cap=4, min_spacing=dt.timedelta(minutes=30)),
                 at("2019-04-10T06:00+00:00"), [])
    assert {s.case_id for s in slots if s.at.astimezone(LONDON).date() == dt.date(2019, 4, 10)} >= {99}
