"""Bluesky through atproto's Client, logged in with an app password.

One login per channel object: createSession is limited to 30 per 5 minutes
and 300 a day per account, so the session is kept (atproto refreshes it)
and only made again when the server refuses its token.

Bluesky has no idempotency key, but the client may choose a record's key:
each post is created under record_key(post id, planned time), a valid TID
that never changes for the post. A second create under the same key is
refused by the server (today a 500; a 4xx "already exists" is read as
posted), so a retry after an unknown outcome cannot post twice. A post
whose answer was lost comes back as "unknown", and the dispatcher fetches
that record (find_post) to learn whether it went out. The same goes for
any 5xx: the server may already have written the record.
"""

from __future__ import annotations

import datetime as dt
import functools
import ssl
from dataclasses import replace

import httpx
from atproto_client import Client, models
from atproto_client.exceptions import (
    LoginRequiredError,
    RateLimitExceededError,
    RequestErrorBase,
)
from atproto_client.request import Request
from atproto_core.exceptions import AtProtocolError

from ..errors import ChannelError
from .base import (
    AUTH_FAILED,
    FAILED,
    SENT,
    UTC,
    Channel,
    OutgoingPost,
    PublishResult,
    RemotePost,
    exception_line,
    maybe_posted,
    one_line,
    photo_for,
    rate_limited,
    retry_later,
    upload_failed,
)
from .facets import build_facets
from .settings import DEFAULT_TIMEOUT, AccountConfig

DEFAULT_BASE_URL = "https://bsky.social"
FEED_LIMIT = 100  # getAuthorFeed's maximum

CREDENTIAL_ENV = {"app_password": "ADVOCATE_BLUESKY_APP_PASSWORD", "handle": "ADVOCATE_BLUESKY_HANDLE"}
# How to get the password and where the API is, for config errors.
SECRET_HINT = "with an app password from Bluesky's Settings > Privacy and security > App passwords"
BASE_URL_HINT = f"leave it out to use {DEFAULT_BASE_URL}, or set the account's PDS"
ERRORS = (AtProtocolError, httpx.HTTPError)  # atproto lets some httpx errors through unwrapped
_STALE_SESSION = {"ExpiredToken", "InvalidToken"}


