"""The dispatcher against X's answers: what each one does to a post, and what the user sees.

FakeX runs on loopback, so tweepy's real request and error code runs. The
clock is injected: each test says when every tick happens, and FakeX
stamps its posts with the same time.
"""

from __future__ import annotations

import datetime as dt
import types

import pytest

from advocate import cases
from advocate.db import open_db, write
from advocate.dispatch import ChannelPool, Dispatcher
from daemon_helpers import add_case, add_posts, cli_json, cli_run, open_campaign, post, write_config
from fake_x import DUPLICATE, TEST_ENV, FakeX, Reply

UTC = dt.UTC
NOW = dt.datetime(2030, 3, 2, 9, 0, tzinfo=UTC)
DEADLINE = dt.date(2030, 3, 20)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


class Clock:
    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def fake(clock):
    with FakeX(clock=clock) as fake:
        yield fake


def make_campaign(tmp_path, accounts: dict, **settings):
    path = write_config(tmp_path / "campaign", accounts, **settings)
    config, db = open_campaign(path)
    pool = ChannelPool(config, TEST_ENV)
    case_id = add_case(db, NOW, "Maryam Ahmadi", DEADLINE)
    return types.SimpleNamespace(path=path, config=config, db=db, pool=pool, case_id=case_id,
                                 dispatcher=Dispatcher(db, config, pool))


@pytest.fixture
def campaign(tmp_path, fake):
    space = make_campaign(tmp_path, {"org_x": fake.base_url})
    yield space
    space.pool.close()
    space.db.close()


def queue_entry(campaign, post_id, now=NOW) -> dict:
    return next(p for p in cli_json(campaign.path, "queue --all", now) if p["id"] == post_id)


def tick(campaign, clock, at):
    clock.at = at
    return campaign.dispatcher.tick(at)


# --- what each answer from X does -------------------------------------------


def test_a_due_post_is_sent_once_with_its_remote_id(campaign, fake, clock):
    [first, later] = add_posts(campaign.db, NOW, campaign.case_id, [NOW - MINUTE, NOW + 10 * MINUTE])

    result = tick(campaign, clock, NOW)
    assert result.sent == [first]
    shown = queue_entry(campaign, first)
    assert shown["status"] == "sent"
    assert shown["remote_id"] == fake.posts[0]["id"]
    assert shown["remote_id"] in shown["url"]
    assert queue_entry(campaign, later)["status"] == "scheduled"

    tick(campaign, clock, NOW + MINUTE)
    assert fake.create_counts[shown["text"]] == 1
    assert len(fake.seen("create")) == 1


def test_401_pauses_the_account_with_a_reason_and_keeps_the_post(campaign, fake, clock):
    [post_id] = add_posts(campaign.db, NOW, campaign.case_id, [NOW - MINUTE])
    fake.script(Reply.error(401))

    result = tick(campaign, clock, NOW)
    assert result.problems == [post_id]
    status = cli_json(campaign.path, "status", NOW)
    account = status["accounts"]["org_x"]
    assert account["paused"] is True
    assert "401" in account["paused_reason"] and "advocate queue resume --account org_x" in account["paused_reason"]
    assert queue_entry(campaign, post_id)["status"] == "scheduled"

    tick(campaign, clock, NOW + 30 * MINUTE)  # a paused account sends nothing
    assert len(fake.seen("create")) == 1

    assert cli_run(campaign.path, "account resume org_x", NOW + 31 * MINUTE).exit_code == 0
    tick(campaign, clock, NOW + 32 * MINUTE)
    assert queue_entry(campaign, post_id)["status"] == "sent"
    assert cli_json(campaign.path, "status", NOW + 32 * MINUTE)["accounts"]["org_x"]["paused"] is False


