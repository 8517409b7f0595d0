"""Time, injected. Only SystemClock reads the real clock.

Every function that needs the time takes `now` or a Clock; tests and
`--now` pin it, `daemon --simulate` advances a VirtualClock.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from .errors import AdvocateError

UTC = dt.timezone.utc


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)


class FixedClock:
    """The time given by --now / ADVOCATE_NOW, for every call."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def now(self) -> dt.datetime:
        return self.at


class VirtualClock:
    """A clock that only moves when told to; used by `daemon --simulate`."""

    def __init__(self, start: dt.datetime):
        self.at = start

    def now(self) -> dt.datetime:
        return self.at

    def advance_to(self, when: dt.datetime) -> None:
        if when > self.at:
            self.at = when


def parse_instant(text: str, what: str = "--now") -> dt.datetime:
    """ISO 8601 with an offset (2019-04-10T09:00+05:00 or ...Z) -> aware datetime."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise AdvocateError(
            f"{what}: '{text}' is not an ISO 8601 time; write it like 2019-04-10T09:00+05:00"
        ) from None
    if value.tzinfo is None:
        raise AdvocateError(
            f"{what}: '{text}' has no UTC offset; add one, e.g. {text}+00:00"
        )
    return value
