"""X (Twitter) through tweepy's v2 Client, OAuth 1.0a user context.

tweepy hard-codes https://api.twitter.com and sends no timeout, so the
client gets a requests.Session that rewrites the host to `base_url` and
applies a default timeout. wait_on_rate_limit stays off: it can sleep for
hours (or recurse without a reset header); the dispatcher schedules the
retry from the PublishResult instead.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

import requests
import tweepy

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

DEFAULT_BASE_URL = "https://api.x.com"  # X's documented host; api.twitter.com still answers

CREDENTIAL_ENV = {
    "api_key": "ADVOCATE_X_API_KEY",
    "api_secret": "ADVOCATE_X_API_SECRET",
    "access_token": "ADVOCATE_X_ACCESS_TOKEN",
    "access_secret": "ADVOCATE_X_ACCESS_SECRET",
}
# How to get the keys and where the API is, for config errors.
SECRET_HINT = "with the value from X's developer portal"
BASE_URL_HINT = f"leave it out to use {DEFAULT_BASE_URL}"

# 403s that refuse the app or token rather than the post: every post would fail.
_AUTH_PROBLEM_TYPES = ("oauth1-permissions", "client-forbidden", "unsupported-authentication")
# (limit name in messages, header prefix); the 15-minute window first.
_LIMIT_WINDOWS = (
    ("rate limit", "x-rate-limit"),
    ("24-hour user limit", "x-user-limit-24hour"),
    ("24-hour app limit", "x-app-limit-24hour"),
)


class HostRewritingSession(requests.Session):
    """Sends tweepy's requests to base_url, with a timeout when none is given.

    The rewrite happens before the request is prepared, so the OAuth 1.0a
    signature covers the URL actually requested.
    """

    def __init__(self, base_url: str, timeout: float):
        super().__init__()
        self.base_url = base_url
        self.timeout = timeout

    def request(self, method, url, *args, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().request(method, rewrite_url(url, self.base_url), *args, **kwargs)


def rewrite_url(url: str, base_url: str) -> str:
    """https://api.twitter.com/2/tweets?a=1 -> {base_url}/2/tweets?a=1"""
    parts, base = urlsplit(url), urlsplit(base_url)
    path = base.path.rstrip("/") + parts.path
    return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))


class XChannel(Channel):
    network = "x"
    settings_keys = {"type", "base_url", "timeout", "credentials_env", "username"}

    def __init__(
        self,
        account: str,
        credentials: Mapping[str, str],
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        username: str | None = None,
    ):
        self.account = account
        self.base_url = base_url
        self.client = tweepy.Client(
            consumer_key=credentials["api_key"],
            consumer_secret=credentials["api_secret"],
            access_token=credentials["access_token"],
            access_token_secret=credentials["access_secret"],
            wait_on_rate_limit=False,
        )
        self.client.session = HostRewritingSession(base_url, timeout)
        self.username = username
        self._me: tuple[str, str] | None = None  # (user id, username), asked once

    @classmethod
    def from_config(cls, config: AccountConfig) -> XChannel:
        names = config.credential_names(CREDENTIAL_ENV)
        return cls(
            config.account,
            config.secrets(names, how=SECRET_HINT),
            base_url=config.base_url(DEFAULT_BASE_URL, hint=BASE_URL_HINT),
            timeout=config.timeout(),
            username=_username(config),
        )

    def publish(self, post: OutgoingPost, now: dt.datetime) -> PublishResult:
        media_ids = media_ids_for(post, now, self._upload)
        if isinstance(media_ids, PublishResult):
            return media_ids
        try:
            response = self.client.create_tweet(text=post.text, media_ids=media_ids or None, user_auth=True)
        except (tweepy.TweepyException, requests.RequestException) as exc:
            return classify_error(exc, now)
        tweet_id = str((response.data or {}).get("id") or "")
        if not tweet_id:
            return PublishResult(
                UNKNOWN, error="X accepted the post but sent back no post id; it may have gone out"
            )
        return PublishResult(SENT, remote_id=tweet_id, url=self._status_url(tweet_id), media_ids=tuple(media_ids))

    def _upload(self, post: OutgoingPost, now: dt.datetime) -> str | PublishResult:
        """The photo's media id, or why it could not be uploaded (nothing was posted).

        X API v2: POST /2/media/upload (one request for an image), then
        POST /2/media/metadata for the alt text. tweepy 4.17 has no v2 upload
        method (its API.media_upload calls v1.1 on upload.twitter.com), so
        both go through tweepy's own signed request.
        """
        image, refused = photo_for(post, self.network)
        if refused is not None:
            return refused
        assert post.photo is not None and post.photo.alt is not None  # photo_for refuses a photo without alt text
        body = {"media": base64.b64encode(image.data).decode("ascii"), "media_category": "tweet_image",
                "media_type": image.mime}
        try:
            answer = self.client.request("POST", "/2/media/upload", json=body, user_auth=True).json()
            media_id = str((answer.get("data") or {}).get("id") or answer.get("media_id_string") or "")
            if not media_id:
                return PublishResult(FAILED, error="photo upload: X sent back no media id")
            metadata = {"id": media_id, "metadata": {"alt_text": {"text": post.photo.alt}}}
            self.client.request("POST", "/2/media/metadata", json=metadata, user_auth=True)
        except (tweepy.TweepyException, requests.RequestException, ValueError) as exc:  # ValueError: not JSON
            return upload_failed(classify_error(exc, now))
        return media_id

    def recent_posts(self, since: dt.datetime) -> list[RemotePost]:
        try:
            user_id, _ = self._whoami()
            response = self.client.get_users_tweets(
                user_id,
                start_time=since,
                max_results=100,
                tweet_fields=["created_at"],
                user_auth=True,
            )
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise ChannelError(
                f"account '{self.account}': could not list its recent posts on X: {describe(exc)}"
            ) from exc
        return [self._remote_post(tweet) for tweet in response.data or []]

    def close(self) -> None:
        self.client.session.close()

    def _whoami(self) -> tuple[str, str]:
        if self._me is None:
            user = self.client.get_me(user_auth=True).data
            if user is None:
                raise tweepy.TweepyException("X sent no user for these credentials")
            self._me = (str(user.id), user.username)
        return self._me

    def _status_url(self, tweet_id: str) -> str:
        username = self.username
        if username is None:
            try:
                username = self._whoami()[1]
            except (tweepy.TweepyException, requests.RequestException):
                # The post went out; a missing name only costs a prettier link.
                return f"https://x.com/i/web/status/{tweet_id}"
        return f"https://x.com/{username}/status/{tweet_id}"

    def _remote_post(self, tweet) -> RemotePost:
        tweet_id = str(tweet.id)
        # X escapes &, < and > in v2 text; undo it so texts compare with ours.
        text = html.unescape(tweet.text)
        return RemotePost(tweet_id, text, self._status_url(tweet_id), tweet.created_at)


