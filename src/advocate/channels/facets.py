"""Bluesky rich text: which byte ranges of a post are links, #tags and @mentions.

Bluesky shows a post's text exactly as sent; only facets make a tag, a
mention or a link clickable. Each facet covers a range of the UTF-8
encoded text (bytes, not characters: "Свободу " is 15 bytes). Detection is
atproto's port of the official app's rules (detect_facets,
detect_mentions), so a post reads as if typed in the app.
"""

from __future__ import annotations

from collections.abc import Callable

from atproto_client import models
from atproto_client.utils import detect_facets, detect_mentions

Facet = models.AppBskyRichtextFacet.Main
FacetList = list  # of Facet: atproto's models are classes made at run time, which mypy cannot follow


def build_facets(text: str, resolve: Callable[[str], str | None]) -> FacetList:
    """Facets for links, tags and the mentions `resolve` finds a DID for.

    A mention needs the account's DID; one that cannot be resolved stays
    plain text rather than failing the post.
    """
    facets = list(detect_facets(text))
    for mention in detect_mentions(text):
        did = resolve(mention.handle)
        if did:
            facets.append(_mention(did, mention.byte_start, mention.byte_end))
    return sorted(facets, key=lambda facet: facet.index.byte_start)


def _mention(did: str, start: int, end: int):
    return Facet(
        features=[models.AppBskyRichtextFacet.Mention(did=did)],
        index=models.AppBskyRichtextFacet.ByteSlice(byte_start=start, byte_end=end),
    )
