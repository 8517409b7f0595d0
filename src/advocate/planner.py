"""When posts go out: slots per case and account, day by day. Pure.

In: the open cases (id, deadline instant), the accounts, the posting
settings, `now`, and the posts already kept. Out: Slots. No database, no
clock, no network, so every rule here is a plain-function test.

Rules:
- posts fall inside the daily window, in the audience's time zone (aware
  datetimes throughout, so DST changes move nothing): the account's own
  zone when it has one, else the case's own, else the settings' (zone_of);
  an account whose cases are in several zones plans each zone's day in
  turn, the earliest deadline's first, its posts so far counting against
  its daily cap and spacing in the next;
- a case wants `posts_per_day` a day ("even"), or from half that early on
  to one and a half times that on its last day ("ramp");
- an account's daily cap is shared by all cases, earliest deadline first,
  one post at a time round-robin, so no case starves;
- posts of one account keep `min_spacing_minutes` apart; a small jitter,
  seeded by case, account and day, keeps them off the minute and makes
  re-planning give the same times;
- existing posts count: planning again only fills gaps;
- a case may name its accounts (none: every account); two accounts' posts
  for one case keep `case_spacing` apart, so followers of both do not see
  the same campaign twice in a row.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

UTC = dt.UTC


@dataclass(frozen=True)
class PlanCase:
    id: int
    deadline_at: dt.datetime  # first instant after the deadline
    strategy: str | None = None  # this case's own, over the settings'
    posts_per_day: int | None = None
    accounts: tuple[str, ...] | None = None  # the accounts this case runs on (none: all)
    timezone: str | None = None  # the case's own zone, set by the coordinator (none: the settings')


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
    case_spacing: dt.timedelta = dt.timedelta(0)  # between two accounts' posts for one case
    account_zones: tuple[tuple[str, str], ...] = ()  # (account, its audience's zone): over the case's and timezone
    last_call: dt.timedelta = dt.timedelta(days=2)  # a case this close to its deadline comes first in the day's turns


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


HORIZON_DAYS = 366
DAY = dt.timedelta(hours=24)


def zone_of(account: str, case: PlanCase, settings: PlanSettings) -> str:
    """The zone a post's window is in: the account's audience's, else the case's own, else the settings'."""
    return dict(settings.account_zones).get(account) or case.timezone or settings.timezone


