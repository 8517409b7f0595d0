"""What the daemon does each tick besides posting: the inbox, the feeds when due, the site, notifications.

Each step is logged and retried at the next tick when it fails, never
fatal: a broken feed or an unreachable notification service must not
stop the campaigns.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import feeds, notify
from .config import Config
from .watch import InboxResult, scan_inbox

logger = logging.getLogger("advocate")


@dataclass
class HousekeepingResult:
    inbox: InboxResult | None = None
    feeds: feeds.FeedResult | None = None
    notified: int = 0
    digest: bool = False
    site: object = None  # site.build.BuildResult when [site] folder is set
    errors: list[str] = field(default_factory=list)


def run_housekeeping(db, config: Config, now: dt.datetime, environ: Mapping[str, str],
                     alive: Callable[[], None] = lambda: None) -> HousekeepingResult:
    """Inbox, feeds when due, then tell the coordinator what happened.

    `alive` is called after each step: a long inbox or feed poll must not
    look like a hung daemon to systemd's watchdog or to `advocate status`.
    """
    result = HousekeepingResult()
    _step(result, "notifications", notify.start, db, config, environ)
    if config.inbox.folder:
        result.inbox = _step(result, "inbox", scan_inbox, db, Path(config.inbox.folder), now, config)
        alive()
    if feeds.feeds_due(db, config, now):
        result.feeds = _step(result, "feeds", feeds.poll_feeds, db, config, now)
        alive()
    if config.site.folder:  # pages follow the case: only what changed is rendered and written
        result.site = _step(result, "site", _build_site, db, config, now)
        alive()
    result.notified = notify_now(db, config, now, environ, result)
    alive()
    return result


def _build_site(db, config: Config, now: dt.datetime):
    from .site.build import build_site

    return build_site(db, config, Path(config.site.folder), now, base_url=config.site.base_url or None,
                      check=False, skip_unchanged=True)


def notify_now(db, config: Config, now: dt.datetime, environ: Mapping[str, str], result: HousekeepingResult | None = None) -> int:
    """Tell the new events (and the digest when due); also called at the end of a tick."""
    result = result or HousekeepingResult()
    told = _step(result, "notifications", notify.notify_new_events, db, config, now, environ) or 0
    result.digest = bool(_step(result, "digest", notify.send_digest, db, config, now, environ))
    return told


def _step(result: HousekeepingResult, what: str, func, *args):
    try:
        return func(*args)
    except Exception as exc:  # logged, retried next tick, never fatal
        logger.exception("%s failed; trying again at the next tick", what)
        result.errors.append(f"{what}: {exc}")
        return None
