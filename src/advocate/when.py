"""'tomorrow 10:00', '+2h', ISO 8601 -> an aware instant, for `queue move`."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from .errors import InvalidChange

RELATIVE = re.compile(r"^\+(\d+)\s*([mhd])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_when(text: str, now: dt.datetime, zone: str) -> dt.datetime:
    text = text.strip()
    relative = RELATIVE.match(text)
    if relative:
        return now + dt.timedelta(**{UNITS[relative.group(2)]: int(relative.group(1))})
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = _natural(text, now, zone)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def _natural(text: str, now: dt.datetime, zone: str) -> dt.datetime:
    import dateparser

    settings = {"RELATIVE_BASE": now.astimezone(ZoneInfo(zone)).replace(tzinfo=None),
                "TIMEZONE": zone, "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "future"}
    moment = dateparser.parse(text, settings=settings)
    if moment is None:
        raise InvalidChange(f"'{text}' is not a time I can read; try 2019-04-12T10:00+05:00, '+2h' or 'tomorrow 10:00'")
    return moment
