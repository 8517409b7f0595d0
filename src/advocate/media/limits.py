"""Each network's limits for one attached image and its alt text.

Checked in December 2026 against the networks' own documents:
- X: images up to 5 MB (tweet_image); alt text up to 1,000 characters
  (media metadata, `alt_text.text`).
- Mastodon: images up to 16 MB and 8.3 megapixels (3840x2160) by default
  on 4.x servers (older ones 10 MB: we stay under that); a media
  description up to 1,500 characters.
- Bluesky: an image blob up to 1,000,000 bytes (app.bsky.embed.images);
  its app limits alt text to 2,000 graphemes and resizes to 2,000 px.
The dry-run channel rehearses X's limits.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageLimits:
    network: str
    max_bytes: int        # the encoded file
    max_side: int         # the longer side, in pixels
    max_pixels: int       # width x height
    alt_max: int          # alt text length, counted as `alt_unit`
    alt_unit: str         # "characters" or "graphemes"


LIMITS = {
    "x": ImageLimits("x", 5_000_000, 4096, 4096 * 4096, 1000, "characters"),
    "mastodon": ImageLimits("mastodon", 10_000_000, 3840, 3840 * 2160, 1500, "characters"),
    "bluesky": ImageLimits("bluesky", 1_000_000, 2000, 2000 * 2000, 2000, "graphemes"),
}
LIMITS["dryrun"] = LIMITS["x"]

# What the workspace keeps: big enough for every network, small enough to carry around.
STORED = ImageLimits("stored", 8_000_000, 4096, 4096 * 4096, 2000, "graphemes")


def limits_for(network: str) -> ImageLimits:
    """The limits of `network`; an unknown one gets the strictest (Bluesky's)."""
    return LIMITS.get(network, LIMITS["bluesky"])
