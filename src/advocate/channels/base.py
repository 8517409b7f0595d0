"""What every channel (X, dry-run, later Mastodon and Bluesky) promises.

A channel only publishes and reports what happened; the dispatcher records
it. `publish` never raises for a network or API outcome: it classifies it
into one of OUTCOMES so the dispatcher can decide without knowing the
network.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import ChannelError

SENT = "sent"
RETRY = "retry"  # nothing was posted; try again at retry_at
RATE_LIMITED = "rate_limited"  # nothing was posted; wait until retry_at
FAILED = "failed"  # the network refused this post for good
AUTH_FAILED = "auth_failed"  # the account's credentials are refused
UNKNOWN = "unknown"  # it may have been posted: reconcile, never re-send blindly

OUTCOMES = frozenset({SENT, RETRY, RATE_LIMITED, FAILED, AUTH_FAILED, UNKNOWN})


@dataclass(frozen=True)
class OutgoingPost:
    post_id: int
    case_id: int
    account: str
    text: str


@dataclass(frozen=True)
class PublishResult:
    outcome: str
    remote_id: str | None = None
    url: str | None = None
    error: str | None = None  # one human line, never a secret
    retry_at: dt.datetime | None = None

    def __post_init__(self):
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")


@dataclass(frozen=True)
class RemotePost:
    remote_id: str
    text: str
    url: str
    created_at: dt.datetime | None


class Channel(ABC):
    network: str

    @classmethod
    def from_settings(
        cls,
        account: str,
        settings: Mapping,
        environ: Mapping[str, str],
        base_dir: Path | None = None,
    ) -> Channel:
        """Build from the account's config table; ChannelError names what is wrong.

        Not abstract, so a test double needs only publish and recent_posts.
        """
        raise NotImplementedError(f"{cls.__name__} cannot be built from config")

    @abstractmethod
    def publish(self, post: OutgoingPost, now: dt.datetime) -> PublishResult:
        """Post once and classify what happened; never raise for network/API outcomes."""

    @abstractmethod
    def recent_posts(self, since: dt.datetime) -> list[RemotePost]:
        """The account's own posts since `since`; raises ChannelError if it cannot look."""

    def close(self) -> None:
        """Release connections or files; safe to call twice."""


def check_settings(account: str, settings: Mapping, allowed: set[str]) -> None:
    """Refuse unknown keys: a typo must not silently fall back to a default."""
    unknown = sorted(set(settings) - allowed)
    if unknown:
        raise ChannelError(
            f"account '{account}': unknown setting {unknown[0]!r}; "
            f"use one of: {', '.join(sorted(allowed))}"
        )