def test_429_blocks_only_that_account_until_the_reset(tmp_path, clock):
    with FakeX(clock=clock) as limited, FakeX(clock=clock) as other:
        space = make_campaign(tmp_path, {"org_x": limited.base_url, "other_x": other.base_url})
        try:
            reset = NOW + 10 * MINUTE
            headers = {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0",
                       "x-rate-limit-reset": str(int(reset.timestamp()))}
            limited.script(Reply.error(429, headers=headers))
            a1, a2 = add_posts(space.db, NOW, space.case_id, [NOW - 2 * MINUTE, NOW - MINUTE], account="org_x")
            [b1] = add_posts(space.db, NOW, space.case_id, [NOW - MINUTE], account="other_x",
                             texts=["Other account: free Maryam Ahmadi #UA001"])

            result = tick(space, clock, NOW)
            assert result.sent == [b1]
            assert len(limited.seen("create")) == 1  # a2 was not even tried
            waiting = queue_entry(space, a1)
            assert waiting["status"] == "scheduled" and "429" in waiting["error"]
            assert cli_json(space.path, "status", NOW)["accounts"]["org_x"]["blocked_until"] == reset.isoformat()
            assert cli_json(space.path, "status", NOW)["accounts"]["other_x"]["blocked_until"] is None
            assert space.dispatcher.next_wake(NOW) == reset

            tick(space, clock, reset - dt.timedelta(seconds=1))
            assert len(limited.seen("create")) == 1

            result = tick(space, clock, reset)
            assert sorted(result.sent) == [a1, a2]
            assert {queue_entry(space, i, reset)["status"] for i in (a1, a2, b1)} == {"sent"}
            assert limited.create_counts[post(space.db, a1)["text"]] == 2  # the 429, then the post
            assert limited.posted_count(post(space.db, a1)["text"]) == 1
        finally:
            space.pool.close()
            space.db.close()


def test_5xx_is_retried_with_growing_backoff_then_fails_with_the_reason(campaign, fake, clock):
    [post_id] = add_posts(campaign.db, NOW, campaign.case_id, [NOW - MINUTE])
    fake.handler = lambda seen: Reply.error(503)
    max_attempts = campaign.config.daemon.max_attempts

    at, tries = NOW, []
    for _ in range(max_attempts):
        tick(campaign, clock, at)
        tries.append(at)
        row = post(campaign.db, post_id)
        if row["status"] != "scheduled":
            break
        due = dt.datetime.fromisoformat(row["retry_at"])
        tick(campaign, clock, due - dt.timedelta(seconds=1))  # not before its time
        assert len(fake.seen("create")) == len(tries)
        at = due

    gaps = [b - a for a, b in zip(tries, tries[1:])]
    assert len(tries) == max_attempts
    assert all(g2 >= g1 for g1, g2 in zip(gaps, gaps[1:])) and gaps[-1] > gaps[0], gaps
    shown = queue_entry(campaign, post_id, at)
    assert shown["status"] == "failed"
    assert shown["error"] == f"gave up after {max_attempts} attempts: X answered 503: Service Unavailable"

    tick(campaign, clock, at + dt.timedelta(hours=2))
    assert len(fake.seen("create")) == max_attempts


def test_403_duplicate_fails_at_once_and_is_not_retried(campaign, fake, clock):
    [post_id] = add_posts(campaign.db, NOW, campaign.case_id, [NOW - MINUTE])
    fake.script(Reply.error(403, DUPLICATE))

    tick(campaign, clock, NOW)
    shown = queue_entry(campaign, post_id)
    assert shown["status"] == "failed"
    assert "duplicate content" in shown["error"]
    assert shown["attempts"] == 1

    tick(campaign, clock, NOW + dt.timedelta(hours=3))
    assert len(fake.seen("create")) == 1


def test_a_hang_leaves_the_post_unknown_and_it_is_never_sent_again(campaign, fake, clock):
    [post_id] = add_posts(campaign.db, NOW, campaign.case_id, [NOW - MINUTE])
    fake.script(Reply.hang())  # X never got it, but we cannot know that

    result = tick(campaign, clock, NOW)
    assert result.problems == [post_id] and result.reconciled == []
    shown = queue_entry(campaign, post_id)
    assert shown["status"] == "unknown"
    assert "may have gone out" in shown["error"]

    for minutes in (1, 30, 240):
        tick(campaign, clock, NOW + minutes * MINUTE)
    assert len(fake.seen("create")) == 1
    assert queue_entry(campaign, post_id)["status"] == "unknown"
    assert fake.seen("timeline")  # it was looked for

    # A human checked the account: it is not there; send it again.
    later = NOW + dt.timedelta(hours=5)
    assert cli_run(campaign.path, f"queue retry {post_id}", later).exit_code == 0
    tick(campaign, clock, later)
    assert queue_entry(campaign, post_id, later)["status"] == "sent"
    assert fake.posted_count(shown["text"]) == 1


