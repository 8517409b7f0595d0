"""How long a post is on each network, counted the way that network counts.

- x (and dryrun, which stands in for x): twitter-text v3 weighted length
  (URLs 23, CJK and emoji 2), from twitter-text-parser; limit 280.
- bluesky: grapheme clusters (regex `\\X`), limit 300, and at most 3,000
  UTF-8 bytes.
- mastodon: grapheme clusters as Mastodon's server counts them, with every
  http(s) URL counted as 23 and `@user@domain` counted as `@user`; limit 500.

Text is NFC-normalised first: that is what the networks store, and the
renderer hands out NFC text, so what we measure is what gets posted.
twitter_text is imported inside the functions that need it (~0.2 s).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import regex

from ..errors import ChannelError

NETWORK_LIMITS = {"x": 280, "dryrun": 280, "mastodon": 500, "bluesky": 300}
BLUESKY_MAX_BYTES = 3000
MASTODON_URL_LENGTH = 23

_GRAPHEME = regex.compile(r"\X")
# Mastodon drops the domain of a remote mention when counting.
_REMOTE_MENTION = regex.compile(r"(@[A-Za-z0-9_]+)@[A-Za-z0-9.\-]+[A-Za-z0-9]")


@dataclass(frozen=True)
class Measure:
    length: int
    limit: int
    ok: bool
    unit: str

    def __str__(self) -> str:
        return f"{self.length} of {self.limit} {self.unit}"


@functools.lru_cache(maxsize=4096)  # parse_tweet takes ~4 ms; plans measure the same texts often
def measure(text: str, network: str) -> Measure:
    """Length of `text` on `network` and whether it may be posted there."""
    text = unicodedata.normalize("NFC", text)
    if network in ("x", "dryrun"):
        return _measure_x(text)
    if network == "bluesky":
        return _measure_bluesky(text)
    if network == "mastodon":
        return _measure_mastodon(text)
    known = ", ".join(sorted(NETWORK_LIMITS))
    raise ChannelError(f"Unknown network {network!r} - use one of {known}")


def fits(text: str, network: str) -> bool:
    return measure(text, network).ok


def graphemes(text: str) -> int:
    if _JOINS.search(text) is None:  # no character that joins its neighbour: one grapheme each
        return len(text)
    return len(_GRAPHEME.findall(text))


# Characters whose Grapheme_Cluster_Break is Other, Control or LF never join
# a neighbour into one cluster (CR LF, marks, ZWJ, regional indicators,
# Hangul jamo and prepended marks all have other values): a text of them
# alone has as many graphemes as characters. A property test checks it.
_JOINS = regex.compile(r"[^\p{GCB=Other}\p{GCB=Control}\p{GCB=LF}]")


def _measure_x(text: str) -> Measure:
    if _X_PLAIN.search(text) is None:
        length = len(text) if not could_hold_url(text) else _length_with_urls(text)
        return Measure(length, 280, 0 < length <= 280, "weighted characters")
    from twitter_text import parse_tweet

    parsed = parse_tweet(text)
    return Measure(parsed.weightedLength, 280, parsed.valid, "weighted characters")


# Below U+1100, and in three ranges of punctuation (dashes, quotes, primes:
# U+2000-200D, U+2010-201F, U+2032-2037), every character weighs 1 on X
# (config v3), except the two that X parses as emoji; a URL needs a dot
# with no space after it, and no CR means no line-ending conversion. Then
# the weighted length is the character count (each URL counted 23), and
# parse_tweet's ~2 ms (mostly its emoji regex) can be skipped: planning
# 1,000 cases measures thousands of texts. Property tests check both ways agree.
_X_PLAIN = regex.compile(r"[^\x00-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]|[\r\u00a9\u00ae]")


def could_hold_url(text: str) -> bool:
    """False when no URL can be in `text`: every dot ends a sentence (or there is none)."""
    return _URL_DOT.search(text) is not None


_URL_DOT = regex.compile(r"\.(?!\s|$)")


def _length_with_urls(text: str) -> int:
    """X's weighted length of a text whose every character weighs 1: each URL
    (found by twitter-text's own extractor, ~0.05 ms) counts 23 instead of
    its length. parse_tweet would add its emoji scan (~1.5 ms) to the same sum."""
    from twitter_text import extract_urls_with_indices

    urls = extract_urls_with_indices(text)
    return len(text) + sum(X_URL_LENGTH - (u["indices"][1] - u["indices"][0]) for u in urls)


X_URL_LENGTH = 23


def _plain_for_x(text: str) -> bool:
    return _X_PLAIN.search(text) is None and not could_hold_url(text)


def _measure_bluesky(text: str) -> Measure:
    count = graphemes(text)
    ok = count <= 300 and len(text.encode("utf-8")) <= BLUESKY_MAX_BYTES
    return Measure(count, 300, ok, "graphemes")


def _measure_mastodon(text: str) -> Measure:
    count = graphemes(_mastodon_countable(text))
    return Measure(count, 500, count <= 500, "characters")


def _mastodon_countable(text: str) -> str:
    """Mastodon's countable_text: URLs become 23 characters, mentions lose the domain."""
    if "://" not in text:  # Mastodon counts only URLs with a scheme: none here, skip the costly scan
        return _REMOTE_MENTION.sub(r"\1", text)
    from twitter_text import extract_urls_with_indices

    urls = extract_urls_with_indices(text, extract_urls_without_protocol=False)
    for url in sorted(urls, key=lambda u: u["indices"][0], reverse=True):
        start, end = url["indices"]
        text = text[:start] + "x" * MASTODON_URL_LENGTH + text[end:]
    return _REMOTE_MENTION.sub(r"\1", text)
