"""What every channel (X, Mastodon, Bluesky, dry-run) promises.

A channel only publishes and reports what happened; the dispatcher records
it. `publish` never raises for a network or API outcome: it classifies it
into one of OUTCOMES so the dispatcher can decide without knowing the
network. The helpers at the end build those results the same way for
every network.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .settings import AccountConfig

UTC = dt.UTC
RETRY_BACKOFF = dt.timedelta(minutes=1)  # a default; the dispatcher may back off further
RATE_LIMIT_FALLBACK = dt.timedelta(minutes=15)  # X's shortest window, for a 429 with no reset time
PLANNING_KEYS = {"languages", "monthly_budget", "timezone"}  # an account's keys for the planner (config.py checks them), not the channel
RATE_LIMIT_FLOOR = dt.timedelta(seconds=30)  # a reset "in the past" means clock skew

SENT = "sent"
RETRY = "retry"  # nothing was posted; try again at retry_at
RATE_LIMITED = "rate_limited"  # nothing was posted; wait until retry_at
FAILED = "failed"  # the network refused this post for good
AUTH_FAILED = "auth_failed"  # the account's credentials are refused
UNKNOWN = "unknown"  # it may have been posted: reconcile, never re-send blindly

OUTCOMES = frozenset({SENT, RETRY, RATE_LIMITED, FAILED, AUTH_FAILED, UNKNOWN})


@dataclass(frozen=True)
class Photo:
    """The case's photo as stored in the workspace (already without metadata).

    The channel reads and re-encodes it for its network inside publish,
    after the claim: an upload is never made for a post not claimed.
    """

    path: Path
    alt: str | None
    digest: str  # sha256 of the stored file
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class LinkCard:
    """The case's action link, for networks whose clients make the card (Bluesky)."""

    url: str
    title: str
    description: str = ""
    thumb: Photo | None = None  # the case photo, shown on the card when it has alt text


@dataclass(frozen=True)
class OutgoingPost:
    post_id: int
    case_id: int
    account: str
    text: str
    photo: Photo | None = None
    link: LinkCard | None = None
    planned_at: dt.datetime | None = None  # when the queue planned it: with post_id, a stable key for the post


@dataclass(frozen=True)
class PublishResult:
    outcome: str
    remote_id: str | None = None
    url: str | None = None
    error: str | None = None  # one human line, never a secret
    retry_at: dt.datetime | None = None
    duplicate: bool = False  # the network refused it as a copy of a post it already has
    media_ids: tuple[str, ...] = ()  # what the network called the uploaded photo, when one went with it

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
    settings_keys: set[str] = {"type"}  # the keys its config table may hold (and PLANNING_KEYS)

    @classmethod
    def from_settings(
        cls,
        account: str,
        settings: Mapping,
        environ: Mapping[str, str],
        base_dir: Path | None = None,
    ) -> Channel:
        """Build from the account's config table; ChannelError names what is wrong."""
        config = AccountConfig(account, settings, environ, base_dir)
        config.check_keys(cls.settings_keys | PLANNING_KEYS)
        return cls.from_config(config)

    @classmethod
    def from_config(cls, config: AccountConfig) -> Channel:
        """Build from a table whose keys are all among settings_keys.

        Not abstract, so a test double needs only publish and recent_posts.
        """
        raise NotImplementedError(f"{cls.__name__} cannot be built from config")

    @abstractmethod
    def publish(self, post: OutgoingPost, now: dt.datetime) -> PublishResult:
        """Post once and classify what happened; never raise for network/API outcomes."""

    @abstractmethod
    def recent_posts(self, since: dt.datetime) -> list[RemotePost]:
        """The account's own posts since `since`; raises ChannelError if it cannot look."""

    def close(self) -> None:  # noqa: B027 (optional: most channels hold nothing to release)
        """Release connections or files; safe to call twice."""


# --- results every network builds alike ------------------------------------------


def media_ids_for(post: OutgoingPost, now: dt.datetime,
                  upload: Callable[[OutgoingPost, dt.datetime], str | PublishResult]) -> list[str] | PublishResult:
    """The uploaded photo's id in a list (empty without a photo), or the result that
    ends the publish when the upload fails: it happens after the claim, before the post."""
    if post.photo is None:
        return []
    uploaded = upload(post, now)
    return uploaded if isinstance(uploaded, PublishResult) else [uploaded]


def retry_later(error: str, now: dt.datetime) -> PublishResult:
    """Nothing was posted and trying again may work."""
    return PublishResult(RETRY, error=error, retry_at=now + RETRY_BACKOFF)


def maybe_posted(error: str) -> PublishResult:
    """The request left but no answer says what became of it: reconcile, never re-send blindly."""
    return PublishResult(UNKNOWN, error=f"{error}; the post may have gone out")


def rate_limited(error: str, reset: dt.datetime | None, now: dt.datetime, limit: str = "rate limit") -> PublishResult:
    """A 429: wait until `reset`, the network's own time for it (None when it gave none)."""
    if reset is None:
        retry_at, why = now + RATE_LIMIT_FALLBACK, "no reset time given"
    else:
        retry_at, why = max(reset, now + RATE_LIMIT_FLOOR), f"{limit} reached"
    shown = retry_at.astimezone(UTC)
    return PublishResult(
        RATE_LIMITED, error=f"{error} ({why}; retry at {shown:%Y-%m-%d %H:%M:%S} UTC)", retry_at=retry_at
    )


def upload_failed(result: PublishResult) -> PublishResult:
    """An upload that failed: no post can have gone out, so 'maybe posted' is a retry."""
    if result.outcome == UNKNOWN:
        error = (result.error or "").removesuffix("; the post may have gone out")
        return PublishResult(RETRY, error=f"photo upload: {error}", retry_at=None)
    return PublishResult(result.outcome, error=f"photo upload: {result.error}", retry_at=result.retry_at)


def photo_for(post: OutgoingPost, network: str):
    """(the photo re-encoded for `network`, None) or (None, a FAILED result saying why).

    Refuses a photo without alt text, or with alt text over the network's
    limit, at the moment of posting: nothing is uploaded then.
    """
    from ..errors import PhotoError
    from ..media.alt import alt_problem
    from ..media.store import photo_bytes, prepare

    assert post.photo is not None
    problem = alt_problem(post.photo.alt, network)
    if problem:
        return None, PublishResult(FAILED, error=f"{problem}; set it with 'advocate case photo {post.case_id} "
                                                 f"--alt TEXT', then 'advocate queue retry {post.post_id}'")
    try:
        return prepare(photo_bytes(post.photo.path.parent, post.photo.path.name), network), None
    except PhotoError as exc:
        return None, PublishResult(FAILED, error=str(exc))


def one_line(text: str, limit: int = 300) -> str:
    """An error as one short line: answers can hold newlines or whole HTML pages."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def exception_line(exc: BaseException) -> str:
    """One line for an error no network-specific rule knows."""
    return one_line(f"{type(exc).__name__}: {exc}")