class BlueskyChannel(Channel):
    network = "bluesky"
    settings_keys = {"type", "base_url", "handle", "timeout", "credentials_env"}

    def __init__(
        self,
        account: str,
        handle: str,
        app_password: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
    ):
        self.account = account
        self.handle = handle
        self.base_url = base_url
        self._password = app_password
        self.client = Client(base_url=base_url, request=Request(timeout=timeout, verify=_tls()))
        self.client.on_session_change(self._remember_session)
        self._identity: tuple[str, str] | None = None  # (did, handle) while logged in
        self._dids: dict[str, str] = {}  # mentioned handle -> DID, for this channel's life

    @classmethod
    def from_config(cls, config: AccountConfig) -> BlueskyChannel:
        names = config.credential_names(CREDENTIAL_ENV)
        return cls(
            config.account,
            _handle(config, names["handle"]),
            config.secret(names["app_password"], how=SECRET_HINT),
            base_url=config.base_url(DEFAULT_BASE_URL, hint=BASE_URL_HINT),
            timeout=config.timeout(),
        )

    def publish(self, post: OutgoingPost, now: dt.datetime) -> PublishResult:
        try:
            self._login()
            embed = self._embed(post, now)
            if isinstance(embed, PublishResult):
                return self._scrub(embed)
            record = self._record(post.text, now, embed)
            rkey = record_key(post.post_id, post.planned_at) if post.planned_at else None
            created, handle = self._create(record, rkey)
        except _LoginFailed as failed:
            return self._scrub(classify_login_error(_login_cause(failed), self.handle, now))
        except _Refused as refused:
            return PublishResult(FAILED, error=str(refused))
        except (*ERRORS, ValueError) as exc:  # ValueError: an answer atproto could not read
            if rkey and _already_exists(exc):  # an earlier try went out: the server kept its record
                return self._scrub(self._found_result(post, now, exc))
            return self._scrub(classify_error(exc, now))
        return PublishResult(SENT, remote_id=created.uri, url=post_url(handle, created.uri))

    def find_post(self, post_id: int, planned_at: dt.datetime) -> RemotePost | None:
        """The post's own record (under its record key), or None when the server has none."""
        try:
            did, handle = self._login()
            got = self.client.app.bsky.feed.post.get(did, record_key(post_id, planned_at))
        except (_LoginFailed, *ERRORS, ValueError) as exc:
            cause = _login_cause(exc)
            if _status(cause) == 400 and _xrpc_error(cause)[0] == "RecordNotFound":
                return None
            raise ChannelError(f"account '{self.account}': could not fetch post {post_id}'s record on Bluesky: "
                               f"{self._scrub_text(describe(cause))}") from exc
        created = _created_at(getattr(got.value, "created_at", None))
        return RemotePost(got.uri, getattr(got.value, "text", ""), post_url(handle, got.uri), created)

    def _found_result(self, post: OutgoingPost, now: dt.datetime, exc: Exception) -> PublishResult:
        try:
            found = self.find_post(post.post_id, post.planned_at) if post.planned_at else None
        except ChannelError:
            found = None
        if found is None:
            return maybe_posted(describe(exc))
        return PublishResult(SENT, remote_id=found.remote_id, url=found.url)

    def recent_posts(self, since: dt.datetime) -> list[RemotePost]:
        try:
            did, handle = self._login()
            feed = self.client.get_author_feed(actor=did, limit=FEED_LIMIT)
        except (_LoginFailed, *ERRORS, ValueError) as exc:
            cause = _login_cause(exc)
            raise ChannelError(
                f"account '{self.account}': could not list its recent posts on Bluesky: "
                f"{self._scrub_text(describe(cause))}"
            ) from exc
        # The author feed also holds reposts of other people's posts.
        own = [item.post for item in feed.feed if item.reason is None and item.post.author.did == did]
        posts = [_remote_post(view, handle) for view in own]
        return [p for p in posts if p.created_at is None or p.created_at >= since]

    def close(self) -> None:
        self.client.request.close()

    def _login(self) -> tuple[str, str]:
        """(did, handle) of the session, logging in when there is none."""
        if self._identity is None:
            try:
                # The profile lookup adds nothing we need and a way to fail.
                self.client.login(self.handle, self._password, fetch_bsky_profile=False)
            except (*ERRORS, ValueError) as exc:
                raise _LoginFailed from exc
        if self._identity is None:
            raise _LoginFailed from LoginRequiredError("Bluesky answered the login without a session")
        return self._identity

    def _embed(self, post: OutgoingPost, now: dt.datetime):
        """The photo as an images embed (alt text, aspect ratio), else the action
        link as a card (Bluesky makes none itself): None, an embed, or why not."""
        if post.photo is not None:
            uploaded = self._upload(post, now)
            if isinstance(uploaded, PublishResult):
                return uploaded
            blob, width, height = uploaded
            image = models.AppBskyEmbedImages.Image(
                alt=post.photo.alt or "", image=blob,
                aspect_ratio=models.AppBskyEmbedDefs.AspectRatio(width=width, height=height))
            return models.AppBskyEmbedImages.Main(images=[image])
        if post.link is None:  # the card carries the link even when the text had no room for it
            return None
        thumb = None
        if post.link.thumb is not None and post.link.thumb.alt:
            uploaded = self._upload(replace(post, photo=post.link.thumb), now)
            if isinstance(uploaded, PublishResult):
                return uploaded
            thumb = uploaded[0]
        try:
            card = models.AppBskyEmbedExternal.External(
                uri=post.link.url, title=post.link.title, description=post.link.description, thumb=thumb)
        except ValueError as exc:  # not a URI the lexicon accepts
            raise _Refused(f"Bluesky would refuse the link card: {_invalid(exc)}") from exc
        return models.AppBskyEmbedExternal.Main(external=card)

    def _upload(self, post: OutgoingPost, now: dt.datetime):
        """(blob, width, height) of the photo re-encoded for Bluesky, or why not."""
        image, refused = photo_for(post, self.network)
        if refused is not None:
            return refused
        try:
            answer = self.client.com.atproto.repo.upload_blob(image.data, headers={"Content-Type": image.mime})
        except (*ERRORS, ValueError) as exc:
            return upload_failed(classify_error(exc, now))
        return answer.blob, image.width, image.height

    def _record(self, text: str, now: dt.datetime, embed=None) -> models.AppBskyFeedPost.Record:
        facets = build_facets(text, self._resolve)
        try:
            return _post_record(text, facets, now, embed)
        except ValueError as exc:  # the lexicon's own limits, checked before sending
            raise _Refused(f"Bluesky would refuse this post: {_invalid(exc)}") from exc

    def _create(self, record, rkey: str | None = None) -> tuple[models.AppBskyFeedPost.CreateRecordResponse, str]:
        did, handle = self._login()
        try:
            return self.client.app.bsky.feed.post.create(did, record, rkey=rkey), handle
        except ERRORS as exc:
            if not _stale_session(exc):
                raise
        # The server refused the session's token, so nothing was posted:
        # log in again and send once more.
        self._identity = None
        did, handle = self._login()
        return self.client.app.bsky.feed.post.create(did, record, rkey=rkey), handle

    def _remember_session(self, event, session) -> None:
        self._identity = (session.did, session.handle)

    def _resolve(self, handle: str) -> str | None:
        if handle not in self._dids:
            try:
                self._dids[handle] = self.client.resolve_handle(handle).did
            except (*ERRORS, ValueError):
                return None  # posted as plain text; asked again next time
        return self._dids[handle]

    def _scrub(self, result: PublishResult) -> PublishResult:
        if result.error and self._password in result.error:
            return PublishResult(result.outcome, error=self._scrub_text(result.error), retry_at=result.retry_at)
        return result

    def _scrub_text(self, text: str) -> str:
        # Belt and braces: no error line we build should hold the password.
        return text.replace(self._password, "[app password]")


