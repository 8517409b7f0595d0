"""Which words go in each slot. Pure: cases, templates, slots in; posts out.

For each slot: the templates that suit its network, language and days
left, kind by the time left (last-call in the last days, appeals first),
weighted and varied; a text is never used twice by one account for one
case (compared by dedupe_key), and the responsible-posting guard refuses
too many hashtags or mentions, and more than one mention of a handle per
account a day.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .errors import TemplateError
from .messages.context import build_context
from .messages.guard import GuardSettings, check_post, dedupe_key, extract_mentions
from .messages.render import render_fitting
from .planner import Slot
from .queue import NewPost


@dataclass(frozen=True)
class ComposeCase:
    id: int
    case: dict          # person, pronouns, country, ua_number, hashtags, handles, languages
    targets: list[dict]  # name, title, handle, additional
    deadline: dt.date
    languages: list[str]  # template languages to use, in order of preference
    url: str | None
    templates: list = field(default_factory=list)  # case-specific (the UA's own suggestion)


@dataclass
class ComposeReport:
    posts: list[NewPost] = field(default_factory=list)
    unfilled: dict = field(default_factory=lambda: defaultdict(int))  # case_id -> slots with no fresh text
    refused: list[str] = field(default_factory=list)                  # guard and template messages


def compose(slots: list[Slot], cases: dict[int, ComposeCase], templates: list, networks: dict[str, str],
            used: dict, mentioned: dict, guard: GuardSettings, org: str, zone: str, last_call_days: int,
            per_handle_limit: int = 1) -> ComposeReport:
    """`used`: (case_id, account) -> set of dedupe keys; `mentioned`: (account, local date) -> Counter of handles."""
    report = ComposeReport()
    for index, slot in enumerate(sorted(slots, key=lambda s: (s.at, s.case_id, s.account))):
        info = cases[slot.case_id]
        post = _fill(slot, index, info, templates, networks[slot.account], used, mentioned, guard, org, zone, last_call_days, per_handle_limit, report)
        if post is None:
            report.unfilled[slot.case_id] += 1
        else:
            report.posts.append(post)
    return report


def _fill(slot, index, info: ComposeCase, templates, network, used, mentioned, guard, org, zone, last_call_days, per_handle_limit, report):
    local_day = slot.at.astimezone(ZoneInfo(zone)).date()
    days_left = max((info.deadline - local_day).days, 0)
    language = info.languages[index % len(info.languages)] if info.languages else "en"
    seen = used.setdefault((slot.case_id, slot.account), set())
    today = mentioned.setdefault((slot.account, local_day), Counter())
    for template in _candidates(info, templates, network, language, days_left, last_call_days, slot):
        for target in _targets_for(template, info, network):
            text = _render(template, info, target, days_left, org, network, report)
            if text is None:
                continue
            key = dedupe_key(text)
            if key in seen:
                continue
            problems = check_post(text, guard, approved=True)  # review is decided below, not refused
            handles = {h.lower() for h in extract_mentions(text)}
            if any(today[h] >= per_handle_limit for h in handles):
                problems.append(f"{', '.join(sorted(handles))} already mentioned {per_handle_limit}x today by {slot.account}")
            if problems:
                report.refused.append(f"{template.path}: {'; '.join(problems)}")
                continue
            seen.add(key)
            for handle in handles:
                today[handle] += 1
            return _post(slot, template, network, text, key, handles, guard)
    return None


def _candidates(info, templates, network, language, days_left, last_call_days, slot) -> list:
    pool = [t for t in [*info.templates, *templates] if _suits(t, network, days_left)]
    preferred = [t for t in pool if t.language == language] or pool
    kinds = ["last-call", "reminder", "appeal"] if days_left <= last_call_days else ["appeal", "reminder"]
    rng = random.Random(f"{slot.case_id}|{slot.account}|{slot.at.isoformat()}")
    ordered = []
    for kind in kinds:
        group = [t for t in preferred if t.kind == kind]
        ordered += _weighted_shuffle(group, rng)
    chosen = {id(t) for t in ordered}  # by identity: comparing dataclasses field by field is slow
    rest = [t for t in pool if id(t) not in chosen and t.kind in kinds]
    return ordered + _weighted_shuffle(rest, rng)


def _suits(template, network, days_left) -> bool:
    if template.kind == "thanks" or network_of(network) not in template.networks:
        return False
    if template.days_before_deadline_max is not None and days_left > template.days_before_deadline_max:
        return False
    return template.days_before_deadline_min is None or days_left >= template.days_before_deadline_min


def network_of(network: str) -> str:
    """The dry-run channel rehearses X, so X's templates and rules apply."""
    return "x" if network == "dryrun" else network


def _weighted_shuffle(group: list, rng: random.Random) -> list:
    # Each template's key: a random number raised to 1/weight (Efraimidis-Spirakis).
    return sorted(group, key=lambda t: rng.random() ** (1.0 / max(t.weight, 1)), reverse=True)


def _targets_for(template, info: ComposeCase, network: str) -> list[dict | None]:
    primary = [on_network(t, network) for t in info.targets if not t.get("additional")]
    if template.mentions_target:
        return primary[:1]  # one official; named where they have no handle on this network
    return primary or [None]


def on_network(target: dict, network: str) -> dict:
    """The target as seen on `network`: its handle there, or none."""
    network = network_of(network)
    handle = target.get("handle") if network == "x" else (target.get("handles") or {}).get(network)
    return {**target, "handle": handle}


def _render(template, info, target, days_left, org, network, report) -> str | None:
    context = build_context(info.case, target, deadline=info.deadline, days_left=days_left, url=info.url, org=org)
    try:
        return render_fitting(template, context, network_of(network))
    except TemplateError as exc:
        report.refused.append(str(exc))
        return None


def _post(slot, template, network, text, key, handles, guard: GuardSettings) -> NewPost:
    review = f"mentions {', '.join(sorted(handles))}" if handles and guard.mention_needs_review else None
    return NewPost(
        case_id=slot.case_id, account=slot.account, network=network, scheduled_at=slot.at,
        text=text, dedupe_key=key, template=f"{template.language}/{template.name}",
        language=template.language, kind=template.kind, needs_review_reason=review,
    )
