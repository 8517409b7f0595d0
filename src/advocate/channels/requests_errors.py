"""What a requests failure means, for the channels whose client uses
requests (X through tweepy, Mastodon through Mastodon.py)."""

from __future__ import annotations

import requests
import urllib3.exceptions


def never_sent(exc: BaseException) -> bool:
    """True when the connection failed before the request could leave."""
    if isinstance(exc, (requests.ConnectTimeout, requests.exceptions.SSLError)):
        return True
    if not isinstance(exc, requests.ConnectionError) or not exc.args:
        return False
    # requests' adapter wraps connect failures in MaxRetryError; a connection
    # dropped mid-exchange arrives as a bare ProtocolError instead.
    reason = getattr(exc.args[0], "reason", None)
    return isinstance(reason, (urllib3.exceptions.ConnectTimeoutError, urllib3.exceptions.SSLError))


def connection_line(exc: BaseException, network: str) -> str | None:
    """One line about a failed connection or timeout, else None.

    Built from the error's type alone: its text holds URLs with query strings.
    """
    if isinstance(exc, requests.ConnectTimeout):  # before Timeout: it is both
        return f"{network} did not accept a connection within the timeout"
    if isinstance(exc, requests.Timeout):
        return f"{network} did not answer within the timeout"
    if isinstance(exc, requests.ConnectionError):
        return f"the connection to {network} failed ({_root_cause(exc)})"
    return None


def _root_cause(exc: requests.ConnectionError) -> str:
    reason = exc.args[0] if exc.args else exc
    reason = getattr(reason, "reason", reason)
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return "connection refused or host unreachable"
    return type(reason).__name__