# --- classifying what went wrong ------------------------------------------


def classify_error(exc: Exception, now: dt.datetime) -> PublishResult:
    """Map a tweepy or requests error from create_tweet to an outcome."""
    if isinstance(exc, tweepy.HTTPException):
        return _classify_http(exc, now)
    if never_sent(exc):
        return retry_later(f"could not reach X: {describe(exc)}", now)
    # The request left; X may have posted it. Only reconciliation can tell.
    return maybe_posted(describe(exc))


def _classify_http(exc: tweepy.HTTPException, now: dt.datetime) -> PublishResult:
    status = exc.response.status_code
    error = _api_line(exc)
    if status == 429:
        reset, limit = binding_limit(exc.response.headers)
        return rate_limited(error, reset, now, limit)
    if status == 401 or (status == 403 and _is_auth_problem(exc.response)):
        return PublishResult(AUTH_FAILED, error=error)
    if status >= 500:
        return retry_later(error, now)
    duplicate = status == 403 and "duplicate content" in error
    return PublishResult(FAILED, error=error, duplicate=duplicate)  # 400, 403 duplicate, 404...: permanent


def binding_limit(headers: Mapping[str, str]) -> tuple[dt.datetime | None, str]:
    """After a 429: (reset time, limit name) of the window that holds the post back.

    An exhausted window (remaining == 0) wins, the latest if several: the
    15-minute reset is useless while the 24-hour cap is spent.
    """
    windows = [(name, prefix, _reset(headers, prefix)) for name, prefix in _LIMIT_WINDOWS]
    known = [(when, name) for name, _, when in windows if when is not None]
    spent = [(when, name) for name, prefix, when in windows
             if when is not None and _remaining(headers, prefix) == 0]
    if spent:
        return max(spent)
    return known[0] if known else (None, "rate limit")


def _reset(headers: Mapping[str, str], prefix: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(headers[f"{prefix}-reset"]), UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        return None


def _remaining(headers: Mapping[str, str], prefix: str) -> int | None:
    try:
        return int(headers[f"{prefix}-remaining"])
    except (KeyError, ValueError):
        return None


def _is_auth_problem(response: requests.Response) -> bool:
    try:
        problem = str(response.json().get("type", ""))
    except (ValueError, AttributeError):
        return False
    return problem.rstrip("/").endswith(_AUTH_PROBLEM_TYPES)


def _api_line(exc: tweepy.HTTPException) -> str:
    """'X answered 403: <X's own message>' on one line."""
    response = exc.response
    message = "; ".join(str(m) for m in exc.api_messages) or response.reason or "no message"
    return one_line(f"X answered {response.status_code}: {message}")


def describe(exc: Exception) -> str:
    """One line about a failure, without URLs' query strings or headers."""
    if isinstance(exc, tweepy.HTTPException):
        return _api_line(exc)
    return connection_line(exc, "X") or exception_line(exc)


# --- settings ------------------------------------------------------------


def _username(config: AccountConfig) -> str | None:
    value = config.get("username")
    handle = value.strip().lstrip("@") if isinstance(value, str) else None
    if value is None or handle:
        return handle
    raise config.error(f'username {value!r} must be the X handle, e.g. username = "amnesty"')
