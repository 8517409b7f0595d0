"""@mentions and #hashtags in a post, found by twitter-text's own rules.

The patterns are twitter-text's (validMentionOrList, validHashtag and their
"what may not follow" checks) rewritten for the `regex` module, whose
\\p{L}/\\p{M}/\\p{Nd} classes stand in for twitter-text's generated ranges.
Names come back without their sigil, like twitter-text's extractors:
"@GenProkRK" -> "GenProkRK".
"""

from __future__ import annotations

import regex

from .length import could_hold_url

_LATIN_ACCENTS = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257"
    "\u0259\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)

# A mention may follow start of text, a character that is not part of a
# name or another sigil, or a retweet marker ("RT@x", "rt:@x").
_MENTION = regex.compile(
    r"(?:^|[^a-zA-Z0-9_!#$%&*@＠]|(?:^|[^a-zA-Z0-9_+~.\-])(?:rt|RT|rT|Rt):?)"
    r"[@＠]([a-zA-Z0-9_]{1,20})(/[a-zA-Z][a-zA-Z0-9_\-]{0,24})?"
)
# "@user@example.com", "@user…ìnheiro", "@http://" are not mentions.
_MENTION_END = regex.compile(rf"[@＠{_LATIN_ACCENTS}]|://")

_HASHTAG_CHAR = (
    r"\p{L}\p{M}\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c"
    r"\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7"
)
_HASHTAG = regex.compile(
    rf"(?:^|\ufe0e|\ufe0f|(?![{_HASHTAG_CHAR}]|&).)"
    rf"[#＃](?!\ufe0f|\u20e3)([{_HASHTAG_CHAR}]*[\p{{L}}\p{{M}}][{_HASHTAG_CHAR}]*)",
    regex.DOTALL,
)
# "#http://..." and "#a#b" are not hashtags.
_HASHTAG_END = regex.compile(r"[#＃]|://")
_SIGIL = regex.compile(r"[#＃]")


def extract_mentions(text: str) -> list[str]:
    """Screen names @mentioned in `text` (lists like @user/list excluded)."""
    if "@" not in text and "＠" not in text:  # most posts mention no one: skip the scan
        return []
    found = []
    for match in _MENTION.finditer(text):
        if _MENTION_END.match(text, match.end()) or match.group(2):
            continue
        found.append(match.group(1))
    return found


def extract_hashtags(text: str) -> list[str]:
    """Hashtags in `text`, without the '#', leaving out any inside a URL."""
    if "#" not in text and "＃" not in text:
        return []
    tags = [
        (m.start(1) - 1, m.end(1), m.group(1))
        for m in hashtag_matches(text)
        if not _HASHTAG_END.match(text, m.end())
    ]
    if not tags or not could_hold_url(text):
        return [tag for _, _, tag in tags]  # no URL possible: skip twitter-text's costly URL scan
    spans = _url_spans(text)
    return [tag for start, end, tag in tags if not _overlaps(start, end, spans)]


def hashtag_matches(text: str):
    """The matches of _HASHTAG.finditer(text), tried only where they can start.

    A match is one character (or the text's start) then its sigil, so it
    starts just before a '#': trying there, in order, and skipping a sigil
    whose preceding character the last match took, finds exactly what
    scanning every position finds, in a fraction of the time."""
    end = 0
    for sigil in _SIGIL.finditer(text):
        start = max(sigil.start() - 1, 0)
        if start < end:
            continue
        match = _HASHTAG.match(text, start)
        if match:
            end = match.end()
            yield match


def _url_spans(text: str) -> list[tuple[int, int]]:
    from twitter_text import extract_urls_with_indices

    return [tuple(u["indices"]) for u in extract_urls_with_indices(text)]


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < span_end and span_start < end for span_start, span_end in spans)
