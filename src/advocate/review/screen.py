"""One post's review screen, as plain lines: it reads the same over SSH, in 80 columns, or in a log."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from zoneinfo import ZoneInfo

NETWORK_NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky", "dryrun": "dry run (counted as X)"}
KEYS = "[a]pprove  [e]dit  [r]eject  [m]ove  [s]kip  [q]uit"
LABEL = 10  # width of the labels column


@dataclass(frozen=True)
class Place:
    """Where the post stands in this review: 3 of 15."""

    index: int
    total: int


def when_text(at: dt.datetime, zone: str) -> str:
    """'Sat 13 Apr 2019 10:00 Asia/Almaty (+05)': the posting zone, named, to the minute."""
    local = at.astimezone(ZoneInfo(zone))
    offset = local.strftime("%z")
    short = offset[:3] if offset.endswith("00") else f"{offset[:3]}:{offset[3:]}"
    return f"{local:%a %d %b %Y %H:%M} {zone} ({short})"


def deadline_text(at: dt.datetime, case: dict) -> str:
    """'9 days before the deadline (22 May)', or after it, or 'no deadline'."""
    if not case.get("deadline_at"):
        return "the case has no deadline"
    left = dt.datetime.fromisoformat(case["deadline_at"]) - at
    day = case.get("deadline") or ""
    if left <= dt.timedelta(0):
        return f"AFTER the deadline ({day}): it cannot go out; move it earlier or reject it"
    days = left.days
    if days == 0:
        return f"{left.seconds // 3600} hours before the deadline ({day})"
    return f"{days} day{'s' if days != 1 else ''} before the deadline ({day})"


def length_text(text: str, network: str) -> str:
    from ..messages.length import measure

    size = measure(text, "x" if network == "dryrun" else network)
    verdict = "fits" if size.ok else f"TOO LONG by {size.length - size.limit}: edit it"
    return f"{size.length} of {size.limit} {size.unit}, {verdict}"


def mentions_text(text: str) -> str:
    from ..messages.guard import extract_mentions

    found = extract_mentions(text)
    return ", ".join("@" + m for m in found) if found else "none"


def case_text(case: dict) -> str:
    name = case.get("subject_name") or case.get("person") or "(no name)"
    number = f"UA {case['ua_number']}, " if case.get("ua_number") else ""
    return f"{case['id']}: {number}{name}" + (f" ({case['country']})" if case.get("country") else "")


def render(post: dict, case: dict, zone: str, place: Place, width: int = 80, why: str = "", note: str = "") -> list[str]:
    """The lines of one post's screen, none wider than `width`."""
    width = max(width, 40)
    at = dt.datetime.fromisoformat(post["scheduled_at"])
    title = f"── post {post['id']} · {place.index} of {place.total} "
    lines = [title + "─" * max(width - len(title), 0)]
    rows = [
        ("case", case_text(case)),
        ("account", f"{post['account']} on {NETWORK_NAMES.get(post['network'], post['network'])}"),
        ("goes out", when_text(at, zone)),
        ("deadline", deadline_text(at, case)),
        ("length", length_text(post["text"], post["network"])),
        ("mentions", mentions_text(post["text"])),
        ("waits", why),
        ("kind", " ".join(x for x in (post.get("kind"), post.get("language") and f"({post['language']})",
                                      post.get("template") and f"template {post['template']}") if x)),
    ]
    for label, value in rows:
        lines += _labelled(label, value or "", width)
    lines.append("")
    lines += wrap_text(post["text"], width, indent="  ")
    lines.append("")
    if note:
        lines += textwrap.wrap(note, width) or [""]
    lines.append(KEYS)
    return lines


def _labelled(label: str, value: str, width: int) -> list[str]:
    wrapped = textwrap.wrap(value, max(width - LABEL, 20)) or [""]
    return [f"{label:<{LABEL}}{wrapped[0]}"] + [" " * LABEL + more for more in wrapped[1:]]


def wrap_text(text: str, width: int, indent: str = "") -> list[str]:
    """The post's own text, whole: its line breaks kept, long lines wrapped, nothing cut."""
    out = []
    for line in text.splitlines() or [""]:
        out += textwrap.wrap(line, width, break_long_words=True, break_on_hyphens=False,
                             initial_indent=indent, subsequent_indent=indent) or [""]
    return out
