"""Which words go in each slot. Pure: cases, templates, slots in; posts out.

For each slot: the templates that suit its network, language and days
left, kind by the time left (last-call in the last days, appeals first),
weighted and varied; a text is never used twice within a campaign: not by
one account, nor by two accounts for one case (compared by dedupe_key: X
forbids identical or near-identical posts across accounts). An account
with its own languages posts only in those. The responsible-posting guard
refuses too many hashtags or mentions, and more than one mention of a
handle per account a day.

Each text is rendered once per run: per template, case and target (and
day, only for templates that say the days left), the same rendering
serving every network it fits; its dedupe key, mentions and guard verdict
are worked out with it, so a candidate already used is skipped without
rendering again.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .errors import TemplateError
from .messages.context import build_context
from .messages.guard import GuardSettings, check_entities, dedupe_key, extract_hashtags, extract_mentions
from .messages.render import Variants, localize
from .planner import Slot
from .queue import NewPost

_SAYS_DAYS_LEFT = re.compile(r"\bdays_left\b")


@dataclass(frozen=True)
class ComposeCase:
    id: int
    case: dict          # person, pronouns, country, ua_number, hashtags, handles, languages
    targets: list[dict]  # name, title, handle, additional
    deadline: dt.date
    languages: list[str]  # template languages to use, in order of preference
    url: str | None
    templates: list = field(default_factory=list)  # case-specific (the UA's own suggestion)
    photo_needs_alt: bool = False  # a photo without alt text: posts showing it wait for review


@dataclass
class ComposeReport:
    posts: list[NewPost] = field(default_factory=list)
    unfilled: dict = field(default_factory=lambda: defaultdict(int))  # case_id -> slots with no fresh text
    refused: list[str] = field(default_factory=list)                  # guard and template messages


@dataclass(frozen=True)
class Text:
    """One rendering and what the guard makes of it; `text` is None when the template failed."""

    text: str | None
    key: str = ""
    handles: frozenset = frozenset()
    problems: tuple = ()
    error: str = ""


@dataclass
class Run:
    """What stays fixed through one compose(): settings, and texts already rendered."""

    templates: list
    networks: dict[str, str]
    guard: GuardSettings
    org: str
    zone: ZoneInfo
    last_call_days: int
    per_handle_limit: int = 1
    account_languages: dict = field(default_factory=dict)  # account -> its languages (none: the case's)
    memo: dict = field(default_factory=dict)


def compose(slots: list[Slot], cases: dict[int, ComposeCase], templates: list, networks: dict[str, str],
            used: dict, mentioned: dict, guard: GuardSettings, org: str, zone: str, last_call_days: int,
            per_handle_limit: int = 1, *, account_languages: dict | None = None, memo: dict | None = None) -> ComposeReport:
    """`used`: case_id -> set of dedupe keys (every account's); `mentioned`: (account, local date) -> Counter of handles.

    `memo` (a dict) may be passed to a second run over the same cases, which then renders nothing twice.
    """
    run = Run(templates, networks, guard, org, ZoneInfo(zone), last_call_days, per_handle_limit,
              account_languages or {}, memo if memo is not None else {})
    report = ComposeReport()
    ordinal: Counter = Counter()  # a slot's place among its case's slots: the case's languages take turns
    for slot in sorted(slots, key=lambda s: (s.at, s.case_id, s.account)):
        index = ordinal[slot.case_id]
        ordinal[slot.case_id] += 1
        post = _fill(slot, index, cases[slot.case_id], run, used, mentioned, report)
        if post is None:
            report.unfilled[slot.case_id] += 1
        else:
            report.posts.append(post)
    return report


def _fill(slot, index, info: ComposeCase, run: Run, used, mentioned, report):
    network = run.networks[slot.account]
    local_day = slot.at.astimezone(run.zone).date()
    days_left = max((info.deadline - local_day).days, 0)
    own = run.account_languages.get(slot.account) or ()
    languages = [code for code in info.languages if code in own] or list(own) or info.languages
    language = languages[index % len(languages)] if languages else "en"
    seen = used.setdefault(slot.case_id, set())
    today = mentioned.get((slot.account, local_day))
    if today is None:
        today = mentioned[(slot.account, local_day)] = Counter()
    for template in _candidates(info, run.templates, network, language, days_left, run.last_call_days, slot, own, run.memo):
        for number, target in _targets_for(template, info, network, run.memo):
            done = _text(run, template, info, number, target, days_left, network)
            if done.text is None:
                report.refused.append(done.error)
                continue
            if done.key in seen:
                continue
            problems = list(done.problems)
            if any(today[h] >= run.per_handle_limit for h in done.handles):
                problems.append(f"{', '.join(sorted(done.handles))} already mentioned {run.per_handle_limit}x today by {slot.account}")
            if problems:
                report.refused.append(f"{template.path}: {'; '.join(problems)}")
                continue
            seen.add(done.key)
            for handle in done.handles:
                today[handle] += 1
            return _post(slot, template, network, done, run.guard, info)
    return None


def _text(run: Run, template, info: ComposeCase, number: int, target, days_left: int, network: str) -> Text:
    """The text of `template` for this case, target and network, rendered at most once per run."""
    network = network_of(network)
    handle = target.get("handle") if target and template.mentions_target else None
    says = run.memo.get(("says", id(template)))
    if says is None:
        says = run.memo[("says", id(template))] = says_days_left(template)
    which = (id(template), info.id, number, handle, days_left if says else None)
    done = run.memo.get((which, network))
    if done is None:
        variants = run.memo.get(which)
        if variants is None:
            variants = run.memo[which] = Variants(template, {**_values(run, template, info, number, target, handle), "days_left": days_left})
        done = run.memo[(which, network)] = _fit(run, variants, network)
    return done


def _values(run: Run, template, info: ComposeCase, number: int, target, handle) -> dict:
    """The case and target in the template's language, built once per case, target and language.
    A template that does not mention the target sees it without a handle: the
    same text then serves every network."""
    which = ("values", info.id, number, handle, template.language)
    values = run.memo.get(which)
    if values is None:
        seen = {**target, "handle": handle} if target is not None else None
        context = build_context(info.case, seen, deadline=info.deadline, days_left=None, url=info.url, org=run.org)
        values = run.memo[which] = localize(template, context)
    return values


def _fit(run: Run, variants: Variants, network: str) -> Text:
    try:
        text = variants.fitting(network)
    except TemplateError as exc:
        return Text(None, error=str(exc))
    done = run.memo.get(("text", text))  # the same words on another network: checked already
    if done is None:
        mentions = extract_mentions(text)
        # review is decided by _post, not refused: approved=True
        problems = check_entities(text, extract_hashtags(text), mentions, run.guard, approved=True)
        done = run.memo[("text", text)] = Text(text, dedupe_key(text), frozenset(h.lower() for h in mentions), tuple(problems))
    return done


def note_mentions(mentioned: dict, posts: list[NewPost], zone: str) -> None:
    """Count the handles `posts` mention into `mentioned` ((account, local date) -> Counter)."""
    tz = ZoneInfo(zone)
    for post in posts:
        if "@" in post.text or "＠" in post.text:
            day = mentioned.setdefault((post.account, post.scheduled_at.astimezone(tz).date()), Counter())
            for handle in extract_mentions(post.text):
                day[handle.lower()] += 1


def says_days_left(template) -> bool:
    # A template reaches a variable only by naming it: one that never names
    # days_left renders the same text on every day of the campaign.
    return _SAYS_DAYS_LEFT.search(template.body) is not None


def _candidates(info, templates, network, language, days_left, last_call_days, slot, own_languages=(), memo=None) -> Iterator:
    which = ("groups", network, days_left, tuple(own_languages), language)
    groups = memo.get(which) if memo is not None and not info.templates else None
    if groups is None:
        groups = _groups(info, templates, network, language, days_left, last_call_days, own_languages)
        if memo is not None and not info.templates:
            memo[which] = groups
    rng = random.Random(f"{slot.case_id}|{slot.account}|{slot.at.isoformat()}")
    for group in groups:  # shuffled as reached: the first candidate mostly fits, and the draws come in the same order
        yield from _weighted_shuffle(group, rng)


def _groups(info, templates, network, language, days_left, last_call_days, own_languages) -> list[list]:
    """The suitable templates in the groups _candidates shuffles: each kind in
    the slot's language, in the order of kinds; then the rest."""
    pool = [t for t in [*info.templates, *templates] if _suits(t, network, days_left)]
    if own_languages:  # an account with its own languages never posts in another
        pool = [t for t in pool if t.language in own_languages]
    preferred = [t for t in pool if t.language == language] or pool
    kinds = ["last-call", "reminder", "appeal"] if days_left <= last_call_days else ["appeal", "reminder"]
    groups = [[t for t in preferred if t.kind == kind] for kind in kinds]
    chosen = {id(t) for group in groups for t in group}  # by identity: comparing dataclasses field by field is slow
    return [*groups, [t for t in pool if id(t) not in chosen and t.kind in kinds]]


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


def _targets_for(template, info: ComposeCase, network: str, memo: dict) -> list[tuple[int, dict | None]]:
    """(number, target as seen on `network`) pairs; the number names the target in the memo."""
    primary = memo.get(("targets", info.id, network))
    if primary is None:
        primary = memo[("targets", info.id, network)] = [
            (n, on_network(t, network)) for n, t in enumerate(info.targets) if not t.get("additional")]
    if template.mentions_target:
        return primary[:1]  # one official; named where they have no handle on this network
    return primary or [(-1, None)]


def on_network(target: dict, network: str) -> dict:
    """The target as seen on `network`: its handle there, or none."""
    network = network_of(network)
    handle = target.get("handle") if network == "x" else (target.get("handles") or {}).get(network)
    return {**target, "handle": handle}


def _post(slot, template, network, done: Text, guard: GuardSettings, info: ComposeCase) -> NewPost:
    assert done.text is not None  # a text that failed to render never reaches a slot
    handles = done.handles
    reasons = [f"mentions {', '.join(sorted(handles))}"] if handles and guard.mention_needs_review else []
    photo = getattr(template, "photo", False)
    if photo and info.photo_needs_alt:  # never posted without alt text: held for review until it has one
        reasons.append(f"case {info.id}'s photo has no alt text: advocate case photo {info.id} --alt \"...\"")
    return NewPost(
        case_id=slot.case_id, account=slot.account, network=network, scheduled_at=slot.at,
        text=done.text, dedupe_key=done.key, template=f"{template.language}/{template.name}",
        language=template.language, kind=template.kind, needs_review_reason="; ".join(reasons) or None,
        with_photo=photo, with_link=getattr(template, "link", False),
    )
