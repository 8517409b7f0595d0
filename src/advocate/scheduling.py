"""`advocate schedule`: plan slots, compose texts, store posts, in one transaction.

Running it again only fills gaps, so it adds nothing to a complete plan;
`replan` first withdraws the future posts nobody approved or edited.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from . import cases as case_store
from . import models as m
from .compose import ComposeCase, note_mentions
from .compose_split import compose_split
from .config import Config
from .db import write
from .events import log_events
from .planner import Kept, PlanCase, plan, settings_from, thin_out
from .queue import add_planned, cancel_after_deadline, cases_with_posts, withdraw_untouched
from .timefmt import from_db

LANGUAGE_CODES = {
    "english": "en", "russian": "ru", "kazakh": "kk", "spanish": "es", "french": "fr",
    "german": "de", "arabic": "ar", "chinese": "zh", "persian": "fa", "farsi": "fa",
    "portuguese": "pt", "turkish": "tr", "ukrainian": "uk", "uzbek": "uz", "kyrgyz": "ky",
}


@dataclass
class ScheduleResult:
    added: Counter = field(default_factory=Counter)       # case_id -> posts added
    withdrawn: int = 0
    unfilled: Counter = field(default_factory=Counter)    # case_id -> slots with no fresh text
    refused: list[str] = field(default_factory=list)
    already_planned: list[int] = field(default_factory=list)
    skipped: dict = field(default_factory=dict)           # case_id -> why it is incomplete, and the command that completes it
    assumed: list[str] = field(default_factory=list)      # deadlines assumed from [posting] default_campaign_days
    over_budget: dict = field(default_factory=dict)       # account -> posts left out: they would pass its monthly_budget
    flagged: list[str] = field(default_factory=list)      # "post 12: why": a person's posts that no longer fit, back in review
    needs_alt: Counter = field(default_factory=Counter)   # case_id -> posts held for review: its photo has no alt text
    unnamed: dict = field(default_factory=dict)           # case_id -> (group name, languages its posts print it in untranslated)


def language_codes(names: list[str], available: set[str]) -> list[str]:
    codes = [LANGUAGE_CODES.get(n.strip().lower(), n.strip().lower()) for n in names]
    return [c for c in dict.fromkeys(codes) if c in available]


def schedule(db, config: Config, now: dt.datetime, templates: list, *, replan: bool = False, case_ids: list[int] | None = None,
             targets_changed: bool = False) -> ScheduleResult:
    from .messages.guard import GuardSettings
    from .messages.templates import template_from_suggestion

    result = ScheduleResult()
    available = {t.language for t in templates}
    # The cases are read in the transaction that plans them: a case closed meanwhile gets nothing.
    with collector_paused(), write(db):
        days = config.posting.default_campaign_days
        assumed = case_store.assume_deadlines(db, now, days, case_ids) if days > 0 else {}
        rows = [c for c in case_store.open_cases(db) if not c["paused"] and (not case_ids or c["id"] in case_ids)]
        result.skipped = {c["id"]: assumed.get(c["id"]) or why for c in rows if (why := case_store.incomplete_reason(c))}
        result.assumed = [note for case_id, note in assumed.items() if case_id not in result.skipped]
        rows = [c for c in rows if c["id"] not in result.skipped]
        if not replan:  # a planned case keeps its plan: planning again adds nothing (use replan)
            planned = cases_with_posts(db, PLANNED_STATUSES)
            result.already_planned = [c["id"] for c in rows if c["id"] in planned]
            rows = [c for c in rows if c["id"] not in planned]
        pending = cases_with_posts(db, (m.DRAFT, m.SCHEDULED))  # a case with none has nothing to withdraw, cancel or flag
        for case in (c for c in rows if c["id"] in pending):
            if replan:
                result.withdrawn += withdraw_untouched(db, case["id"], now)
            cancel_after_deadline(db, case["id"], case["deadline_at"], now)
            result.flagged += flag_unfit(db, case, now, check_mentions=targets_changed)
        kept, used, mentioned = _existing(db, config)
        targets = case_store.open_case_targets(db)
        infos = {c["id"]: _compose_case(c, targets.get(c["id"], []), config, available, template_from_suggestion) for c in rows}
        plan_cases = [PlanCase(c["id"], from_db(c["deadline_at"]), timezone=own_zone(c), **case_store.plan_settings(c))
                      for c in rows if c["deadline_at"]]
        slots = plan(plan_cases, list(config.accounts), settings_from(config.posting, account_zones(config)), now, kept)
        networks = {name: config.account(name)["type"] for name in config.accounts}
        guard = GuardSettings(max_hashtags=config.guard.max_hashtags, max_mentions=config.guard.max_mentions,
                              mention_needs_review=config.guard.mention_needs_review)
        memo: dict = {}  # texts rendered by the first pass, reused by the second
        account_languages = {name: language_codes(list(config.account(name).get("languages") or []), available)
                             for name in config.accounts}

        def texts_for(chosen, beside=()):
            # Fresh copies: compose marks the texts and mentions it uses (and those of the posts beside).
            fresh = {k: Counter(v) for k, v in mentioned.items()}
            note_mentions(fresh, list(beside), config.posting.timezone)
            return compose_split(chosen, infos, templates, networks, {k: set(v) for k, v in used.items()},
                           fresh, guard, config.org, config.posting.timezone,
                           config.posting.last_call_days, config.guard.mentions_per_handle_per_day,
                           account_languages=account_languages, memo=memo)

        report = texts_for(slots)
        if report.unfilled:  # fewer fresh texts than slots: spread them over the campaign, not all up front
            short = set(report.unfilled)  # only these cases are planned again; the others keep their posts
            full = [p for p in report.posts if p.case_id not in short]
            again = texts_for(thin_out([s for s in slots if s.case_id in short], [p for p in report.posts if p.case_id in short]), full)
            again.posts, again.refused = full + again.posts, report.refused + again.refused
            report = again
        report.posts, result.over_budget = _within_budgets(db, config, now, report.posts)
        add_planned(db, report.posts, now, config.posting.review)
        for post in report.posts:
            result.added[post.case_id] += 1
            if post.with_photo and infos[post.case_id].photo_needs_alt:
                result.needs_alt[post.case_id] += 1
        result.unnamed = _untranslated_names(db, infos, report.posts)
        result.unfilled.update(report.unfilled)
        result.refused = sorted(set(report.refused))
        log_events(db, now, "scheduled", [(f"case {case_id}: {count} posts planned", {"case_id": case_id})
                                          for case_id, count in result.added.items()])
    return result


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector held off while a plan is made. A big plan makes
    hundreds of thousands of objects that all live until it is stored, and the
    collector walked them again and again (a sixth of a big plan's time) only
    to free nothing: a plan makes no reference cycles. Reference counting frees
    everything else as usual; forked composers inherit the pause."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _untranslated_names(db, infos: dict, posts: list) -> dict[int, tuple[str, list[str]]]:
    """Groups whose posts print their name in a language other than their UA's with no name given in it:
    a description ("several people") read out in the wrong language inside the post's sentence."""
    from .documents import first_language

    wanted: dict[int, set[str]] = defaultdict(set)
    for post in posts:
        wanted[post.case_id].add(post.language)
    found = {}
    for case_id, languages in wanted.items():
        case = infos[case_id].case
        if case.get("subject_kind") != "group":
            continue
        own = first_language(db, case_id)
        missing = sorted(lang for lang in languages if lang and own and lang != own and lang not in case.get("names", {}))
        if missing:
            found[case_id] = (case["subject_name"], missing)
    return found


