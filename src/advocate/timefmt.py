"""How instants are stored and shown.

The database keeps UTC ISO 8601 strings of one fixed width, so that text
order is time order and SQL can compare them.
"""

from __future__ import annotations

import datetime as dt
from typing import overload
from zoneinfo import ZoneInfo

UTC = dt.UTC


def to_db(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every instant must carry its offset")
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


@overload
def from_db(text: str) -> dt.datetime: ...
@overload
def from_db(text: None) -> None: ...
def from_db(text: str | None) -> dt.datetime | None:
    """A stored time (ISO 8601 with offset), or None for none."""
    return dt.datetime.fromisoformat(text) if text else None


def local(moment: dt.datetime, zone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(zone))


def end_of_day(day: dt.date, zone: str) -> dt.datetime:
    """The first instant after `day` in `zone`: a deadline runs to the end of its day.

    ValueError (with a message for a person) when that instant is beyond
    what the calendar, or its UTC form in the database, can hold.
    """
    try:
        moment = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(zone))
        moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{day.isoformat()} is too far in the future; choose a date before year 9999") from None
    return moment


def show(text_or_moment, zone: str) -> str:
    """'2019-04-10 09:00 +05' style, in the given zone, for tables."""
    moment = from_db(text_or_moment) if isinstance(text_or_moment, str) else text_or_moment
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %z")
