"""Which class serves which network, and building one from config.

The table holds "module:Class" strings so that importing the registry (and
using the dry-run channel) does not pay for a client library's import:
tweepy ~150 ms, Mastodon.py ~0.5 s, atproto ~1.5 s.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path

from ..errors import ChannelError
from .base import Channel

CHANNEL_TYPES: dict[str, str] = {
    "bluesky": "advocate.channels.bluesky:BlueskyChannel",
    "dryrun": "advocate.channels.dryrun:DryRunChannel",
    "mastodon": "advocate.channels.mastodon:MastodonChannel",
    "x": "advocate.channels.x:XChannel",
}


def channel_class(network: str) -> type[Channel]:
    """The Channel class for a network name in CHANNEL_TYPES."""
    module_name, _, class_name = CHANNEL_TYPES[network].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def make_channel(
    account: str,
    settings: Mapping,
    environ: Mapping[str, str],
    *,
    base_dir: Path | None = None,
) -> Channel:
    """Build the channel for one account's config table.

    base_dir resolves relative paths (the dry-run outbox); pass the folder
    of config.toml. Raises ChannelError naming the account and the fix.
    """
    network = settings.get("type")
    if network not in CHANNEL_TYPES:
        known = ", ".join(sorted(CHANNEL_TYPES))
        what = "has no type" if network is None else f"has unknown type {network!r}"
        raise ChannelError(f"account '{account}' {what}; set type to one of: {known}")
    return channel_class(network).from_settings(account, settings, environ, base_dir)