def own_zone(case: dict) -> str | None:
    """The case's own posting zone: the one the coordinator set (case edit --set timezone=...).
    The zone a case takes from its country only dates its deadline: the audience may be anywhere."""
    from .db import loads

    return loads(case.get("overrides"), {}).get("timezone") or None


def account_zones(config: Config) -> dict[str, str]:
    """account -> its audience's zone, for the accounts that set [accounts.NAME] timezone."""
    return {name: zone for name in config.accounts if (zone := config.account(name).get("timezone"))}


def _within_budgets(db, config: Config, now: dt.datetime, posts: list) -> tuple[list, dict]:
    """The new posts that keep each account within its monthly_budget (with what is sent and planned)."""
    from . import forecast

    budgets = forecast.budgets_of(config)
    if not any(budgets.values()):
        return posts, {}
    networks = forecast.networks_of(config)
    spent = forecast.spent(forecast.stored_posts(db, now), networks, config.quota)
    return forecast.within_budget(posts, spent, networks, budgets, config.quota)


def refresh(db, config: Config, now: dt.datetime, case_id: int, changes: dict) -> ScheduleResult | None:
    """Keep a scheduled campaign in step with its case: a new deadline or new
    targets re-write the untouched future posts (their texts count the days
    to the deadline and name the targets) and extend or trim the plan.
    A case never scheduled is left for the coordinator's `advocate schedule`."""
    from .messages.templates import load_templates

    case = case_store.get_case(db, case_id)
    touched = {"deadline", "targets", "status", "timezone", *case_store.PLAN_FIELDS} & set(changes)
    touched |= {key for key in changes if case_store.NAME_IN.fullmatch(key)}  # name.ru: the Russian posts print it
    if case["status"] != m.OPEN or not touched or not _has_plan(db, case_id):
        return None
    return schedule(db, config, now, load_templates(config.messages), replan=True, case_ids=[case_id],
                    targets_changed="targets" in changes)


MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.]+(?:@[A-Za-z0-9.-]*[A-Za-z0-9])?)")


def flag_unfit(db, case: dict, now: dt.datetime, *, check_mentions: bool) -> list[str]:
    """A person's posts (imported, edited, moved, approved) are never withdrawn by a re-plan;
    those that no longer fit (past a new deadline, mentioning someone no longer a target)
    go back to review with the reason. Returns 'post N: reason' lines."""
    from .queue import by_hand_pending, flag_for_review

    known = _known_handles(db, case) if check_mentions else set()
    flagged = []
    for post in by_hand_pending(db, case["id"]):
        reason = None
        if case["deadline_at"] and post["scheduled_at"] >= case["deadline_at"]:
            reason = f"after the new deadline ({case['deadline']}): move it earlier or reject it"
        elif check_mentions:
            gone = [h for h in MENTION.findall(post["text"]) if h.lower() not in known and h.split("@")[0].lower() not in known]
            if gone:
                reason = f"mentions {', '.join('@' + h for h in gone)}, no longer a target of case {case['id']}: edit or reject it"
        if reason and reason != post["needs_review_reason"] and flag_for_review(db, now, post["id"], reason):
            flagged.append(f"post {post['id']}: {reason}")
    return flagged


def _known_handles(db, case: dict) -> set[str]:
    """Every handle the case's targets have on any network, lower-case, without '@'."""
    from .db import loads

    handles = set()
    for target in case_store.targets_of(db, case["id"]):
        handles.add(target.get("handle") or "")
        handles.update(loads(target.get("handles"), {}).values())
    return {h.strip().lstrip("@").lower() for h in handles if h} | {h.strip().lstrip("@").split("@")[0].lower() for h in handles if h}


PLANNED_STATUSES = (m.DRAFT, m.SCHEDULED, m.SENDING, m.SENT, m.FAILED, m.UNKNOWN)  # every status but cancelled


def _has_plan(db, case_id: int) -> bool:
    return case_id in cases_with_posts(db, PLANNED_STATUSES, case_id)


def _existing(db, config: Config):
    """Posts the plan must respect: their times (budget, spacing), texts and mentions."""
    from .messages.guard import extract_mentions

    zone = ZoneInfo(config.posting.timezone)
    kept: list[Kept] = []
    used: defaultdict[tuple[int, str], set[str]] = defaultdict(set)
    mentioned: defaultdict[tuple[str, dt.date], Counter[str]] = defaultdict(Counter)
    query = "SELECT case_id, account, scheduled_at, sent_at, text, dedupe_key, status, cancel_reason FROM posts WHERE status != 'cancelled' OR cancel_reason = 'rejected'"
    for row in db.query(query):
        used[row["case_id"]].add(row["dedupe_key"])  # every account's: no two accounts post the same words for a case
        if row["status"] in (m.CANCELLED, m.FAILED):
            continue
        at = from_db(row["sent_at"] or row["scheduled_at"])
        kept.append(Kept(row["case_id"], row["account"], at))
        for handle in extract_mentions(row["text"]):
            mentioned[(row["account"], at.astimezone(zone).date())][handle.lower()] += 1
    return kept, used, mentioned


def _compose_case(case: dict, targets: list[dict], config: Config, available: set[str], from_suggestion) -> ComposeCase:
    info = m.case_json(case, targets)
    wanted = config.posting.languages or info["languages"]
    languages = language_codes(list(wanted), available) or (["en"] if "en" in available else sorted(available)[:1])
    own = []
    if info["suggested_message"]:
        own.append(from_suggestion(info["suggested_message"], "en"))
    return ComposeCase(
        id=case["id"], case=info, targets=info["targets"], deadline=dt.date.fromisoformat(info["deadline"]),
        languages=languages, url=info["url"], templates=own,
        photo_needs_alt=bool(case.get("photo")) and not (case.get("photo_alt") or "").strip(),
    )


