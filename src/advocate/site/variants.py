"""Supporter texts for one case, language and network, and the links that open them.

Every `kind = "supporter"` template of the language (and, on X, the UA's
own suggested post) is rendered for the case's first target as seen on
the network, fitted to the network's length rules by dropping optional
parts, and checked by the same guard as the organisation's posts, except
that a supporter may mention the target: each text is posted by a person
from their own account. Texts that only reshuffle another are dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import quote

from ..compose import on_network
from ..errors import TemplateError
from ..messages.context import build_context
from ..messages.guard import GuardSettings, check_post, dedupe_key
from ..messages.length import measure
from ..messages.render import render_fitting
from ..messages.templates import MessageTemplate, template_from_suggestion

NETWORKS = ("x", "bluesky", "mastodon")
# X documents https://x.com/intent/tweet (docs.x.com, "Web intent"); Bluesky https://bsky.app/intent/compose
# (docs.bsky.app, "Action Intent Links"); Mastodon serves /share?text= on every server.
INTENTS = {"x": "https://x.com/intent/tweet?text=", "bluesky": "https://bsky.app/intent/compose?text="}
MASTODON_SHARE = "https://{server}/share?text="


@dataclasses.dataclass(frozen=True)
class Variant:
    network: str
    text: str
    template: str
    length: int
    limit: int
    href: str | None  # None on Mastodon: the reader's server completes it


def supporter_templates(templates: list[MessageTemplate], language: str) -> list[MessageTemplate]:
    return [t for t in templates if t.kind == "supporter" and t.language == language]


def variants(case: dict, targets: list[dict], templates: list[MessageTemplate], language: str, network: str, *,
             deadline: dt.date | None, days_left: int | None, url: str | None, org: str,
             guard: GuardSettings, suggestion: str | None = None, problems: list[str] | None = None) -> list[Variant]:
    """The distinct texts a supporter may post on `network`, in template order (the UA's suggestion first)."""
    problems = problems if problems is not None else []
    pool = supporter_templates(templates, language)
    if suggestion and network == "x" and language == "en":
        pool = [dataclasses.replace(template_from_suggestion(suggestion, "en"), kind="supporter"), *pool]
    target = on_network(targets[0], network) if targets else None
    context = build_context(case, target, deadline=deadline, days_left=days_left, url=url, org=org)
    found, seen = [], set()
    for template in pool:
        if not template.applies_to(network):
            continue
        try:
            text = render_fitting(template, context, network)
        except TemplateError as exc:
            problems.append(str(exc))
            continue
        refused = check_post(text, guard, approved=True)  # a person sends it: mentioning the target is allowed
        key = dedupe_key(text)
        if refused:
            problems.append(f"{template.path}: {'; '.join(refused)}")
        elif key not in seen:
            seen.add(key)
            size = measure(text, network)
            found.append(Variant(network, text, f"{template.language}/{template.name}", size.length, size.limit,
                                 intent_link(network, text)))
    return found


def intent_link(network: str, text: str, server: str | None = None) -> str | None:
    """The link that opens `text` in the network's composer; Mastodon needs the reader's server."""
    if network == "mastodon":
        return MASTODON_SHARE.format(server=server) + quote(text, safe="") if server else None
    return INTENTS[network] + quote(text, safe="")
