"""Mastodon through Mastodon.py, with an access token for one account.

Every status is sent with an Idempotency-Key made from the post id and its
text, so a retry of the same post after an error or a lost answer returns
the status already made instead of a second one (Mastodon keeps the key
for an hour). ratelimit_method="throw": the dispatcher schedules the wait
from the PublishResult, nothing here sleeps. version_check_mode="none"
keeps the constructor off the network.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from html.parser import HTMLParser

import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonRatelimitError,
)

from ..errors import ChannelError
from .base import (
    AUTH_FAILED,
    FAILED,
    SENT,
    UNKNOWN,
    UTC,
    Channel,
    OutgoingPost,
    PublishResult,
    RemotePost,
    exception_line,
    maybe_posted,
    media_ids_for,
    one_line,
    photo_for,
    rate_limited,
    retry_later,
    upload_failed,
)
from .requests_errors import connection_line, never_sent
from .settings import DEFAULT_TIMEOUT, AccountConfig

DEFAULT_BASE_URL = "https://mastodon.social"
DEFAULT_VISIBILITY = "public"
VISIBILITIES = ("public", "unlisted", "private", "direct")
PAGE_SIZE = 40  # Mastodon's maximum for account statuses
ASSUMED_VERSION = "4.0.0"  # POST /api/v2/media (3.1.4+), Idempotency-Key; servers older than 2020 are not served

CREDENTIAL_ENV = {"access_token": "ADVOCATE_MASTODON_ACCESS_TOKEN"}
# How to get the token and where the API is, for config errors.
SECRET_HINT = (
    "with an access token from the instance's Preferences > Development "
    "(scopes write:statuses, write:media, read:accounts, read:statuses)"
)
BASE_URL_HINT = f"set it to the account's instance, e.g. base_url = \"{DEFAULT_BASE_URL}\""


class MastodonChannel(Channel):
    network = "mastodon"
    settings_keys = {"type", "base_url", "timeout", "visibility", "credentials_env"}

    def __init__(
        self,
        account: str,
        access_token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        visibility: str = DEFAULT_VISIBILITY,
    ):
        self.account = account
        self.base_url = base_url
        self.visibility = visibility
        # Mastodon.py raises a 429 without its response; the hook keeps the
        # last one so the reset header can be read with our own clock.
        self.session = requests.Session()
        self.session.hooks["response"].append(self._keep_response)
        self._last_response: requests.Response | None = None
        self.client = Mastodon(
            access_token=access_token,
            api_base_url=base_url,
            request_timeout=timeout,
            ratelimit_method="throw",
            version_check_mode="none",
            mastodon_version=ASSUMED_VERSION,
            session=self.session,
        )
        # In mode "none" Mastodon.py still asks the instance for its version on
        # the first media_post, and recurses without end when that request
        # fails (Mastodon.py 2.3.3, probed): a version given here is never asked.
        self.client.mastodon_major, self.client.mastodon_minor, self.client.mastodon_patch = (
            int(part) for part in ASSUMED_VERSION.split("."))
        self._account_id: str | None = None  # asked once

    @classmethod
    def from_config(cls, config: AccountConfig) -> MastodonChannel:
        names = config.credential_names(CREDENTIAL_ENV)
        return cls(
            config.account,
            config.secret(names["access_token"], how=SECRET_HINT),
            base_url=config.base_url(DEFAULT_BASE_URL, hint=BASE_URL_HINT),
            timeout=config.timeout(),
            visibility=_visibility(config),
        )

    def publish(self, post: OutgoingPost, now: dt.datetime) -> PublishResult:
        media_ids = media_ids_for(post, now, self._upload)
        if isinstance(media_ids, PublishResult):
            return media_ids
        self._last_response = None
        try:
            status = self.client.status_post(
                post.text, visibility=self.visibility, idempotency_key=idempotency_key(post),
                media_ids=media_ids or None,
            )
        except (MastodonError, requests.RequestException) as exc:
            return classify_error(exc, self._last_response, now)
        status_id = str(status.get("id") or "")
        if not status_id:
            return PublishResult(
                UNKNOWN, error="Mastodon accepted the post but sent back no status id; it may have gone out"
            )
        return PublishResult(SENT, remote_id=status_id, url=status.get("url") or status.get("uri"),
                             media_ids=tuple(media_ids))

    def _upload(self, post: OutgoingPost, now: dt.datetime) -> str | PublishResult:
        """The attachment id of the photo, its alt text as the description; or why not."""
        image, refused = photo_for(post, self.network)
        if refused is not None:
            return refused
        assert post.photo is not None  # photo_for refuses a post without one
        self._last_response = None
        try:
            media = self.client.media_post(image.data, mime_type=image.mime, description=post.photo.alt,
                                           file_name=f"{image.digest[:16]}.jpg")
        except (MastodonError, requests.RequestException) as exc:
            return upload_failed(classify_error(exc, self._last_response, now))
        media_id = str(media.get("id") or "")
        return media_id or PublishResult(FAILED, error="photo upload: Mastodon sent back no attachment id")

    def recent_posts(self, since: dt.datetime) -> list[RemotePost]:
        try:
            account_id = self._whoami()
            # A datetime becomes a snowflake id: Mastodon's ids start with the time.
            statuses = self.client.account_statuses(
                account_id, since_id=since, limit=PAGE_SIZE, exclude_reblogs=True
            )
        except (MastodonError, requests.RequestException) as exc:
            raise ChannelError(
                f"account '{self.account}': could not list its recent posts on Mastodon: {describe(exc)}"
            ) from exc
        posts = [_remote_post(status) for status in statuses]
        return [p for p in posts if p.created_at is None or p.created_at >= since]

    def close(self) -> None:
        self.session.close()

    def _whoami(self) -> str:
        if self._account_id is None:
            self._account_id = str(self.client.account_verify_credentials()["id"])
        return self._account_id

    def _keep_response(self, response: requests.Response, *args, **kwargs) -> None:
        self._last_response = response


def idempotency_key(post: OutgoingPost) -> str:
    """Same post, same key; the text digest stops a reused post id (a fresh
    database, a rehearsal) from returning an older, different status. The
    photo's digest is in it too: a post whose photo changed is another post."""
    content = post.text + (f"\n{post.photo.digest}" if post.photo else "")
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]
    return f"advocate-post-{post.post_id}-{digest}"


