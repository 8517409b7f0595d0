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
    groups = split_by_case(slots, count, linked_cases(cases, templates)) if count > 1 else [slots]
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


def split_by_case(slots: list, count: int, links: dict[int, int] | None = None) -> list[list]:
    """The slots in at most `count` groups of about equal size, each case's slots all in one
    group, and cases that `links` (case id -> its set's id) puts together in one group too."""
    links = links or {}
    by_set: dict[int, list] = {}
    for slot in slots:
        by_set.setdefault(links.get(slot.case_id, slot.case_id), []).append(slot)
    if count < 2 or len(by_set) < 2:
        return [slots] if slots else []
    groups: list[list] = [[] for _ in range(min(count, len(by_set)))]
    for key in sorted(by_set, key=lambda k: (-len(by_set[k]), k)):  # biggest first, to the emptiest group
        min(groups, key=len).extend(by_set[key])
    return groups


def linked_cases(cases: dict, templates: list) -> dict[int, int]:
    """case id -> the smallest id of the cases it shares a handle with, directly or not: the
    handles their posts may @mention (targets on every network, the case's own handles, its
    UA's suggested message), which the per-handle daily limit counts across cases. A template
    that names a handle itself links every case."""
    if any(extract_mentions(t.body) for t in templates):
        return dict.fromkeys(cases, min(cases, default=0))
    parent = {case_id: case_id for case_id in cases}

    def root(case_id: int) -> int:
        while parent[case_id] != case_id:
            parent[case_id] = parent[parent[case_id]]
            case_id = parent[case_id]
        return case_id

    owner: dict[str, int] = {}
    for case_id, info in cases.items():
        for handle in _handles(info):
            if handle in owner:
                a, b = root(owner[handle]), root(case_id)
                parent[max(a, b)] = min(a, b)
            else:
                owner[handle] = case_id
    return {case_id: root(case_id) for case_id in cases}


def _handles(info) -> set[str]:
    """The handles a case's posts may mention, as the daily limit counts them (extract_mentions, lower case)."""
    written = [t.get("handle") for t in info.targets]
    written += [h for t in info.targets for h in (t.get("handles") or {}).values()]
    written += list(info.case.get("handles") or [])
    found = {m for h in written if isinstance(h, str) and h.strip() for m in extract_mentions("@" + h.strip().lstrip("@"))}
    found.update(m for t in info.templates for m in extract_mentions(t.body))  # the UA's suggested message
    return {m.lower() for m in found}


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
