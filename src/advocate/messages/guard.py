"""Rules a post must meet before it is queued, and near-duplicate keys.

X forbids unsolicited automated @mentions and identical or substantially
similar posts; hashtag stuffing reads as spam on every network. check_post
says what is wrong in plain sentences; dedupe_key lets the queue refuse a
post that only reshuffles another one.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

import regex

from .entities import extract_hashtags, extract_mentions

__all__ = ["GuardSettings", "check_entities", "check_post", "dedupe_key", "dedupe_text",
           "extract_hashtags", "extract_mentions"]

_HASHTAG_WITH_TRAIL = regex.compile(r"[#＃]([\p{L}\p{M}\p{Nd}_\u200c\u200d\u00b7]+)[\p{P}]*")
_SPACE = regex.compile(r"\s+")
_NUMBER = regex.compile(r"\d+")


@dataclass(frozen=True)
class GuardSettings:
    max_hashtags: int = 2
    max_mentions: int = 1
    mention_needs_review: bool = True  # X: no unsolicited automated @mentions


def check_post(text: str, settings: GuardSettings = GuardSettings(), *,
               approved: bool = False) -> list[str]:
    """Why `text` may not be posted as it is; an empty list when it may.

    With mention_needs_review, any @mention is refused until a person has
    approved the post (pass approved=True once they have).
    """
    return check_entities(text, extract_hashtags(text), extract_mentions(text), settings, approved=approved)


def check_entities(text: str, hashtags: list[str], mentions: list[str],
                   settings: GuardSettings = GuardSettings(), *, approved: bool = False) -> list[str]:
    """check_post for a text whose hashtags and mentions are already extracted
    (the planner extracts them once per text and keeps them)."""
    problems = []
    if not text.strip():
        problems.append("the post is empty")
    if len(hashtags) > settings.max_hashtags:
        problems.append(f"{_count(len(hashtags), 'hashtag')}; at most {settings.max_hashtags} allowed")
    if len(mentions) > settings.max_mentions:
        problems.append(f"{_count(len(mentions), 'mention')}; at most {settings.max_mentions} allowed")
    if mentions and settings.mention_needs_review and not approved:
        handles = ", ".join("@" + m for m in mentions)
        problems.append(f"mentions {handles}; a person must approve automated mentions")
    return problems


def dedupe_text(text: str) -> str:
    """The text with case, spacing and hashtag order (and punctuation stuck to
    a hashtag's end) normalised away: hashtags are taken out and appended sorted.
    Numbers outside hashtags count as one: "29 days left" and "28 days left"
    are the same post to X's rule against substantially similar content."""
    text = unicodedata.normalize("NFKC", text).casefold()
    tags = sorted(_HASHTAG_WITH_TRAIL.findall(text))
    words = _NUMBER.sub("0", collapse_spaces(_HASHTAG_WITH_TRAIL.sub(" ", text)))
    return words + " | " + " ".join("#" + tag for tag in tags)


def collapse_spaces(text: str) -> str:
    """Runs of white space as one space, none at either end. Keys are stored,
    so this must stay exactly `_SPACE.sub(" ", text).strip()`; str.split()
    does the same five times faster, except that it also splits at the
    information separators U+001C..U+001F, which `_SPACE` leaves alone."""
    if "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text:
        return _SPACE.sub(" ", text).strip()
    return " ".join(text.split())


def dedupe_key(text: str) -> str:
    """A short stable key: equal for posts that differ only as dedupe_text ignores."""
    return hashlib.sha256(dedupe_text(text).encode("utf-8")).hexdigest()[:32]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
