"""When posts go out: slots per case and account, day by day. Pure.

In: the open cases (id, deadline instant), the accounts, the posting
settings, `now`, and the posts already kept. Out: Slots. No database, no
clock, no network, so every rule here is a plain-function test.

Rules:
- posts fall inside the daily window, in the audience's time zone (aware
  datetimes throughout, so DST changes move nothing);
- a case wants `posts_per_day` a day ("even"), or from half that early on
  to one and a half times that on its last day ("ramp");
- an account's daily cap is shared by all cases, earliest deadline first,
  one post at a time round-robin, so no case starves;
- posts of one account keep `min_spacing_minutes` apart; a small jitter,
  seeded by case, account and day, keeps them off the minute and makes
  re-planning give the same times;
- existing posts count: planning again only fills gaps.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc


@dataclass(frozen=True)
class PlanCase:
    id: int
    deadline_at: dt.datetime  # first instant after the deadline
    strategy: str | None = None  # this case's own, over the settings'
    posts_per_day: int | None = None


@dataclass(frozen=True)
class PlanSettings:
    timezone: str
    window_start: dt.time
    window_end: dt.time
    posts_per_day: int
    strategy: str  # "even" | "ramp"
    min_spacing: dt.timedelta
    jitter: dt.timedelta
    daily_cap: int


@dataclass(frozen=True)
class Kept:
    """A post already in the queue that the plan must work around."""

    case_id: int
    account: str
    at: dt.datetime


@dataclass(frozen=True)
class Slot:
    case_id: int
    account: str
    at: dt.datetime


def plan(cases: list[PlanCase], accounts: list[str], settings: PlanSettings, now: dt.datetime, kept: list[Kept]) -> list[Slot]:
    zone = ZoneInfo(settings.timezone)
    slots: list[Slot] = []
    if not cases:
        return slots
    first = now.astimezone(zone).date()
    last = max(c.deadline_at for c in cases).astimezone(zone).date()
    kept_by = _index_kept(kept, zone)
    day = first
    while day <= last:
        for account in accounts:
            slots += _plan_day(day, account, cases, settings, now, kept_by, zone, first)
        day += dt.timedelta(days=1)
    return slots


def _index_kept(kept: list[Kept], zone) -> dict:
    index = defaultdict(list)
    for post in kept:
        index[(post.account, post.at.astimezone(zone).date())].append(post)
    return index


def _plan_day(day, account, cases, settings, now, kept_by, zone, first) -> list[Slot]:
    start, end = _window(day, settings, zone)
    start = max(start, now + dt.timedelta(minutes=1))
    kept_today = kept_by[(account, day)]
    active = sorted((c for c in cases if c.deadline_at > start and start < end), key=lambda c: (c.deadline_at, c.id))
    wants = {c.id: _wanted(c, day, settings, zone, first) - sum(k.case_id == c.id for k in kept_today) for c in active}
    budget = settings.daily_cap - len(kept_today)
    order = _round_robin(active, wants, budget)
    times = _times(day, account, start, end, len(order), settings, [k.at for k in kept_today])
    slots = []
    for case, at in zip(order, times):
        if at < case.deadline_at:
            slots.append(Slot(case.id, account, at))
    return slots


def _window(day: dt.date, settings: PlanSettings, zone) -> tuple[dt.datetime, dt.datetime]:
    # Local wall times -> aware instants; a time skipped by DST lands an hour on.
    start = dt.datetime.combine(day, settings.window_start, tzinfo=zone).astimezone(UTC)
    end = dt.datetime.combine(day, settings.window_end, tzinfo=zone).astimezone(UTC)
    return start, end


def _wanted(case: PlanCase, day: dt.date, settings: PlanSettings, zone, first: dt.date) -> int:
    per_day = case.posts_per_day or settings.posts_per_day
    if (case.strategy or settings.strategy) == "even":
        return per_day
    last = (case.deadline_at - dt.timedelta(seconds=1)).astimezone(zone).date()
    span = max((last - first).days, 1)
    progress = min(max((day - first).days / span, 0.0), 1.0)
    return max(1, round(per_day * (0.5 + progress)))


def _round_robin(active: list[PlanCase], wants: dict[int, int], budget: int) -> list[PlanCase]:
    order, remaining = [], dict(wants)
    while budget > 0 and any(v > 0 for v in remaining.values()):
        for case in active:
            if budget > 0 and remaining[case.id] > 0:
                order.append(case)
                remaining[case.id] -= 1
                budget -= 1
    return order


def _times(day, account, start, end, count, settings: PlanSettings, taken: list[dt.datetime]) -> list[dt.datetime]:
    """`count` instants spread over [start, end), jittered, min_spacing apart and from `taken`."""
    if count <= 0 or start >= end:
        return []
    rng = random.Random(f"{account}|{day.isoformat()}")
    step = (end - start) / count
    times, chosen = [], list(taken)
    for i in range(count):
        jitter = settings.jitter * (2 * rng.random() - 1)
        at = _clear_of(start + step * (i + 0.5) + jitter, chosen, settings.min_spacing, start, end)
        if at is not None:
            times.append(at.replace(microsecond=0))
            chosen.append(at)
    return sorted(times)


def _clear_of(at, chosen, spacing, start, end):
    """The first time at or after `at` that keeps `spacing` from every chosen one."""
    at = min(max(at, start), end - dt.timedelta(seconds=1))
    for _ in range(len(chosen) + 1):
        clash = [c for c in chosen if abs(c - at) < spacing]
        if not clash:
            return at
        at = max(clash) + spacing
        if at >= end:
            return None
    return None


def next_free_time(after: dt.datetime, deadline_at: dt.datetime, settings: PlanSettings, taken: list[dt.datetime]) -> dt.datetime | None:
    """The first instant in a posting window, after `after`, clear of `taken`: for posts the daemon missed."""
    zone = ZoneInfo(settings.timezone)
    day = after.astimezone(zone).date()
    while True:
        start, end = _window(day, settings, zone)
        if start >= deadline_at:
            return None
        at = _clear_of(max(start, after), taken, settings.min_spacing, max(start, after), min(end, deadline_at)) if max(start, after) < min(end, deadline_at) else None
        if at is not None:
            return at
        day += dt.timedelta(days=1)


def thin_out(slots: list[Slot], filled: list) -> list[Slot]:
    """Keep, per case and account, as many slots as got a text, evenly spaced
    from the first to the last (the last-call day): when texts are scarce, a
    campaign should not spend them all in its first week."""
    counts = defaultdict(int)
    for post in filled:
        counts[(post.case_id, post.account)] += 1
    groups = defaultdict(list)
    for slot in sorted(slots, key=lambda s: s.at):
        groups[(slot.case_id, slot.account)].append(slot)
    kept = []
    for key, group in groups.items():
        want = min(counts[key], len(group))
        if want == len(group) or want == 0:
            kept += group[:want]
            continue
        step = (len(group) - 1) / max(want - 1, 1)
        kept += [group[round(i * step)] for i in range(want)] if want > 1 else [group[-1]]
    return kept


def settings_from(posting) -> PlanSettings:
    """From config.PostingSettings."""
    start, end = posting.window
    return PlanSettings(
        timezone=posting.timezone, window_start=start, window_end=end,
        posts_per_day=posting.posts_per_day, strategy=posting.strategy,
        min_spacing=dt.timedelta(minutes=posting.min_spacing_minutes),
        jitter=dt.timedelta(minutes=posting.jitter_minutes), daily_cap=posting.daily_cap,
    )
