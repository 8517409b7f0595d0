"""X (Twitter) through tweepy's v2 Client, OAuth 1.0a user context.

tweepy hard-codes https://api.twitter.com and sends no timeout, so the
client gets a requests.Session that rewrites the host to `base_url` and
applies a default timeout. wait_on_rate_limit stays off: it can sleep for
hours (or recurse without a reset header); the dispatcher schedules the
retry from the PublishResult instead.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
import tweepy
import urllib3.exceptions

from ..errors import ChannelError
from .base import (
    AUTH_FAILED,
    FAILED,
    RATE_LIMITED,
    RETRY,
    SENT,
    UNKNOWN,
    Channel,
    OutgoingPost,
    PublishResult,
    RemotePost,
    check_settings,
)

UTC = dt.timezone.utc
DEFAULT_BASE_URL = "https://api.x.com"  # X's documented host; api.twitter.com still answers
DEFAULT_TIMEOUT = 10.0
RETRY_BACKOFF = dt.timedelta(minutes=1)  # a default; the dispatcher may back off further
RATE_LIMIT_FALLBACK = dt.timedelta(minutes=15)  # X's shortest window, when no header says
RATE_LIMIT_FLOOR = dt.timedelta(seconds=30)  # a reset "in the past" means clock skew

CREDENTIAL_ENV = {
    "api_key": "ADVOCATE_X_API_KEY",
    "api_secret": "ADVOCATE_X_API_SECRET",
    "access_token": "ADVOCATE_X_ACCESS_TOKEN",
    "access_secret": "ADVOCATE_X_ACCESS_SECRET",
}
SETTINGS_KEYS = {"type", "base_url", "timeout", "credentials_env", "username"}

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
    def from_settings(
        cls,
        account: str,
        settings: Mapping,
        environ: Mapping[str, str],
        base_dir: Path | None = None,
    ) -> XChannel:
        check_settings(account, settings, SETTINGS_KEYS)
        names = _credential_names(account, settings.get("credentials_env", {}))
        return cls(
            account,
            _read_credentials(account, names, environ),
            base_url=_base_url(account, settings.get("base_url", DEFAULT_BASE_URL)),
            timeout=_timeout(account, settings.get("timeout", DEFAULT_TIMEOUT)),
            username=_username(account, settings.get("username")),
        )

    def publish(self, post: OutgoingPost, now: dt.datetime) -> PublishResult:
        try:
            response = self.client.create_tweet(text=post.text, user_auth=True)
        except (tweepy.TweepyException, requests.RequestException) as exc:
            return classify_error(exc, now)
        tweet_id = str((response.data or {}).get("id") or "")
        if not tweet_id:
            return PublishResult(
                UNKNOWN, error="X accepted the post but sent back no post id; it may have gone out"
            )
        return PublishResult(SENT, remote_id=tweet_id, url=self._status_url(tweet_id))

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
    if _never_sent(exc):
        return PublishResult(
            RETRY, error=f"could not reach X: {describe(exc)}", retry_at=now + RETRY_BACKOFF
        )
    # The request left; X may have posted it. Only reconciliation can tell.
    return PublishResult(UNKNOWN, error=f"{describe(exc)}; the post may have gone out")


def _classify_http(exc: tweepy.HTTPException, now: dt.datetime) -> PublishResult:
    status = exc.response.status_code
    error = _api_line(exc)
    if status == 429:
        retry_at, why = rate_limit_reset(exc.response.headers, now)
        shown = retry_at.astimezone(UTC)
        return PublishResult(
            RATE_LIMITED, error=f"{error} ({why}; retry at {shown:%Y-%m-%d %H:%M:%S} UTC)",
            retry_at=retry_at,
        )
    if status == 401 or (status == 403 and _is_auth_problem(exc.response)):
        return PublishResult(AUTH_FAILED, error=error)
    if status >= 500:
        return PublishResult(RETRY, error=error, retry_at=now + RETRY_BACKOFF)
    return PublishResult(FAILED, error=error)  # 400, 403 duplicate, 404...: permanent


def rate_limit_reset(headers: Mapping[str, str], now: dt.datetime) -> tuple[dt.datetime, str]:
    """When to try again after a 429, and why.

    An exhausted window (remaining == 0) wins, the latest if several: the
    15-minute reset is useless while the 24-hour cap is spent.
    """
    windows = [(name, prefix, _reset(headers, prefix)) for name, prefix in _LIMIT_WINDOWS]
    known = [(when, name) for name, _, when in windows if when is not None]
    spent = [(when, name) for name, prefix, when in windows
             if when is not None and _remaining(headers, prefix) == 0]
    if spent:
        when, name = max(spent)
    elif known:
        when, name = known[0]
    else:
        return now + RATE_LIMIT_FALLBACK, "no reset time given"
    return max(when, now + RATE_LIMIT_FLOOR), f"{name} reached"


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


def _never_sent(exc: Exception) -> bool:
    """True when the connection failed before the request could leave."""
    if isinstance(exc, (requests.ConnectTimeout, requests.exceptions.SSLError)):
        return True
    if not isinstance(exc, requests.ConnectionError) or not exc.args:
        return False
    # requests' adapter wraps connect failures in MaxRetryError; a connection
    # dropped mid-exchange arrives as a bare ProtocolError instead.
    reason = getattr(exc.args[0], "reason", None)
    connect_errors = (urllib3.exceptions.ConnectTimeoutError, urllib3.exceptions.SSLError)
    return isinstance(reason, connect_errors)


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
    return _one_line(f"X answered {response.status_code}: {message}")


def describe(exc: Exception) -> str:
    """One line about a failure, without URLs' query strings or headers."""
    if isinstance(exc, tweepy.HTTPException):
        return _api_line(exc)
    if isinstance(exc, requests.ConnectTimeout):
        return "X did not accept a connection within the timeout"
    if isinstance(exc, requests.Timeout):
        return "X did not answer within the timeout"
    if isinstance(exc, requests.ConnectionError):
        return f"the connection to X failed ({_root_cause(exc)})"
    return _one_line(f"{type(exc).__name__}: {exc}")