def plan(cases: list[PlanCase], accounts: list[str], settings: PlanSettings, now: dt.datetime, kept: list[Kept]) -> list[Slot]:
    slots: list[Slot] = []
    if not cases:
        return slots
    ordered = sorted(cases, key=lambda c: (c.deadline_at, c.id))
    groups: dict[str, defaultdict[str, list[PlanCase]]] = {}  # account -> {zone name: its cases, earliest deadline first}
    for account in accounts:
        groups[account] = defaultdict(list)
        for case in ordered:
            if case.accounts is None or account in case.accounts:
                groups[account][zone_of(account, case, settings)].append(case)
    zones = {name: ZoneInfo(name) for name in {settings.timezone, *(z for g in groups.values() for z in g)}}
    firsts = {name: now.astimezone(zone).date() for name, zone in zones.items()}
    first = min(firsts.values())
    # At most a year ahead: a mistyped deadline (2091) must not make planning
    # run for minutes; a campaign that long is planned again as it goes.
    latest = max(c.deadline_at for c in cases)
    last = min(max(latest.astimezone(zone).date() for zone in zones.values()), first + dt.timedelta(days=HORIZON_DAYS))
    kept_by = _index_kept(kept, zones)
    # Each case's last posting day in each zone, worked out once rather than every day of the plan.
    last_days = {(c.id, name): (c.deadline_at - dt.timedelta(seconds=1)).astimezone(zones[name]).date()
                 for g in groups.values() for name, mine in g.items() for c in mine}
    by_case = defaultdict(list)  # case_id -> [(account, at)]: other accounts keep case_spacing from these
    history: defaultdict[str, list[dt.datetime]] = defaultdict(list)  # account -> its posts' times, sorted: the 24-hour cap
    turns: defaultdict[tuple, int] = defaultdict(int)  # (account, zone, group) -> where tomorrow's turns start
    for post in kept:
        by_case[post.case_id].append((post.account, post.at))
        history[post.account].append(post.at)
    for times in history.values():
        times.sort()
    day = first
    while day <= last:
        for account in accounts:
            parts = []  # (zone name, window, active cases) of each of the account's zones
            for name, mine in groups[account].items():
                start, end = _window(day, settings, zones[name])
                start = max(start, now + dt.timedelta(minutes=1))
                active = [c for c in mine if c.deadline_at > start] if start < end else []
                if active:
                    parts.append((name, (start, end), active))
            left = sum(len(active) for _, _, active in parts)
            for name, window, active in parts:
                kept_today, mine_settings = kept_by[(account, name, day)], settings
                if len(parts) > 1:  # the day's cap is shared by the account's zones as by its cases: a fair share each
                    share = -(-max(settings.daily_cap - len(kept_today), 0) * len(active) // left)
                    mine_settings = dataclasses.replace(settings, daily_cap=len(kept_today) + share)
                    left -= len(active)
                first_day = firsts[name]

                def wanted(case, day=day, first_day=first_day, name=name):
                    return _wanted(case, day, settings, first_day, last_days[(case.id, name)])
                # Cases in their last days first, then the rest; each group takes turns, so that a cap
                # lower than the cases never leaves the same ones out day after day.
                urgent = _in_turns([c for c in active if c.deadline_at - window[0] <= settings.last_call], turns, (account, name, 0))
                others = _in_turns([c for c in active if c.deadline_at - window[0] > settings.last_call], turns, (account, name, 1))
                day_slots = _plan_day(day, account, urgent + others, wanted, mine_settings, window, kept_today, by_case,
                                      history[account], settings.daily_cap)
                served = {s.case_id for s in day_slots}
                for key, group in (((account, name, 0), urgent), ((account, name, 1), others)):
                    turns[key] += len(served & {c.id for c in group})
                for slot in day_slots:
                    by_case[slot.case_id].append((account, slot.at))
                    bisect.insort(history[account], slot.at)
                    if len(zones) > 1:  # the account's other zones' days count this post too (cap, spacing)
                        for other, other_zone in zones.items():
                            if other != name:
                                kept_by[(account, other, slot.at.astimezone(other_zone).date())].append(Kept(slot.case_id, account, slot.at))
                slots += day_slots
        day += dt.timedelta(days=1)
    return slots


def _in_turns(cases: list[PlanCase], turns: dict, key: tuple) -> list[PlanCase]:
    """`cases` (earliest deadline first) rotated to start where the last day's turns stopped."""
    if not cases:
        return cases
    shift = turns[key] % len(cases)
    return cases[shift:] + cases[:shift]


def _index_kept(kept: list[Kept], zones: dict) -> dict:
    """(account, zone name, local date) -> the kept posts of that account on that day in that zone."""
    index = defaultdict(list)
    for name, zone in zones.items():
        for post in kept:
            index[(post.account, name, post.at.astimezone(zone).date())].append(post)
    return index


def _plan_day(day, account, active, wanted, settings, window, kept_today, by_case, history, cap) -> list[Slot]:
    """The day's slots of one account. `history`: the account's posts kept or planned so far (times, sorted);
    `cap`: its posts in any 24 hours."""
    start, end = window
    already = Counter(k.case_id for k in kept_today)
    budget = settings.daily_cap - len(kept_today)
    order = _round_robin(active, lambda case: wanted(case) - already[case.id], budget)
    taken = [k.at for k in kept_today]
    times = _within_cap(_times(day, account, start, end, len(order), settings, taken), history, cap)
    pairs = list(zip(order, times))  # fewer times: the last-ranked cases wait
    if settings.case_spacing:
        pairs = _apart(pairs, account, settings, (start, end), taken, by_case)
        allowed = set(_within_cap(sorted(at for _, at in pairs), history, cap))  # a time moved later still keeps the cap
        pairs = [(case, at) for case, at in pairs if at in allowed]
    return [Slot(case.id, account, at) for case, at in pairs if at < case.deadline_at]


def _within_cap(times: list[dt.datetime], history: list[dt.datetime], cap: int) -> list[dt.datetime]:
    """The times (sorted) that keep the account within `cap` posts in any 24 hours, counting its
    posts kept or planned before (`history`, sorted). A day's cap alone let a first day that starts
    late fill all of it in its last hours, and the next morning's posts then passed the 24-hour cap
    (which X enforces per 24 hours, and the daemon by holding posts back)."""
    chosen: list[dt.datetime] = []
    for at in times:
        before = bisect.bisect_right(history, at) - bisect.bisect_right(history, at - DAY) + len(chosen) - bisect.bisect_right(chosen, at - DAY)
        after = bisect.bisect_left(history, at + DAY) - bisect.bisect_right(history, at)  # posts kept for later that day
        if before + after < cap:
            chosen.append(at)
    return chosen


def _apart(pairs: list, account: str, settings: PlanSettings, window, taken: list, by_case) -> list:
    """Keep two accounts' posts for one case case_spacing apart: each time goes to
    the first waiting case (round-robin order) whose posts on other accounts are
    far enough; a case no time suits moves to the first later time clear of its
    other posts (and min_spacing from this account's own), or waits for another day."""
    start, end = window
    others = {}
    for case, _ in pairs:
        if case.id not in others:
            others[case.id] = sorted(when for other, when in by_case.get(case.id, ()) if other != account)
    spacing = settings.case_spacing
    waiting, kept, free = [case for case, _ in pairs], [], []
    for at in (at for _, at in pairs):
        i = next((i for i, case in enumerate(waiting) if _far(at, others[case.id], spacing)), None)
        if i is None:
            free.append(at)
        else:
            kept.append((waiting.pop(i), at))
    mine = sorted([*taken, *(at for _, at in kept)])
    for case in waiting:
        moved = _clear_both(free[0] if free else start, others[case.id], mine, settings, start, end)
        if moved is None:
            continue
        if free:
            free.pop(0)
        bisect.insort(mine, moved)
        kept.append((case, moved.replace(microsecond=0)))
    return kept


def _far(at, times: list, spacing) -> bool:
    """Whether `at` is at least `spacing` from every one of `times` (sorted)."""
    i = bisect.bisect_left(times, at)
    return (i == len(times) or times[i] - at >= spacing) and (i == 0 or at - times[i - 1] >= spacing)


def _clear_both(at, others, mine, settings: PlanSettings, start, end):
    """The first time at or after `at` clear of the case's other posts and this account's."""
    for _ in range(len(others) + len(mine) + 1):
        if at is None:
            return None
        clear = _clear_of(at, mine, settings.min_spacing, start, end, ordered=True)
        clear = clear and _clear_of(clear, others, settings.case_spacing, start, end, ordered=True)
        if clear == at:
            return at
        at = clear
    return None


def _window(day: dt.date, settings: PlanSettings, zone) -> tuple[dt.datetime, dt.datetime]:
    # Local wall times -> aware instants; a time skipped by DST lands an hour on.
    start = dt.datetime.combine(day, settings.window_start, tzinfo=zone).astimezone(UTC)
    end = dt.datetime.combine(day, settings.window_end, tzinfo=zone).astimezone(UTC)
    return start, end


def _wanted(case: PlanCase, day: dt.date, settings: PlanSettings, first: dt.date, last: dt.date) -> int:
    """Posts the case wants on `day`: `last` is its last posting day (the day before its deadline)."""
    per_day = case.posts_per_day or settings.posts_per_day
    if (case.strategy or settings.strategy) == "even":
        return per_day
    span = max((last - first).days, 1)
    progress = min(max((day - first).days / span, 0.0), 1.0)
    return max(1, round(per_day * (0.5 + progress)))


def _round_robin(active: list[PlanCase], wants, budget: int) -> list[PlanCase]:
    """Up to `budget` cases, a post each in turn while they want more (`wants(case)`: how many).
    A case's wish is asked only when its turn comes: with a low cap most never come."""
    order: list[PlanCase] = []
    remaining: dict[int, int] = {}
    while budget > 0:
        took = False
        for case in active:
            if budget <= 0:
                break
            left = remaining[case.id] if case.id in remaining else wants(case)
            if left > 0:
                order.append(case)
                left -= 1
                budget -= 1
                took = True
            remaining[case.id] = left
        if not took:
            break
    return order


def _times(day, account, start, end, count, settings: PlanSettings, taken: list[dt.datetime]) -> list[dt.datetime]:
    """`count` instants spread over [start, end), jittered, min_spacing apart and from `taken`."""
    if count <= 0 or start >= end:
        return []
    rng = random.Random(f"{account}|{day.isoformat()}")
    step = (end - start) / count
    times, chosen = [], sorted(taken)
    for i in range(count):
        jitter = settings.jitter * (2 * rng.random() - 1)
        at = _clear_of(start + step * (i + 0.5) + jitter, chosen, settings.min_spacing, start, end, ordered=True)
        if at is not None:
            times.append(at.replace(microsecond=0))
            bisect.insort(chosen, at)
    return sorted(times)


def _clear_of(at, chosen, spacing, start, end, ordered: bool = False):
    """The first time at or after `at` that keeps `spacing` from every chosen one
    (`ordered`: `chosen` is sorted, so only its neighbours are looked at)."""
    at = min(max(at, start), end - dt.timedelta(seconds=1))
    if not ordered:
        chosen = sorted(chosen)
    while True:
        # The chosen ones closer than `spacing`: those in (at - spacing, at + spacing).
        low, high = bisect.bisect_right(chosen, at - spacing), bisect.bisect_left(chosen, at + spacing)
        if low >= high:
            return at
        at = chosen[high - 1] + spacing
        if at >= end:
            return None


def next_free_time(after: dt.datetime, deadline_at: dt.datetime, settings: PlanSettings, taken: list[dt.datetime],
                   zone_name: str | None = None) -> dt.datetime | None:
    """The first instant in a posting window (in `zone_name`, else the settings' zone), after `after`,
    clear of `taken`: for posts the daemon missed."""
    zone = ZoneInfo(zone_name or settings.timezone)
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
    counts: defaultdict[tuple[int, str], int] = defaultdict(int)
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


def settings_from(posting, account_zones: dict | None = None) -> PlanSettings:
    """From config.PostingSettings, and each account's own zone where it has one."""
    start, end = posting.window
    return PlanSettings(
        timezone=posting.timezone, window_start=start, window_end=end,
        posts_per_day=posting.posts_per_day, strategy=posting.strategy,
        min_spacing=dt.timedelta(minutes=posting.min_spacing_minutes),
        jitter=dt.timedelta(minutes=posting.jitter_minutes), daily_cap=posting.daily_cap,
        case_spacing=dt.timedelta(minutes=posting.case_spacing_minutes),
        account_zones=tuple(sorted((account_zones or {}).items())),
        last_call=dt.timedelta(days=posting.last_call_days),
    )
