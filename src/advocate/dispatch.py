"""One tick of the daemon: expire, catch up, claim -> publish -> record, reconcile.

The order inside a post's life is what keeps the promises after a crash
at any point:
- claim (one UPDATE ... RETURNING, re-checking case status and deadline)
  commits 'sending' BEFORE the network call: a crash after it leaves a
  'sending' row, which start-up turns into 'unknown', never re-sent;
- the result is recorded in its own transaction right after the call;
- an 'unknown' post is only marked sent when found on the account's own
  timeline, otherwise it waits for a human (`advocate queue retry`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from . import accounts as account_state
from . import cases, queue
from . import models as m
from .channels.base import LinkCard, OutgoingPost, Photo, PublishResult
from .config import Config
from .errors import AdvocateError, ChannelError
from .housekeeping import notify_now, run_housekeeping
from .planner import next_free_time, settings_from
from .timefmt import from_db, to_db

logger = logging.getLogger("advocate")

MAX_BACKOFF = dt.timedelta(hours=1)


@dataclass
class TickResult:
    sent: list[int] = field(default_factory=list)
    problems: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)
    reconciled: list[int] = field(default_factory=list)


class ChannelPool:
    """One channel object per account, made on first use and kept."""

    def __init__(self, config: Config, environ: Mapping[str, str], simulate: bool = False, rehearse_all: bool = False):
        # simulate: real networks become dry runs; rehearse_all: dry-run accounts
        # too write to a simulate-ACCOUNT.jsonl, not to their own outbox.
        self.config, self.environ, self.simulate, self.rehearse_all = config, environ, simulate, rehearse_all
        self._channels: dict = {}

    def get(self, account: str):
        if account not in self._channels:
            self._channels[account] = self._make(account)
        return self._channels[account]

    def _make(self, account: str):
        from .channels.registry import make_channel

        settings = dict(self.config.account(account))
        if self.simulate and (settings["type"] != "dryrun" or self.rehearse_all):
            outbox = self.config.database.parent / f"simulate-{account}.jsonl"
            settings = {"type": "dryrun", "outbox": str(outbox), "stands_for": settings["type"]}  # its photo limits
        return make_channel(account, settings, self.environ)

    def close(self) -> None:
        for channel in self._channels.values():
            channel.close()
        self._channels.clear()


class Dispatcher:
    def __init__(self, db, config: Config, pool: ChannelPool, should_stop: Callable[[], bool] = lambda: False,
                 housekeeping: bool = True, alive: Callable[[], None] = lambda: None):
        self.db, self.config, self.pool, self.should_stop = db, config, pool, should_stop
        self.alive = alive  # called after each post and each step of housekeeping: the daemon's heartbeat
        self.housekeeping = housekeeping  # inbox, feeds, notifications: off when rehearsing on a copy
        self._last_look: dict[str, dt.datetime] = {}  # account -> last timeline look-up

    def start(self, now: dt.datetime) -> list[int]:
        """At start-up: whatever was mid-send when we stopped is now 'unknown'."""
        return queue.mark_interrupted(self.db, now)

    def tick(self, now: dt.datetime) -> TickResult:
        result = TickResult()
        if self.housekeeping:
            run_housekeeping(self.db, self.config, now, self.pool.environ, self.alive)  # inbox, feeds, notifications
        result.expired = cases.expire_deadlines(self.db, now, self.config.daemon.deadline_grace)
        result.moved = self.catch_up(now)
        while not self.should_stop():
            post = queue.claim_next(self.db, now, self.config.accounts, self.config.posting.daily_cap)
            if post is None:
                break
            if self._held_for_budget(post, now):
                continue
            if self._publish(post, now):
                result.sent.append(post["id"])
            else:
                result.problems.append(post["id"])
            self.alive()
        result.reconciled = self.reconcile(now)
        if self.housekeeping:
            notify_now(self.db, self.config, now, self.pool.environ)  # what this tick did, told now
        return result

    def _publish(self, post: dict, now: dt.datetime) -> bool:
        try:
            channel = self.pool.get(post["account"])
        except ChannelError as exc:
            queue.record_retry(self.db, now, post, str(exc), now, counts=False, max_attempts=self.config.daemon.max_attempts)
            account_state.pause(self.db, now, post["account"], str(exc))
            return False
        too_soon = self._mention_too_soon(post, now)
        if too_soon:  # moved or posted-now beside another mention of the same official
            queue.record_retry(self.db, now, post, f"mentions {too_soon[0]} again within 24 hours; held until then",
                               too_soon[1], counts=False, max_attempts=self.config.daemon.max_attempts)
            return False
        photo, link = self._media(post)
        outgoing = OutgoingPost(post["id"], post["case_id"], post["account"], post["text"], photo, link,
                                planned_at=from_db(post["scheduled_at"]))
        try:
            result = channel.publish(outgoing, now)
        except Exception as exc:  # a channel bug must not leave the post 'sending' until a restart
            logger.exception("publishing post %s failed unexpectedly", post["id"])
            result = PublishResult("unknown", error=f"unexpected error while publishing ({type(exc).__name__}: {exc}); check the account before retrying")
        if result.duplicate and post["attempts"] > 1:
            # X refuses a text it already has: an earlier attempt that "failed" went out after all.
            result = PublishResult("unknown", error=f"{result.error} An earlier attempt may have been published; reconciling.")
        self._record(post, result, now)
        return result.outcome == "sent"

    def _media(self, post: dict) -> tuple[Photo | None, LinkCard | None]:
        """(photo, link card) the post's template wants, from its case as it is now: a photo
        replaced after planning goes out as replaced. The channel uploads, inside publish."""
        if not (post.get("with_photo") or post.get("with_link")):
            return None, None
        from .photos import link_of, photo_of

        case, workspace = cases.get_case(self.db, post["case_id"]), self.config.database.parent
        photo = photo_of(case, workspace) if post.get("with_photo") else None
        return photo, link_of(case, workspace) if post.get("with_link") else None

    def _mention_too_soon(self, post: dict, now: dt.datetime) -> tuple[str, dt.datetime] | None:
        """The guard at the last moment: an account mentions a handle at most
        `mentions_per_handle_per_day` times in 24 hours, however the post got due."""
        from .messages.entities import extract_mentions

        handles = {h.lower() for h in extract_mentions(post["text"])}
        if not handles:
            return None
        recent = self.db.execute(queue.RECENT_POSTS_SQL, [post["account"], to_db(now - queue.DAY)]).fetchall()
        limit = self.config.guard.mentions_per_handle_per_day
        for handle in sorted(handles):
            times = [at for at, text, other in recent if other != post["id"] and handle in {h.lower() for h in extract_mentions(text)}]
            if len(times) >= limit:
                return f"@{handle}", from_db(times[len(times) - limit]) + queue.DAY
        return None

    def _record(self, post: dict, result: PublishResult, now: dt.datetime) -> None:
        db, error, account = self.db, result.error or result.outcome, post["account"]
        max_attempts = self.config.daemon.max_attempts
        if result.outcome == "sent":
            queue.record_sent(db, now, post, result.remote_id, result.url)
        elif result.outcome == "retry":
            # The channel's retry_at is a floor; back off further as attempts pile up.
            retry_at = max(result.retry_at or now, now + backoff(post["attempts"]))
            queue.record_retry(db, now, post, error, retry_at, max_attempts=max_attempts)
        elif result.outcome == "rate_limited":
            until = result.retry_at or now + dt.timedelta(minutes=15)
            queue.record_retry(db, now, post, error, until, counts=False, max_attempts=max_attempts)
            account_state.block_until(db, now, account, until, error)
        elif result.outcome == "auth_failed":
            queue.record_retry(db, now, post, error, now, counts=False, max_attempts=max_attempts)
            account_state.pause(db, now, account, f"{error}; fix the credentials, then 'advocate queue resume --account {account}'")
        elif result.outcome == "failed":
            queue.record_final(db, now, post, m.FAILED, error)
        else:
            queue.record_final(db, now, post, m.UNKNOWN, error)

    def catch_up(self, now: dt.datetime) -> list[int]:
        """Posts missed while the daemon was down move to the next free slot, never out in a burst."""
        stale_before = to_db(now - dt.timedelta(minutes=self.config.posting.stale_after_minutes))
        rows = list(self.db.query(
            """SELECT p.id, p.account, c.deadline_at, c.overrides FROM posts p JOIN cases c ON c.id = p.case_id
               WHERE p.status = 'scheduled' AND p.retry_at IS NULL AND p.scheduled_at < ? ORDER BY p.scheduled_at""",
            [stale_before]))
        from .scheduling import own_zone

        settings = settings_from(self.config.posting)
        moved = []
        for row in rows:
            taken = [from_db(r["scheduled_at"]) for r in self.db.query(
                "SELECT scheduled_at FROM posts WHERE account = ? AND status = 'scheduled' AND scheduled_at >= ? AND id != ?", [row["account"], to_db(now), row["id"]])]
            # A case with no deadline must not stop every tick (and so every post).
            deadline = from_db(row["deadline_at"]) or now + dt.timedelta(days=366)
            when = next_free_time(now, deadline, settings, taken, self.config.zone_for(row["account"], own_zone(row)))
            if when is None:
                queue.cancel_one(self.db, now, row["id"], "missed while the daemon was down, and no time is left before the deadline")
            else:
                queue.reschedule(self.db, now, row["id"], when, "missed while the daemon was down")
            moved.append(row["id"])
        return moved

    def reconcile(self, now: dt.datetime) -> list[int]:
        """Look for 'unknown' posts on their account's own timeline.

        One timeline request per account, at most every reconcile_minutes:
        timeline look-ups are rate-limited hard on X's lower tiers.
        """
        found = []
        unknown = list(self.db.query("SELECT * FROM posts WHERE status = 'unknown' ORDER BY id"))
        for account in sorted({p["account"] for p in unknown}):
            every = dt.timedelta(minutes=self.config.daemon.reconcile_minutes)
            if now < self._last_look.get(account, dt.datetime.min.replace(tzinfo=dt.UTC)) + every:
                continue
            self._last_look[account] = now
            posts = [p for p in unknown if p["account"] == account]
            if _keys_posts(self.pool, account):  # the post has its own key there: fetch it
                found += self._fetch_each(account, posts, now)
                continue
            since = min(from_db(p["claimed_at"] or p["updated_at"]) for p in posts) - dt.timedelta(minutes=5)
            try:
                recent = self.pool.get(account).recent_posts(since)
            except AdvocateError as exc:  # a network error, or an account gone from config.toml
                logger.warning("cannot reconcile %s unknown posts of %s: %s", len(posts), account, exc)
                continue
            for post in posts:
                match = next((r for r in recent if _same_text(r.text, post["text"])), None)
                if match:
                    queue.reconcile_found(self.db, now, post, match.remote_id, match.url)
                    found.append(post["id"])
        return found

    def _held_for_budget(self, post: dict, now: dt.datetime) -> bool:
        """A claimed post that would take its account past its monthly_budget goes back
        to the queue until the next month (no attempt counted): the daemon never passes a
        budget. What went out this month, or may have (sending, unknown), counts, this post too."""
        from . import forecast

        budget = forecast.budgets_of(self.config).get(post["account"]) or 0
        if not budget:
            return False
        networks = forecast.networks_of(self.config)
        spent = forecast.spent(forecast.stored_posts(self.db, now), networks, self.config.quota, forecast.COSTING)
        if spent.get((post["account"], forecast.month_of(now)), 0.0) <= budget + 1e-9:
            return False
        month = now.astimezone(dt.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        next_month = (month + dt.timedelta(days=32)).replace(day=1)
        why = (f"would pass {post['account']}'s monthly_budget of {budget:g} {self.config.quota.currency}; "
               f"held until {next_month:%Y-%m-%d}")
        queue.record_retry(self.db, now, post, why, next_month, counts=False, max_attempts=self.config.daemon.max_attempts)
        return True

    def _fetch_each(self, account: str, posts: list[dict], now: dt.datetime) -> list[int]:
        """Unknown posts of a channel that keys each post (Bluesky): fetch each by its key."""
        found = []
        for post in posts:
            try:
                remote = self.pool.get(account).find_post(post["id"], from_db(post["scheduled_at"]))
            except AdvocateError as exc:
                logger.warning("cannot reconcile post %s of %s: %s", post["id"], account, exc)
                continue
            if remote is not None:
                queue.reconcile_found(self.db, now, post, remote.remote_id, remote.url)
                found.append(post["id"])
        return found

    def next_wake(self, now: dt.datetime) -> dt.datetime | None:
        """The next moment something is due: a post (after its account's rate-limit reset), a deadline (plus grace)."""
        blocked = {row["name"]: row for row in self.db.query("SELECT * FROM accounts")}
        times = []
        for account in self.config.accounts:
            state = blocked.get(account, {})
            if state.get("paused"):
                continue
            due = self.db.execute(NEXT_DUE_SQL, [account]).fetchone()
            if due:
                frees = queue.cap_frees_at(self.db, account, now, self.config.posting.daily_cap)
                times.append(max(due[0], state.get("blocked_until") or "", to_db(frees) if frees else ""))
        grace = f"+{int(self.config.daemon.deadline_grace.total_seconds())} seconds"
        deadline = self.db.execute(
            "SELECT min(strftime('%Y-%m-%dT%H:%M:%S+00:00', deadline_at, ?)) FROM cases WHERE status = 'open'", [grace]).fetchone()[0]
        times += [deadline] if deadline else []
        if self.housekeeping and times:  # a digest is worth waking for only while something is under way
            from .notify import next_digest_at

            digest = next_digest_at(self.db, self.config, now)
            times += [to_db(digest)] if digest else []
        return from_db(min(times)) if times else None


# The first post of an account that can still go out, walking the due index in order.
NEXT_DUE_SQL = """
SELECT coalesce(p.retry_at, p.scheduled_at) FROM posts p INDEXED BY posts_due_at
JOIN cases c ON c.id = p.case_id
WHERE p.status = 'scheduled' AND p.account = ? AND c.status = 'open' AND c.paused = 0
  AND (c.deadline_at IS NULL OR c.deadline_at > coalesce(p.retry_at, p.scheduled_at))
ORDER BY coalesce(p.retry_at, p.scheduled_at), p.id LIMIT 1
"""


def _keys_posts(pool, account: str) -> bool:
    """Whether the account's channel finds a post by its own key (find_post); False when it cannot be built."""
    try:
        return hasattr(pool.get(account), "find_post")
    except AdvocateError:  # gone from config.toml: the timeline path logs it
        return False


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _same_text(remote: str, local: str) -> bool:
    """X shortens links and may change whitespace; compare what survives."""
    import re

    def norm(text):
        return " ".join(re.sub(r"https?://\S+", "", text).split()).casefold()

    return norm(remote) == norm(local)