def test_reconcile_finds_an_unknown_post_on_the_timeline(campaign, fake, clock):
    text = "Free Maryam Ahmadi & her lawyer <now> #UA042"  # X escapes & < > on the timeline
    [post_id] = add_posts(campaign.db, NOW, campaign.case_id, [NOW - MINUTE], texts=[text])
    fake.script(Reply.hang(create=True))  # X posted it, the answer was lost

    result = tick(campaign, clock, NOW)
    assert result.reconciled == [post_id]
    shown = queue_entry(campaign, post_id)
    assert shown["status"] == "sent"
    assert shown["remote_id"] == fake.posts[0]["id"]
    assert fake.create_counts[text] == 1


def test_unknown_posts_cost_one_timeline_look_per_account_every_few_minutes(campaign, fake, clock):
    # X's timeline look-ups are rate-limited hard; three unknown posts must not mean three calls a tick.
    ids = add_posts(campaign.db, NOW, campaign.case_id, [NOW - 3 * MINUTE, NOW - 2 * MINUTE, NOW - MINUTE])
    with write(campaign.db):
        campaign.db.execute("UPDATE posts SET status = 'unknown', claimed_at = ? WHERE id IN (?, ?, ?)",
                            [(NOW - MINUTE).isoformat(), *ids])
    tick(campaign, clock, NOW)
    assert len(fake.seen("timeline")) == 1
    tick(campaign, clock, NOW + MINUTE)
    assert len(fake.seen("timeline")) == 1
    tick(campaign, clock, NOW + 6 * MINUTE)
    assert len(fake.seen("timeline")) == 2


def test_an_interrupted_post_becomes_unknown_at_start_and_waits_for_a_human(campaign, fake, clock):
    posted, lost = add_posts(campaign.db, NOW, campaign.case_id, [NOW - 2 * MINUTE, NOW - MINUTE])
    with write(campaign.db):
        campaign.db.execute("UPDATE posts SET status = 'sending', claimed_at = ? WHERE id IN (?, ?)",
                            [(NOW - MINUTE).isoformat(), posted, lost])
    # The daemon died after X created `posted`, and before it sent `lost`.
    fake._create(post(campaign.db, posted)["text"], status="created before the crash")

    assert campaign.dispatcher.start(NOW) == [posted, lost]
    tick(campaign, clock, NOW)
    assert queue_entry(campaign, posted)["status"] == "sent"
    assert queue_entry(campaign, posted)["remote_id"] == fake.posts[0]["id"]
    assert queue_entry(campaign, lost)["status"] == "unknown"
    assert fake.seen("create") == []  # nothing re-sent

    assert cli_run(campaign.path, f"queue confirm {lost} --remote-id 123", NOW).exit_code == 0
    tick(campaign, clock, NOW + MINUTE)
    assert queue_entry(campaign, lost)["status"] == "sent"
    assert fake.seen("create") == []


# --- closed cases and deadlines ------------------------------------------------


def test_a_case_closed_while_a_post_is_in_flight_gets_nothing_more(campaign, fake, clock):
    first, second = add_posts(campaign.db, NOW, campaign.case_id, [NOW - 2 * MINUTE, NOW - MINUTE])

    def close_during_first_create(seen):
        other = open_db(campaign.config.database)  # another process, in effect
        cases.close_case(other, NOW, campaign.case_id, "final update")
        other.close()
        fake.handler = None

    fake.handler = close_during_first_create
    result = tick(campaign, clock, NOW)
    assert result.sent == [first]
    assert len(fake.seen("create")) == 1
    shown = queue_entry(campaign, second)
    assert shown["status"] == "cancelled" and "case closed" in shown["error"]


def test_the_claim_rechecks_the_case_even_if_a_post_stayed_scheduled(campaign, fake, clock):
    [post_id] = add_posts(campaign.db, NOW, campaign.case_id, [NOW - MINUTE])
    with write(campaign.db):  # a writer that closed the case but left its post scheduled
        campaign.db.execute("UPDATE cases SET status = 'closed', closed_reason = 'closed by user' WHERE id = ?",
                            [campaign.case_id])

    tick(campaign, clock, NOW)
    assert fake.seen("create") == []
    assert post(campaign.db, post_id)["status"] == "scheduled"


def test_a_paused_case_posts_nothing_until_resumed(campaign, fake, clock):
    [post_id] = add_posts(campaign.db, NOW, campaign.case_id, [NOW - MINUTE])
    assert cli_run(campaign.path, f"case pause {campaign.case_id}", NOW).exit_code == 0
    tick(campaign, clock, NOW)
    assert fake.seen("create") == []
    assert cli_run(campaign.path, f"case resume {campaign.case_id}", NOW).exit_code == 0
    tick(campaign, clock, NOW + MINUTE)
    assert queue_entry(campaign, post_id)["status"] == "sent"