@functools.cache
def _tls() -> ssl.SSLContext:
    """One certificate store for every Bluesky channel: httpx builds a new
    one per client otherwise, ~80 ms each."""
    return httpx.create_ssl_context()


class _LoginFailed(Exception):
    """No session; the cause is atproto's error. Nothing was posted."""


class _Refused(Exception):
    """The post breaks the lexicon's limits; nothing was sent."""


def _post_record(text: str, facets: list, now: dt.datetime, embed=None) -> models.AppBskyFeedPost.Record:
    # createdAt is the injected time, so a post and its reconciliation agree.
    stamp = now.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return models.AppBskyFeedPost.Record(text=text, created_at=stamp, facets=facets or None, embed=embed)


TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, as atproto writes TIDs


def record_key(post_id: int, planned_at: dt.datetime) -> str:
    """The post's record key: a valid TID (13 characters; 53 bits of microseconds,
    then a 10-bit clock id) made from its planned time and its id, so it is the
    same on every try and differs between any two posts: the planned second,
    the id's last six digits as its microseconds, the rest of the id as the
    clock id (unique for ids below 1,024,000,000 planned in one second)."""
    seconds = int(planned_at.timestamp())
    micros = seconds * 1_000_000 + post_id % 1_000_000
    value = (micros << 10) | (post_id // 1_000_000) % 1024
    return "".join(TID_CHARS[(value >> shift) & 31] for shift in range(60, -1, -5))


def _already_exists(exc: Exception) -> bool:
    """A 4xx saying the record key is taken (a PDS with an explicit error for it)."""
    status = _status(exc)
    error, message = _xrpc_error(exc)
    said = f"{error or ''} {message or ''}".lower()
    return status is not None and 400 <= status < 500 and ("alreadyexists" in said.replace(" ", "") or "already exists" in said)


def _created_at(text: str | None) -> dt.datetime | None:
    try:
        created = dt.datetime.fromisoformat(text or "")
    except ValueError:
        return None
    return created.astimezone(UTC) if created.tzinfo else created.replace(tzinfo=UTC)


def _login_cause(exc: Exception) -> Exception:
    """What went wrong: for a failed login, the error underneath it."""
    cause = exc.__cause__ if isinstance(exc, _LoginFailed) else exc
    return cause if isinstance(cause, Exception) else exc


def _invalid(exc: ValueError) -> str:
    """'text: String should have at most 3000 characters', not pydantic's essay."""
    try:
        first = exc.errors()[0]  # type: ignore[attr-defined]  # pydantic's ValidationError
        return one_line(f"{'.'.join(map(str, first['loc']))}: {first['msg']}")
    except (AttributeError, IndexError, KeyError, TypeError):
        return one_line(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def post_url(handle: str, uri: str) -> str:
    """at://did:plc:x/app.bsky.feed.post/3kabc -> https://bsky.app/profile/{handle}/post/3kabc"""
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def _remote_post(view, handle: str) -> RemotePost:
    record = view.record
    try:
        created = dt.datetime.fromisoformat(getattr(record, "created_at", "") or "")
    except ValueError:
        created = None
    if created is not None:
        created = created.astimezone(UTC) if created.tzinfo else created.replace(tzinfo=UTC)
    return RemotePost(view.uri, getattr(record, "text", ""), post_url(handle, view.uri), created)


# --- classifying what went wrong -----------------------------------------------------


def classify_login_error(exc: Exception, handle: str, now: dt.datetime) -> PublishResult:
    """Nothing is posted before the login succeeds: only auth and 429 are not a retry."""
    if isinstance(exc, RateLimitExceededError):  # reset_at: atproto reads ratelimit-reset
        return rate_limited(describe(exc), exc.reset_at, now)
    status = _status(exc)
    if status in (400, 401, 403):  # wrong handle or password, taken-down account
        return PublishResult(AUTH_FAILED, error=f"Bluesky refused the login for {handle}: {describe(exc)}")
    return retry_later(f"could not log in to Bluesky: {describe(exc)}", now)


def classify_error(exc: Exception, now: dt.datetime) -> PublishResult:
    """Map an error from createRecord to an outcome."""
    if isinstance(exc, RateLimitExceededError):
        return rate_limited(describe(exc), exc.reset_at, now)
    status = _status(exc)
    if status is not None:
        return _classify_http(status, describe(exc), now)
    if _never_sent(exc):
        return retry_later(f"could not reach Bluesky: {describe(exc)}", now)
    # The request left; Bluesky may have written the record. Only the author feed can tell.
    return maybe_posted(describe(exc))


def _classify_http(status: int, error: str, now: dt.datetime) -> PublishResult:
    if status in (401, 403):
        return PublishResult(AUTH_FAILED, error=error)
    if status >= 500:
        # A server error may come after the record was written (a 504 gateway
        # timeout most of all), and Bluesky has no idempotency key: sending
        # again could post twice, so it is reconciled instead.
        return maybe_posted(error)
    return PublishResult(FAILED, error=error)  # 400 InvalidRecord, 413...: permanent


def _status(exc: Exception) -> int | None:
    response = getattr(exc, "response", None) if isinstance(exc, RequestErrorBase) else None
    return response.status_code if response is not None else None


def _stale_session(exc: Exception) -> bool:
    if isinstance(exc, LoginRequiredError):
        return True
    return _status(exc) in (400, 401) and _xrpc_error(exc)[0] in _STALE_SESSION


def _xrpc_error(exc: Exception) -> tuple[str | None, str | None]:
    content = exc.response.content if isinstance(exc, RequestErrorBase) and exc.response else None
    return getattr(content, "error", None), getattr(content, "message", None)


def _cause(exc: Exception) -> BaseException:
    # atproto raises its transport errors `from` the httpx one.
    return exc.__cause__ if isinstance(exc, RequestErrorBase) and exc.__cause__ else exc


def _never_sent(exc: Exception) -> bool:
    """True when no connection was made, so the request cannot have left."""
    return isinstance(_cause(exc), (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


def describe(exc: Exception) -> str:
    """One line about a failure, without headers (the session token is in one)."""
    status = _status(exc)
    if status is not None:
        error, message = _xrpc_error(exc)
        said = ": ".join(part for part in (error, message) if part) or "no message"
        return one_line(f"Bluesky answered {status}: {said}")
    cause = _cause(exc)
    if isinstance(cause, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        return "Bluesky did not accept a connection within the timeout"
    if isinstance(cause, httpx.TimeoutException):
        return "Bluesky did not answer within the timeout"
    if isinstance(cause, httpx.ConnectError):
        return "the connection to Bluesky failed (connection refused or host unreachable)"
    if isinstance(cause, httpx.TransportError):
        return f"the connection to Bluesky failed ({type(cause).__name__})"
    return exception_line(exc)


# --- settings ------------------------------------------------------------------------


def _handle(config: AccountConfig, env_name: str) -> str:
    # Not a secret, so config.toml may hold it; the environment is the fallback.
    value = config.get("handle")
    if value is None:
        value = config.environ.get(env_name) or None
    if value is None:
        raise config.error(
            f'no Bluesky handle; set handle = "org.bsky.social" in '
            f"[accounts.{config.account}] of config.toml or export {env_name}"
        )
    handle = value.strip().lstrip("@") if isinstance(value, str) else ""
    if not handle or any(c.isspace() for c in handle):
        raise config.error(
            f"handle {value!r} is not a Bluesky handle; "
            "write it as in the profile's address, e.g. handle = \"org.bsky.social\""
        )
    return handle
