"""Time, injected. Only SystemClock reads the real clock.

Every function that needs the time takes `now` or a Clock; tests and
`--now` pin it, `daemon --simulate` advances a VirtualClock.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from .errors import AdvocateError

UTC = dt.UTC


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


def parse_instant(text: str, what: str = "--now", *, zone: str | None = None,
                  now: dt.datetime | None = None) -> dt.datetime:
    """--now, --until, ADVOCATE_NOW -> aware datetime, in the years advocate plans in.

    ISO 8601 with an offset (2019-04-10T09:00+05:00 or ...Z) needs nothing
    else. Given the posting `zone` (and `now`, for '+2h' or 'tomorrow 10:00'),
    every form `queue move` reads is read, a time without offset in `zone`.
    """
    from .errors import InvalidChange
    from .when import in_years, parse_when

    if not text.strip():
        raise AdvocateError(f"{what} is empty; give a time like 2019-04-10T09:00+05:00, or leave {what} out to use the real clock")
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        value = None
    try:
        if value is not None and value.tzinfo is not None:
            return in_years(value, text.strip())
        if zone is None:
            raise InvalidChange(f"'{text.strip()[:40]}' has no UTC offset; write it like 2019-04-10T09:00+05:00")
        return parse_when(text, now or SystemClock().now(), zone)
    except InvalidChange as exc:
        raise AdvocateError(f"{what}: {exc}") from None