def test_a_passed_deadline_closes_the_case_and_nothing_goes_out(campaign, fake, clock):
    ends = dt.datetime(2030, 3, 21, tzinfo=UTC)  # the end of DEADLINE in UTC
    before, after = add_posts(campaign.db, NOW, campaign.case_id, [ends - 10 * MINUTE, ends + 10 * MINUTE])

    result = tick(campaign, clock, ends + 5 * MINUTE)  # the daemon was slow: 15 min late, not stale
    assert result.expired == [campaign.case_id]
    [case] = cli_json(campaign.path, "case list", ends)
    assert case["status"] == "closed" and case["closed_reason"] == "deadline passed"
    assert {queue_entry(campaign, i, ends)["status"] for i in (before, after)} == {"cancelled"}

    tick(campaign, clock, ends + 20 * MINUTE)
    assert fake.seen("create") == []
    assert campaign.dispatcher.next_wake(ends + 20 * MINUTE) is None


# --- downtime ----------------------------------------------------------------------


def run_until_idle(campaign, clock, start, until):
    """Tick like the daemon: at each next wake-up, until nothing is due before `until`."""
    at = start
    while True:
        tick(campaign, clock, at)
        wake = campaign.dispatcher.next_wake(at)
        if wake is None or wake > until:
            return
        at = max(wake, at + dt.timedelta(seconds=1))


def test_posts_missed_during_downtime_are_spread_out_not_sent_in_a_burst(campaign, fake, clock):
    spacing = dt.timedelta(minutes=campaign.config.posting.min_spacing_minutes)
    missed = add_posts(campaign.db, NOW, campaign.case_id,
                       [NOW - dt.timedelta(hours=5) + i * 20 * MINUTE for i in range(6)])

    result = tick(campaign, clock, NOW)  # back after five hours down
    assert sorted(result.moved) == missed
    assert len(result.sent) <= 1
    planned = sorted(dt.datetime.fromisoformat(queue_entry(campaign, i)["scheduled_at"])
                     for i in missed if i not in result.sent)
    assert all(at >= NOW for at in planned)
    assert all(b - a >= spacing for a, b in zip(planned, planned[1:]))

    run_until_idle(campaign, clock, NOW + MINUTE, NOW + dt.timedelta(days=1))
    sent_at = sorted(dt.datetime.fromisoformat(p["created_at"].replace("Z", "+00:00")) for p in fake.posts)
    assert len(sent_at) == len(missed)
    assert all(b - a >= spacing for a, b in zip(sent_at, sent_at[1:]))
    assert all(count == 1 for count in fake.create_counts.values())


def test_a_post_a_little_late_goes_out_at_once(campaign, fake, clock):
    stale = campaign.config.posting.stale_after_minutes
    [post_id] = add_posts(campaign.db, NOW, campaign.case_id, [NOW - (stale - 1) * MINUTE])
    result = tick(campaign, clock, NOW)
    assert result.sent == [post_id] and result.moved == []


def test_missed_posts_of_a_case_without_deadline_are_moved_too(campaign, fake, clock):
    open_ended = add_case(campaign.db, NOW, "Ali Rahimi", None)
    [post_id] = add_posts(campaign.db, NOW, open_ended, [NOW - dt.timedelta(hours=3)])

    result = tick(campaign, clock, NOW)
    assert result.moved == [post_id]
    assert post(campaign.db, post_id)["status"] in ("scheduled", "sent")


def test_claim_and_wake_up_walk_the_due_index_not_the_whole_queue(campaign):
    # At 100,000 queued posts a full sort took 34 ms (claim) and 64 ms (wake-up) every poll.
    from advocate.dispatch import NEXT_DUE_SQL
    from advocate.queue import CLAIM_SQL

    claim_plan = campaign.db.execute("EXPLAIN QUERY PLAN " + CLAIM_SQL, {"now": "x", "accounts": "[]", "day_ago": "x", "daily_cap": 1}).fetchall()
    wake_plan = campaign.db.execute("EXPLAIN QUERY PLAN " + NEXT_DUE_SQL, ["org_x"]).fetchall()
    for plan in (claim_plan, wake_plan):
        details = " ".join(row[3] for row in plan)
        assert "posts_due_at" in details and "TEMP B-TREE" not in details


