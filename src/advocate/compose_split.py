"""A big plan composed on every core: the cases split in groups, each group
composed by compose() in its own forked process.

compose() fills slots in time order, and what it picks for one case depends
on the other cases only through the per-handle daily mention limit (the
`mentioned` counters). Groups of cases composed apart therefore give exactly
the posts one process gives, unless two groups mention the same handle: then
the plan is composed again in one process. Anything unexpected in a child
(an error, a crash) also ends in composing in one process, which raises what
it raises as it always did. The forking itself is advocate.workers.together.
"""

from __future__ import annotations

from functools import partial

from . import workers
from .compose import ComposeReport, compose, note_mentions
from .messages.guard import extract_mentions

MIN_SLOTS_PER_PROCESS = 1_500  # below this a fork costs more than it saves
MAX_PROCESSES = 4              # each process holds its own copy of the texts it renders


def compose_split(slots: list, cases: dict, templates: list, networks: dict, used: dict, mentioned: dict,
                  guard, org: str, zone: str, last_call_days: int, per_handle_limit: int = 1, *,
                  account_languages: dict | None = None, memo: dict | None = None,
                  processes: int | None = None) -> ComposeReport:
    """compose() with the same arguments and the same result, on `processes` processes
    (by default as many as the plan is worth and the machine has)."""
    whole = partial(compose, templates=templates, networks=networks, guard=guard, org=org, zone=zone,
                    last_call_days=last_call_days, per_handle_limit=per_handle_limit,
                    account_languages=account_languages)
    count = usable_processes(len(slots)) if processes is None else processes
    groups = split_by_case(slots, count)
    if len(groups) > 1:
        # Each group works on copies: `used` and `mentioned` change only once the result is known to stand.
        try:
            reports = workers.together([partial(whole, group, cases, used={k: set(v) for k, v in used.items()},
                                                mentioned={k: v.copy() for k, v in mentioned.items()}) for group in groups])
        except Exception:  # composed again below in one process, which raises whatever it raises as it always did
            reports = None
        if reports is not None and _apart(reports):
            report = _merged(reports)
            for post in report.posts:  # what compose() marks as it goes, as one run would have left it
                used.setdefault(post.case_id, set()).add(post.dedupe_key)
            note_mentions(mentioned, report.posts, zone)
            return report
    return whole(slots, cases, used=used, mentioned=mentioned, memo=memo)


def usable_processes(slots: int) -> int:
    """How many processes a plan of `slots` is worth here: 1 where forking is
    unsafe (workers.can_fork) or the plan is small."""
    if not workers.can_fork():
        return 1
    return max(1, min(workers.cpus(), MAX_PROCESSES, slots // MIN_SLOTS_PER_PROCESS))


def split_by_case(slots: list, count: int) -> list[list]:
    """The slots in at most `count` groups of about equal size, each case's slots all in one group."""
    by_case: dict[int, list] = {}
    for slot in slots:
        by_case.setdefault(slot.case_id, []).append(slot)
    if count < 2 or len(by_case) < 2:
        return [slots] if slots else []
    groups: list[list] = [[] for _ in range(min(count, len(by_case)))]
    for case_id in sorted(by_case, key=lambda c: (-len(by_case[c]), c)):  # biggest first, to the emptiest group
        min(groups, key=len).extend(by_case[case_id])
    return groups


def _apart(reports: list[ComposeReport]) -> bool:
    """True when no handle is mentioned by posts of two groups (so the per-handle limit never linked them)."""
    seen: set[str] = set()
    for report in reports:
        handles = {h.lower() for post in report.posts if "@" in post.text or "＠" in post.text
                   for h in extract_mentions(post.text)}
        if handles & seen:
            return False
        seen |= handles
    return True


def _merged(reports: list[ComposeReport]) -> ComposeReport:
    merged = ComposeReport()
    for report in reports:
        merged.posts += report.posts
        merged.refused += report.refused
        for case_id, count in report.unfilled.items():
            merged.unfilled[case_id] += count
    merged.posts.sort(key=lambda p: (p.scheduled_at, p.case_id, p.account))  # compose()'s own order
    return merged
