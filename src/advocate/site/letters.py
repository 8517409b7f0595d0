"""The model letter to a target, as text and as a mailto: link.

Letters are `pages/<language>/letter.j2` (front matter as message
templates, kind = "supporter"): the first paragraph is the subject, the
rest the body. They render in the message sandbox with the case's
context plus `salutation` (the UA's, usually English) and `target`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

from ..messages.context import build_context
from ..messages.render import render
from ..messages.templates import MessageTemplate, load_template

MAILTO_MAX = 6000  # characters: beyond this some mail programs cut the link; then the subject alone, the letter shown to copy


def load_letters(pages: Path) -> dict[str, MessageTemplate]:
    """language -> letter template, for every pages/<language>/letter.j2."""
    return {path.parent.name: load_template(path) for path in sorted(Path(pages).glob("*/letter.j2"))}


def letter_languages(case_languages: list[str], page_language: str, available: set[str]) -> list[str]:
    """The target's preferred languages we have a letter for, then the page's own."""
    from ..scheduling import language_codes

    wanted = language_codes(list(case_languages), available)[:1]
    return list(dict.fromkeys([*wanted, *([page_language] if page_language in available else [])]))


def letter(template: MessageTemplate, case: dict, target: dict, *, deadline: dt.date | None,
           days_left: int | None, url: str | None, org: str) -> dict:
    context = build_context(case, target, deadline=deadline, days_left=days_left, url=url, org=org)
    context["salutation"] = target.get("salutation")
    subject, _, body = render(template, context).partition("\n\n")
    return {"language": template.language, "subject": subject, "body": body,
            "mailto": mailto(target.get("email"), subject, body)}


def mailto(email: str | None, subject: str, body: str) -> str | None:
    if not email:
        return None
    link = f"mailto:{quote(email.strip(), safe='@,')}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    if len(link) > MAILTO_MAX:  # too long for some mail programs: the page shows the whole letter to copy
        link = f"mailto:{quote(email.strip(), safe='@,')}?subject={quote(subject, safe='')}"
    return link
