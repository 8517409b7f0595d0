"""Cost and quota forecast, and the monthly budget: plain functions, then the CLI and the daemon."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from advocate.config import QuotaSettings
from advocate.forecast import Post, app_peak, busiest, forecast, lines, post_cost, within_budget

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
QUOTA = QuotaSettings()


def at(minutes: float) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minutes)


def test_x_charges_more_for_a_post_with_a_link_and_the_others_nothing():
    assert post_cost("x", "Free Maryam now #UA42", QUOTA) == QUOTA.x_price_per_post
    assert post_cost("x", "Free Maryam now: amnesty.org/ua42", QUOTA) == QUOTA.x_price_per_post_with_link
    assert post_cost("x", "Act: https://www.amnesty.org/en/x", QUOTA) == QUOTA.x_price_per_post_with_link
    assert post_cost("bluesky", "Act: https://www.amnesty.org/en/x", QUOTA) == 0
    assert post_cost("mastodon", "Free Maryam now", QUOTA) == 0


def test_busiest_window():
    times = [at(m) for m in (0, 1, 2, 10, 70, 71)]
    assert busiest(times, dt.timedelta(minutes=5)) == 3
    assert busiest(times, dt.timedelta(hours=1)) == 4
    assert busiest([], dt.timedelta(hours=1)) == 0


def test_forecast_counts_the_next_30_days_against_each_networks_caps():
    posts = [Post("org_x", "x", at(i * 5), f"post {i}") for i in range(120)]          # 120 in 10 hours
    posts += [Post("org_x", "x", at(60 * 24 * 40), "after 30 days")]
    posts += [Post("org_b", "bluesky", at(i), f"b {i}") for i in range(10)]
    posts += [Post("org_m", "mastodon", at(i / 10), f"m {i}") for i in range(40)]       # 40 in 4 minutes
    posts += [Post("org_x", "x", at(1), "sent already", status="sent")]
    accounts = {"org_x": "x", "org_b": "bluesky", "org_m": "mastodon"}

    x, b, m = forecast(posts, accounts, QUOTA, {"org_x": 5}, NOW)

    assert (x.posts, round(x.cost, 3)) == (120, round(120 * QUOTA.x_price_per_post, 3))
    assert x.peaks == [("posts in 24 h", 120, 100)]
    assert b.peaks == [("points in 1 h", 30, 5000), ("points in 24 h", 30, 35000)]
    assert m.peaks == [("requests in 5 min", 40, 300)]
    assert round(x.month_cost["2026-03"], 6) == round(121 * QUOTA.x_price_per_post, 6)
    assert round(x.month_cost["2026-04"], 6) == QUOTA.x_price_per_post
    printed = lines([x, b, m], QUOTA, app_peak(posts, accounts, QUOTA, NOW))
    assert all(len(line) <= 80 for line in printed)
    shown = " ".join(" ".join(printed).split())
    assert "org_x (x): 120 posts, 1.80 USD, posts in 24 h 120 of 100 OVER" in shown
    assert "checked 2026-12-06" in shown and "budget 5 USD/month" in shown
    assert "all X accounts: posts in 24 h 120 of 1667" in shown


def test_within_budget_keeps_the_earliest_posts_that_fit_each_month():
    new = [SimpleNamespace(account="org_x", scheduled_at=at(i * 60), text=f"post {i}") for i in range(10)]
    new += [SimpleNamespace(account="org_x", scheduled_at=at(60 * 24 * 31), text="next month")]
    new += [SimpleNamespace(account="org_b", scheduled_at=at(1), text="free on bluesky")]
    spent = {("org_x", "2026-03"): 0.03}
    kept, left_out = within_budget(new, spent, {"org_x": "x", "org_b": "bluesky"}, {"org_x": 0.1, "org_b": 0.01}, QUOTA)
    march = [p for p in kept if p.account == "org_x" and p.scheduled_at.month == 3]
    assert [p.text for p in march] == ["post 0", "post 1", "post 2", "post 3"]  # 0.03 + 4 x 0.015 = 0.09
    assert "next month" in [p.text for p in kept] and "free on bluesky" in [p.text for p in kept]
    assert left_out == {"org_x": 6}


# --- through the CLI and the daemon ---------------------------------------------------------

APRIL_10 = "--now 2019-04-10T09:00+05:00"


def test_schedule_prints_the_forecast_and_stops_short_of_a_monthly_budget(workspace, seeds):
    workspace.config.write_text(workspace.config.read_text().replace(
        'outbox = "outbox.jsonl"', 'outbox = "outbox.jsonl"\nmonthly_budget = 0.05', 1))
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    out = workspace.run(f"{APRIL_10} schedule").output
    assert "forecast for the next 30 days" in out and "rehearsal (dryrun)" in out
    assert "would pass its monthly_budget" in out
    posts = workspace.json(f"{APRIL_10} queue --all")
    per_month = {}
    for post in posts:
        cost = post_cost("dryrun", post["text"], QUOTA)
        per_month[post["scheduled_at"][:7]] = per_month.get(post["scheduled_at"][:7], 0) + cost
    assert posts and all(total <= 0.05 + 1e-9 for total in per_month.values())
    assert "forecast for the next 30 days" in workspace.run(f"{APRIL_10} calendar --days 3").output
    assert "forecast" in workspace.json(f"{APRIL_10} calendar --days 3")


def test_the_daemon_never_passes_a_monthly_budget(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve --all")
    budget = 0.04
    workspace.config.write_text(workspace.config.read_text().replace(
        'outbox = "outbox.jsonl"', f'outbox = "outbox.jsonl"\nmonthly_budget = {budget}', 1))
    workspace.run(f"{APRIL_10} daemon --simulate --until 2019-05-22T00:00+05:00")
    sent = workspace.outbox("simulate-rehearsal.jsonl")
    assert len(sent) >= 2, "nothing went out"
    per_month = {}
    for line in sent:
        month = line["at"][:7]
        per_month[month] = per_month.get(month, 0) + post_cost("dryrun", line["text"], QUOTA)
    assert all(total <= budget + 1e-9 for total in per_month.values()), per_month
    assert set(per_month) == {"2019-04", "2019-05"}  # held at April's budget, sent again in May