def _remote_post(status: Mapping) -> RemotePost:
    created = status.get("created_at")
    if isinstance(created, str):
        created = dt.datetime.fromisoformat(created)
    if isinstance(created, dt.datetime):
        # Mastodon.py hands back local time; naive would be UTC.
        created = created.astimezone(UTC) if created.tzinfo else created.replace(tzinfo=UTC)
    text = html_to_text(status.get("content") or "", status.get("mentions") or [])
    return RemotePost(str(status["id"]), text, status.get("url") or status.get("uri") or "", created)


# --- Mastodon's HTML back to the text we sent --------------------------------------


class _TextFromHTML(HTMLParser):
    """Mastodon renders a status as HTML: <p> per paragraph, <br> per line,
    links split into visible and "invisible" spans, and a remote mention
    shortened to @user. Undo that, so texts compare with ours."""

    def __init__(self, mentions: Mapping[str, str]):
        super().__init__(convert_charrefs=True)
        self.mentions = mentions  # profile url -> full handle
        self.parts: list[str] = []
        self.paragraphs = 0
        self.in_mention = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p":
            if self.paragraphs:
                self.parts.append("\n\n")
            self.paragraphs += 1
        elif tag == "a" and "mention" in (attrs.get("class") or "").split() \
                and attrs.get("href") in self.mentions:
            self.parts.append("@" + self.mentions[attrs["href"]])
            self.in_mention = True

    def handle_endtag(self, tag):
        if tag == "a":
            self.in_mention = False

    def handle_data(self, data):
        if not self.in_mention:
            self.parts.append(data)


