"""'tomorrow 10:00', '+2h', ISO 8601 -> an aware instant, for `queue move`, --from/--to, --now and --until.

A time without a UTC offset is read in the posting time zone. Every instant
must fall in the years advocate plans in (YEARS): a campaign in year 1 or
9999 is a typo, and its arithmetic would leave the calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from .errors import InvalidChange

RELATIVE = re.compile(r"^\+(\d+)\s*([mhd])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}
MAX_OFFSET = dt.timedelta(days=3650)  # '+99999999d' is a typo, not a plan

DAYS = r"today|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
CLOCK = r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(am|pm)?"
# 'tomorrow 10:00', 'friday at 10pm', 'next monday 9:30': checked here, since
# dateparser silently drops a time it cannot read ('tomorrow 25:00' -> tomorrow, now's time)
DAY_START = re.compile(rf"^(?:next\s+)?(?:{DAYS})\b", re.IGNORECASE)
DAY_AND_TIME = re.compile(rf"^(?:next\s+)?(?:{DAYS})(?:\s+(?:at\s+)?(?=\d){CLOCK})?$", re.IGNORECASE)
TIME_TOKEN = re.compile(r"(?<![\d:.])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])(?:\s*(am|pm)\b)?"
                        r"|(?<![\d:.])(\d{1,2})\s*(am|pm)\b", re.IGNORECASE)
HINT = "try 2019-04-12T10:00+05:00, '+2h' or 'tomorrow 10:00'"
YEARS = (1970, 2200)  # in UTC
MAX_LENGTH = 100  # characters: no time is written longer


def in_years(moment: dt.datetime, text: str) -> dt.datetime:
    """The aware instant, once it is known to fall in YEARS (InvalidChange otherwise)."""
    try:
        year = moment.astimezone(dt.UTC).year
    except (OverflowError, ValueError):
        year = None
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        raise InvalidChange(f"'{text}' is outside the calendar advocate plans in (years {YEARS[0]} to {YEARS[1]}); "
                            "choose a time between them")
    return moment


def parse_when(text: str, now: dt.datetime, zone: str) -> dt.datetime:
    text = text.strip()
    if not text:
        raise InvalidChange(f"no time given; {HINT}")
    if len(text) > MAX_LENGTH or any(ord(c) < 32 or 0xD800 <= ord(c) < 0xE000 for c in text):
        raise InvalidChange(f"'{text[:40]}' is not a time I can read; {HINT}")
    relative = RELATIVE.match(text)
    if relative:
        offset = dt.timedelta(**{UNITS[relative.group(2)]: min(int(relative.group(1)), 10**8)})
        if offset > MAX_OFFSET:
            raise InvalidChange(f"'{text}' is too far ahead: at most {MAX_OFFSET.days} days ('+{MAX_OFFSET.days}d')")
        try:
            return _checked(now + offset, text)
        except OverflowError:
            raise InvalidChange(f"'{text}' from {now.isoformat()} is beyond the calendar; choose an earlier time") from None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = _natural(text, now, zone)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return _checked(moment, text)


def _checked(moment: dt.datetime, text: str) -> dt.datetime:
    """The instant, once it is known to fit the calendar in UTC too (the database keeps UTC)."""
    return in_years(moment, text)


def _clock(hour: str, minute: str | None, second: str | None, half: str | None, text: str) -> tuple[int, int, int]:
    """(hour, minute, second) on a 24-hour clock; InvalidChange when it is no time of day."""
    h, m, s = int(hour), int(minute or 0), int(second or 0)
    ok = (1 <= h <= 12 if half else 0 <= h <= 23) and 0 <= m <= 59 and 0 <= s <= 59
    if not ok:
        shown = hour + (f":{minute}" if minute else "") + (f":{second}" if second else "") + (half or "")
        rule = "hours 1-12 with am/pm" if half else "hours 0-23"
        raise InvalidChange(f"'{text}': {shown} is not a time of day ({rule}, minutes 0-59); {HINT}")
    if half:
        h = h % 12 + (12 if half.lower() == "pm" else 0)
    return h, m, s


def _natural(text: str, now: dt.datetime, zone: str) -> dt.datetime:
    import dateparser

    expected = None
    tokens = list(TIME_TOKEN.finditer(text))
    for token in tokens:
        if token.group(1) is not None:
            clock = _clock(token.group(1), token.group(2), token.group(3), token.group(4), text)
        else:
            clock = _clock(token.group(5), None, None, token.group(6), text)
        expected = expected or clock
    if DAY_START.match(text):
        day_and_time = DAY_AND_TIME.match(text)
        if not day_and_time:
            raise InvalidChange(f"'{text}' is not a time I can read; after the day write a time like 10:00 or 10pm; {HINT}")
        if day_and_time.group(1) is not None:
            hour, minute, second, half = day_and_time.group(1, 2, 3, 4)
            expected = _clock(hour, minute, second, half, text)
    settings = {"RELATIVE_BASE": now.astimezone(ZoneInfo(zone)).replace(tzinfo=None),
                "TIMEZONE": zone, "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "future"}
    try:
        moment = dateparser.parse(text, languages=["en"], settings=settings)  # every language: 3 s to refuse a typo
    except (OverflowError, ValueError):
        moment = None
    if moment is None:
        raise InvalidChange(f"'{text}' is not a time I can read; {HINT}")
    if expected is not None and len(tokens) <= 1 and (moment.hour, moment.minute, moment.second) != expected:
        # dateparser read the day but dropped the time: moving to a time nobody asked for is worse than asking
        raise InvalidChange(f"'{text}' is not a time I can read in full; {HINT}")
    return moment
