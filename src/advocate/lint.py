"""`messages check` and `messages preview`: render templates for real cases."""

from __future__ import annotations

import datetime as dt

from .errors import TemplateError


def _context(case: dict, target, days_left: int, org: str):
    from .messages.context import build_context

    deadline = dt.date.fromisoformat(case["deadline"]) if case.get("deadline") else None
    return build_context(case, target, deadline=deadline, days_left=days_left, url=case.get("url"), org=org)


def _targets(template, case, network):
    from .compose import on_network

    primary = [on_network(t, network) for t in case["targets"] if not t.get("additional")]
    if template.mentions_target:
        return primary[:1]  # as the planner does: a case with no official gets no such post
    return primary[:1] or [None]


def _own_templates(case: dict) -> list:
    from .messages.templates import template_from_suggestion

    return [template_from_suggestion(case["suggested_message"])] if case.get("suggested_message") else []


def lint_templates(templates: list, cases: list[dict], networks, config) -> tuple[list[dict], int]:
    """Every template x case x network x a spread of days left; the problems found.

    Each text is rendered once and measured on every network it is for, as the
    planner does: a template that never says the days left reads the same on
    every day, and one that does not @mention the official reads the same
    whatever the official's handle on a network."""
    from .compose import says_days_left
    from .messages.guard import GuardSettings, check_post
    from .messages.render import Variants, localize

    guard = GuardSettings(config.guard.max_hashtags, config.guard.max_mentions, config.guard.mention_needs_review)
    problems, checked, issues_of = [], 0, {}
    for case in cases:
        for template in [*_own_templates(case), *templates]:
            says, variants = says_days_left(template), {}
            for network in (n for n in networks if template.applies_to(n)):
                for days_left in _days(template):
                    for target in _targets(template, case, network):
                        checked += 1
                        handle = target.get("handle") if target and template.mentions_target else None
                        key = (handle, days_left if says else None)
                        if key not in variants:
                            seen = {**target, "handle": handle} if target else None
                            variants[key] = Variants(template, localize(template, _context(case, seen, days_left, config.org)))
                        try:
                            text = variants[key].fitting(network)
                        except TemplateError as exc:
                            problems.append(_problem(template, case, network, str(exc)))
                            continue
                        if text not in issues_of:
                            issues_of[text] = check_post(text, guard, approved=True)
                        problems += [_problem(template, case, network, issue) for issue in issues_of[text]]
    return _unique(problems), checked


def _days(template) -> list[int]:
    low = template.days_before_deadline_min or 0
    high = template.days_before_deadline_max if template.days_before_deadline_max is not None else 60
    return sorted({low, high, (low + high) // 2, min(low + 1, high)})


def _problem(template, case, network, message) -> dict:
    return {"template": template.path, "case_id": case.get("id"), "network": network, "problem": message}


def _unique(problems: list[dict]) -> list[dict]:
    seen, unique = set(), []
    for p in problems:
        key = (p["template"], p["case_id"], p["network"], p["problem"])
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def render_case(templates, case: dict, network: str, config, now: dt.datetime, days_left: int | None):
    """(template, text, measure, error) for each template, for `messages preview`."""
    from .messages.length import measure
    from .messages.render import render_fitting

    if days_left is None and case.get("deadline"):
        days_left = max((dt.date.fromisoformat(case["deadline"]) - now.date()).days, 0)
    for template in [*_own_templates(case), *templates]:
        if not template.applies_to(network):
            continue
        targets = _targets(template, case, network)
        if not targets:
            continue  # the template mentions an official and the case names none
        target = targets[0]
        try:
            text = render_fitting(template, _context(case, target, days_left or 0, config.org), network)
            yield template, text, measure(text, network), None
        except TemplateError as exc:
            yield template, None, None, str(exc)