def html_to_text(content: str, mentions: list[Mapping]) -> str:
    """Plain text of a status. A mention comes back as Mastodon's acct:
    user@host for a remote account, user for a local one, the forms its
    compose box completes to."""
    handles = {str(m["url"]): str(m["acct"]) for m in mentions if m.get("url") and m.get("acct")}
    parser = _TextFromHTML(handles)
    parser.feed(content)
    parser.close()
    return "".join(parser.parts)


# --- classifying what went wrong -----------------------------------------------------


def classify_error(
    exc: Exception, response: requests.Response | None, now: dt.datetime
) -> PublishResult:
    """Map an error from status_post to an outcome.

    `response` is the last HTTP answer seen, needed for a 429: Mastodon.py
    raises MastodonRatelimitError without it.
    """
    if isinstance(exc, MastodonRatelimitError):
        return _classify_rate_limit(exc, response, now)
    if isinstance(exc, MastodonAPIError) and _status(exc) is not None:
        return _classify_http(exc, now)
    if never_sent(_unwrap(exc)):
        return retry_later(f"could not reach Mastodon: {describe(exc)}", now)
    # The request left; Mastodon may have posted it. Reconcile, or resend
    # with the same idempotency key within the hour.
    return maybe_posted(describe(exc))


def _classify_http(exc: MastodonAPIError, now: dt.datetime) -> PublishResult:
    status, error = _status(exc), describe(exc)
    if status in (401, 403):  # revoked token, missing write scope, disabled account
        return PublishResult(AUTH_FAILED, error=error)
    if status is not None and status >= 500:  # safe to resend: the idempotency key stops a second status
        return retry_later(error, now)
    if status == 422 and "processing" in error:  # the photo is not ready yet; nothing was posted
        return retry_later(error, now)
    return PublishResult(FAILED, error=error)  # 422 too long or invalid, 404...: permanent


def _classify_rate_limit(
    exc: MastodonRatelimitError, response: requests.Response | None, now: dt.datetime
) -> PublishResult:
    if response is None or response.status_code != 429:
        # Mastodon.py also raises this when it cannot parse a reset header on
        # an answer that may have been a success.
        return maybe_posted(f"could not read Mastodon's answer ({exc})")
    return rate_limited(_response_line(response), _reset(response.headers.get("X-RateLimit-Reset")), now)


def _reset(raw: str | None) -> dt.datetime | None:
    """X-RateLimit-Reset is an ISO 8601 time on Mastodon (Unix seconds on
    some compatible servers)."""
    if not raw:
        return None
    try:
        if raw.strip().isdigit():
            return dt.datetime.fromtimestamp(int(raw), UTC)
        when = dt.datetime.fromisoformat(raw.strip())
    except (ValueError, OverflowError, OSError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _status(exc: MastodonAPIError) -> int | None:
    # Mastodon.py raises ('Mastodon API returned error', status, reason, message).
    status = exc.args[1] if len(exc.args) > 1 else None
    return status if isinstance(status, int) else None


def _unwrap(exc: Exception) -> BaseException:
    # Mastodon.py wraps requests' errors in MastodonNetworkError without
    # `from`; the original survives as __context__.
    if isinstance(exc, MastodonNetworkError) and exc.__context__:
        return exc.__context__
    return exc


def describe(exc: Exception) -> str:
    """One line about a failure, without headers (the token is in one)."""
    if isinstance(exc, MastodonAPIError) and _status(exc) is not None:
        message = exc.args[3] if len(exc.args) > 3 and exc.args[3] else exc.args[2]
        return one_line(f"Mastodon answered {exc.args[1]}: {message or 'no message'}")
    return connection_line(_unwrap(exc), "Mastodon") or exception_line(exc)


def _response_line(response: requests.Response) -> str:
    try:
        message = response.json().get("error")
    except (ValueError, AttributeError):
        message = None
    return one_line(f"Mastodon answered {response.status_code}: {message or response.reason or 'no message'}")


# --- settings ------------------------------------------------------------------------


def _visibility(config: AccountConfig) -> str:
    value = config.get("visibility", DEFAULT_VISIBILITY)
    if value not in VISIBILITIES:
        raise config.error(f"visibility {value!r} must be one of: {', '.join(VISIBILITIES)}")
    return value
