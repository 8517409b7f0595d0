"""What a plan will cost, and how close it comes to each network's limits. Pure.

In: the posts (account, network, time, text), the [quota] settings, each
account's monthly_budget and `now`. Out: per account, the posts of the next
30 days, their X cost, and the busiest window against each network's cap:
- X: posts in any 24 hours, per account (the per-user cap) and for every X
  account together (the app's cap); each post costs x_price_per_post, or
  x_price_per_post_with_link when it carries a link (X charges per post
  created, more with a URL);
- Bluesky: write points in any hour and any 24 hours (a post costs
  bluesky_points_per_post);
- Mastodon: requests in any 5 minutes (a post is at least one).

A post "carries a link" when it could hold a URL (a dot with no space after
it): that counts a bare "amnesty.org" as X does, and errs towards the
higher price, so a budget is never passed by a link counted too cheap.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

DAYS = 30
COSTING = ("sent", "sending", "unknown")   # posts that cost (or may have cost) money already
PLANNED = ("draft", "scheduled")           # posts that will, if they go out


class Post(NamedTuple):  # a tuple: one is made for every stored post, and a frozen dataclass is slower to make
    account: str
    network: str
    at: dt.datetime
    text: str
    status: str = "scheduled"


@dataclass
class AccountForecast:
    account: str
    network: str
    posts: int = 0
    cost: float = 0.0
    peaks: list = field(default_factory=list)   # (what, busiest, limit)
    budget: float = 0.0                         # 0: none
    month_cost: dict = field(default_factory=dict)  # "2026-03" -> cost spent and planned that month


def has_link(text: str) -> bool:
    from .messages.length import could_hold_url

    return "://" in text or could_hold_url(text)


def post_cost(network: str, text: str, quota) -> float:
    """What creating this post costs: X charges per post, more for one with a link; the others nothing."""
    if network not in ("x", "dryrun"):
        return 0.0
    return quota.x_price_per_post_with_link if has_link(text) else quota.x_price_per_post


def month_of(at: dt.datetime) -> str:
    utc = at.astimezone(dt.UTC)
    return f"{utc.year:04d}-{utc.month:02d}"  # half the cost of strftime, paid for every post


def forecast(posts: list[Post], accounts: dict[str, str], quota, budgets: dict[str, float], now: dt.datetime,
             days: int = DAYS) -> list[AccountForecast]:
    """One AccountForecast per account (`accounts`: name -> network), in the order given."""
    until = now + dt.timedelta(days=days)
    by_account: defaultdict[str, list[Post]] = defaultdict(list)
    for p in posts:
        by_account[p.account].append(p)
    result = []
    for account, network in accounts.items():
        theirs = by_account[account]
        mine = [p for p in theirs if p.status in PLANNED and now <= p.at < until]
        item = AccountForecast(account, network, len(mine), sum(post_cost(network, p.text, quota) for p in mine),
                               _peaks(network, sorted(p.at for p in mine), quota), float(budgets.get(account) or 0))
        for p in theirs:
            if p.status in COSTING or p.status in PLANNED:
                key = month_of(p.at)
                item.month_cost[key] = item.month_cost.get(key, 0.0) + post_cost(network, p.text, quota)
        result.append(item)
    return result


def app_peak(posts: list[Post], accounts: dict[str, str], quota, now: dt.datetime, days: int = DAYS):
    """(busiest 24 hours of every X account together, the app's cap), or None without X accounts."""
    x = {a for a, n in accounts.items() if n == "x"}
    if not x:
        return None
    until = now + dt.timedelta(days=days)
    times = sorted(p.at for p in posts if p.account in x and p.status in PLANNED and now <= p.at < until)
    return busiest(times, dt.timedelta(hours=24)), quota.x_posts_per_24h_per_app


def _peaks(network: str, times: list[dt.datetime], quota) -> list[tuple[str, int, int]]:
    if network == "x":
        return [("posts in 24 h", busiest(times, dt.timedelta(hours=24)), quota.x_posts_per_24h_per_user)]
    if network == "bluesky":
        points = quota.bluesky_points_per_post
        return [("points in 1 h", points * busiest(times, dt.timedelta(hours=1)), quota.bluesky_points_per_hour),
                ("points in 24 h", points * busiest(times, dt.timedelta(hours=24)), quota.bluesky_points_per_day)]
    if network == "mastodon":
        return [("requests in 5 min", busiest(times, dt.timedelta(minutes=5)), quota.mastodon_requests_per_5_minutes)]
    return []


def busiest(times: list[dt.datetime], window: dt.timedelta) -> int:
    """The most of `times` (sorted) inside any window of that length."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


def lines(forecasts: list[AccountForecast], quota, app: tuple[int, int] | None = None, days: int = DAYS) -> list[str]:
    """The forecast as lines for a terminal; a figure over its limit says OVER."""
    money = quota.currency
    out = [f"forecast for the next {days} days",
           f"  X prices: {quota.x_price_per_post:g} {money} a post, {quota.x_price_per_post_with_link:g} with a link "
           f"(checked {quota.x_prices_checked})"]
    for item in forecasts:
        parts = [f"{item.posts} posts"]
        if item.network in ("x", "dryrun"):
            parts.append(f"{item.cost:.2f} {money}")
        parts += [f"{what} {peak} of {limit}{' OVER' if peak > limit else ''}" for what, peak, limit in item.peaks]
        if item.budget:
            worst = max(item.month_cost.items(), key=lambda kv: kv[1], default=("", 0.0))
            parts.append(f"budget {item.budget:g} {money}/month (most: {worst[1]:.2f} in {worst[0] or '-'})")
        out.append(f"  {item.account} ({item.network}): " + ", ".join(parts))
    if app is not None:
        peak, limit = app
        out.append(f"  all X accounts: posts in 24 h {peak} of {limit}{' OVER' if peak > limit else ''} (the app's cap)")
    return [wrapped for line in out for wrapped in _wrap(line)]


def _wrap(line: str, width: int = 80) -> list[str]:
    """Lines for an 80-column terminal, continuations indented under the account."""
    import textwrap

    return textwrap.wrap(line, width, initial_indent="", subsequent_indent="      ", break_on_hyphens=False) or [line]


def as_json(forecasts: list[AccountForecast], quota, app: tuple[int, int] | None = None) -> dict:
    return {
        "currency": quota.currency, "x_prices_checked": quota.x_prices_checked,
        "accounts": [{"account": f.account, "network": f.network, "posts": f.posts, "cost": round(f.cost, 4),
                      "budget": f.budget or None, "month_cost": {k: round(v, 4) for k, v in sorted(f.month_cost.items())},
                      "peaks": [{"what": w, "busiest": p, "limit": lim, "over": p > lim} for w, p, lim in f.peaks]}
                     for f in forecasts],
        "x_app": None if app is None else {"busiest_24h": app[0], "limit": app[1], "over": app[0] > app[1]},
    }


# --- the monthly budget ----------------------------------------------------------------


def within_budget(new: list, spent: dict[tuple[str, str], float], networks: dict[str, str], budgets: dict[str, float],
                  quota) -> tuple[list, dict[str, int]]:
    """The new posts (NewPost-like: account, scheduled_at, text) that fit each account's
    monthly budget on top of `spent` ((account, "YYYY-MM") -> cost already there),
    earliest first; and how many were left out per account."""
    totals = defaultdict(float, spent)
    kept: list = []
    left_out: defaultdict[str, int] = defaultdict(int)
    for post in sorted(new, key=lambda p: p.scheduled_at):
        budget = budgets.get(post.account) or 0
        cost = post_cost(networks[post.account], post.text, quota)
        key = (post.account, month_of(post.scheduled_at))
        if budget and cost and totals[key] + cost > budget + 1e-9:
            left_out[post.account] += 1
            continue
        totals[key] += cost
        kept.append(post)
    return kept, dict(left_out)


# --- from the database -------------------------------------------------------------------


def stored_posts(db, since: dt.datetime) -> list[Post]:
    """Posts that cost or will cost: sent (or maybe sent) and pending ones, from the start of since's month."""
    from .timefmt import from_db, to_db

    start = since.astimezone(dt.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    rows = db.execute(
        "SELECT account, network, coalesce(sent_at, claimed_at, scheduled_at), text, status FROM posts "
        "WHERE status IN ('sent', 'sending', 'unknown', 'draft', 'scheduled') AND coalesce(sent_at, claimed_at, scheduled_at) >= ?",
        [to_db(start)])
    return [Post(account, network, from_db(at), text, status) for account, network, at, text, status in rows]


def spent(posts: list[Post], networks: dict[str, str], quota, statuses=COSTING + PLANNED) -> dict[tuple[str, str], float]:
    """(account, "YYYY-MM") -> the cost of `posts` in those statuses."""
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for p in posts:
        if p.status in statuses and p.account in networks:
            totals[(p.account, month_of(p.at))] += post_cost(networks[p.account], p.text, quota)
    return dict(totals)


def budgets_of(config) -> dict[str, float]:
    return {name: float(config.account(name).get("monthly_budget") or 0) for name in config.accounts}


def networks_of(config) -> dict[str, str]:
    return {name: config.account(name)["type"] for name in config.accounts}


def report(db, config, now: dt.datetime, days: int = DAYS) -> tuple[list[AccountForecast], tuple[int, int] | None]:
    posts = stored_posts(db, now)
    networks = networks_of(config)
    return (forecast(posts, networks, config.quota, budgets_of(config), now, days),
            app_peak(posts, networks, config.quota, now, days))