def _root_cause(exc: BaseException) -> str:
    reason = exc.args[0] if exc.args else exc
    reason = getattr(reason, "reason", reason)
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return "connection refused or host unreachable"
    return type(reason).__name__


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- settings ------------------------------------------------------------


def _credential_names(account: str, overrides: object) -> dict[str, str]:
    if not isinstance(overrides, Mapping):
        raise ChannelError(
            f"account '{account}': credentials_env must be a table, "
            f'e.g. credentials_env = {{ api_key = "ORG_X_API_KEY" }}'
        )
    check_settings(account, overrides, set(CREDENTIAL_ENV))
    names = {**CREDENTIAL_ENV, **overrides}
    for key, name in names.items():
        if not isinstance(name, str) or not name:
            raise ChannelError(
                f"account '{account}': credentials_env.{key} must name an environment variable"
            )
    return names


def _read_credentials(
    account: str, names: Mapping[str, str], environ: Mapping[str, str]
) -> dict[str, str]:
    # Secrets only ever come from the environment, never from config.toml.
    missing = [name for name in names.values() if not environ.get(name)]
    if missing:
        one = len(missing) == 1
        noun, verb, it = ("variable", "is", "it") if one else ("variables", "are", "them")
        raise ChannelError(
            f"account '{account}': environment {noun} {', '.join(missing)} {verb} not set; "
            f"export {it} with the value from X's developer portal, or name another "
            f"variable under credentials_env in [accounts.{account}] of config.toml"
        )
    return {key: environ[name] for key, name in names.items()}


def _base_url(account: str, value: object) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ChannelError(
            f"account '{account}': base_url {value!r} is not an http(s) URL; "
            f"leave it out to use {DEFAULT_BASE_URL}"
        )
    return value.rstrip("/")


def _timeout(account: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ChannelError(
            f"account '{account}': timeout {value!r} must be a number of seconds above 0, e.g. timeout = 10"
        )
    return float(value)


def _username(account: str, value: object) -> str | None:
    handle = value.strip().lstrip("@") if isinstance(value, str) else None
    if value is None or handle:
        return handle
    raise ChannelError(
        f"account '{account}': username {value!r} must be the X handle, e.g. username = \"amnesty\""
    )