# --- what the reviewer found -------------------------------------------------------


def test_a_channel_that_crashes_leaves_the_post_unknown_not_stuck_sending(campaign, fake, clock, monkeypatch):
    [post_id] = add_posts(campaign.db, NOW, campaign.case_id, [NOW - MINUTE])
    channel = campaign.pool.get("org_x")
    monkeypatch.setattr(channel, "publish", lambda post, now: 1 / 0)
    result = tick(campaign, clock, NOW)
    assert result.problems == [post_id]
    shown = queue_entry(campaign, post_id)
    assert shown["status"] == "unknown"
    assert "ZeroDivisionError" in shown["error"]


def test_x_calling_a_retry_a_duplicate_means_the_first_try_went_out(campaign, fake, clock):
    # X answered 503 but had posted; the retry is refused as duplicate content.
    [post_id] = add_posts(campaign.db, NOW, campaign.case_id, [NOW - MINUTE])
    text = post(campaign.db, post_id)["text"]
    fake.script(Reply.error(503))
    fake._create(text, status="posted before the 503")
    tick(campaign, clock, NOW)
    assert post(campaign.db, post_id)["status"] == "scheduled"
    later = dt.datetime.fromisoformat(post(campaign.db, post_id)["retry_at"])
    tick(campaign, clock, later)
    shown = queue_entry(campaign, post_id, later)
    assert shown["status"] == "sent"  # found on the timeline by reconciliation
    assert shown["remote_id"] == fake.posts[0]["id"]


def test_an_unknown_post_of_an_account_gone_from_the_config_does_not_stop_the_ticks(tmp_path, fake, clock):
    space = make_campaign(tmp_path, {"org_x": fake.base_url})
    [lost] = add_posts(space.db, NOW, space.case_id, [NOW - MINUTE], account="old_account")
    with write(space.db):
        space.db.execute("UPDATE posts SET status = 'unknown', claimed_at = ? WHERE id = ?", [NOW.isoformat(), lost])
    [due] = add_posts(space.db, NOW, space.case_id, [NOW], texts=["Free Maryam Ahmadi today #UA001"])
    clock.at = NOW
    result = space.dispatcher.tick(NOW)
    assert result.sent == [due]
    assert post(space.db, lost)["status"] == "unknown"
    space.pool.close()
    space.db.close()


def test_the_daily_cap_is_a_rolling_24_hours_like_xs(tmp_path, fake, clock):
    space = make_campaign(tmp_path, {"org_x": fake.base_url}, daily_cap=2)
    evening = NOW.replace(hour=20, minute=50)
    ids = add_posts(space.db, NOW, space.case_id, [evening, evening + MINUTE, evening + 12 * HOUR],
                    texts=["Free Maryam Ahmadi #UA001", "Write for Maryam Ahmadi #UA001", "Maryam Ahmadi needs you #UA001"])
    for at in (evening, evening + MINUTE, evening + 12 * HOUR):
        clock.at = at
        space.dispatcher.tick(at)
    assert [post(space.db, i)["status"] for i in ids] == ["sent", "sent", "scheduled"]
    # The cap frees when the first post is 24 hours old, and the daemon wakes for it then.
    assert space.dispatcher.next_wake(evening + 12 * HOUR) == evening + 24 * HOUR
    clock.at = evening + 24 * HOUR
    space.dispatcher.tick(clock.at)
    assert post(space.db, ids[2])["status"] == "sent"
    space.pool.close()
    space.db.close()


def test_two_mentions_of_one_official_in_a_day_are_held_however_they_got_due(campaign, fake, clock):
    # `queue move` and `post-now` can put two mentioning posts on one day; the dispatcher still holds the second.
    first, second = add_posts(campaign.db, NOW, campaign.case_id, [NOW - MINUTE, NOW],
                              texts=["@GenProkRK, release Maryam Ahmadi #UA001", "@genprokrk: free Maryam Ahmadi now #UA001"])
    tick(campaign, clock, NOW)
    assert post(campaign.db, first)["status"] == "sent"
    held = queue_entry(campaign, second)
    assert held["status"] == "scheduled" and "within 24 hours" in held["error"]
    assert dt.datetime.fromisoformat(held["retry_at"]) == NOW + HOUR * 24  # 24 hours after the first went out
    assert len(fake.seen("create")) == 1
    tick(campaign, clock, NOW + HOUR * 24)
    assert post(campaign.db, second)["status"] == "sent"
