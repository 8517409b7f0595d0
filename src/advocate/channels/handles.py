"""What a handle looks like on each network, checked before it is stored.

A handle stored for the wrong network mentions nobody (or somebody else):
'GenProsAZ' given for Mastodon would mention a local user of whatever
server the account posts from. Each network's form is the one its own
mentions use.
"""

from __future__ import annotations

import re

from ..errors import InvalidChange

_X = re.compile(r"@?([A-Za-z0-9_]{1,15})")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = rf"(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?"
_MASTODON = re.compile(rf"@?([A-Za-z0-9_](?:[A-Za-z0-9_.-]{{0,28}}[A-Za-z0-9_])?)@({_DOMAIN})")
_BLUESKY = re.compile(rf"@?({_DOMAIN})")

EXAMPLES = {
    "x": "an X handle like @prokuratura (letters, digits and _, at most 15)",
    "mastodon": "a Mastodon address like @prokuror@mastodon.social (user@server)",
    "bluesky": "a Bluesky handle like @prokuror.bsky.social (a domain name)",
}


def normalised_handle(network: str, handle: str) -> str:
    """The handle in its network's form, with '@'; InvalidChange naming the network and the form when it is not one."""
    text = handle.strip()
    if network == "x" and (found := _X.fullmatch(text)):
        return "@" + found.group(1)
    if network == "mastodon" and (found := _MASTODON.fullmatch(text)):
        return f"@{found.group(1)}@{found.group(2).lower()}"
    if network == "bluesky" and (found := _BLUESKY.fullmatch(text)) and len(found.group(1)) <= 253:
        return "@" + found.group(1).lower()
    if network not in EXAMPLES:
        raise InvalidChange(f"'{network}' has no handles; use one of {', '.join(EXAMPLES)}")
    raise InvalidChange(f"'{text}' is not {EXAMPLES[network]}")
