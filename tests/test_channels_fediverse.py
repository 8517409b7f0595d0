"""The channel contract over all four networks, then Mastodon and Bluesky on their own.

Mastodon runs against FakeMastodon and Bluesky against FakeBluesky on
loopback, so Mastodon.py's and atproto's own request and error code runs;
only the host differs. test_channels.py holds X's own tests.
"""

import datetime as dt
import json
import socket
import subprocess
import sys
import time

import pytest
import requests
from mastodon import MastodonNetworkError

import fake_bluesky as bsky
import fake_mastodon as masto
from advocate.channels import make_channel
from advocate.channels.bluesky import BlueskyChannel
from advocate.channels.mastodon import MastodonChannel, classify_error, html_to_text, idempotency_key
from advocate.errors import ChannelError
from fake_mastodon import Reply
from fake_x import TEST_ENV as X_ENV
from fake_x import FakeX
from fake_x import Reply as XReply
from test_channels import NOW, TIMEOUT, a_post, unix, x_settings

LATER = NOW + dt.timedelta(minutes=7)
SECRETS = (masto.TEST_TOKEN, bsky.TEST_PASSWORD, X_ENV["ADVOCATE_X_API_SECRET"], X_ENV["ADVOCATE_X_ACCESS_SECRET"])
CYRILLIC = "Свободу #Bilash @someone.bsky.social https://example.org"


# --- one harness per network: a fake, a channel, and how to make it fail ---------------


class Harness:
    network = account = ""
    env: dict = {}
    secret_var = ""  # the environment variable whose value a wrong secret replaces
    fake = None

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self._built = []

    def __enter__(self):
        if self.fake is not None:
            self.fake.start()
        self.channel = self.build()
        return self

    def __exit__(self, *exc):
        for channel in self._built:
            channel.close()
        if self.fake is not None:
            self.fake.stop()

    def build(self, env=None):
        channel = make_channel(self.account, self.settings(), env or self.env, base_dir=self.tmp_path)
        self._built.append(channel)
        return channel

    def with_wrong_secret(self):
        return self.build({**self.env, self.secret_var: "SECRET-wrong-one"})


class DryRunHarness(Harness):
    network, account = "dryrun", "org_dry"

    def settings(self):
        return {"type": "dryrun", "outbox": "rehearsal/outbox.jsonl"}

    def posted_count(self, text):
        lines = (self.tmp_path / "rehearsal/outbox.jsonl").read_text().splitlines()
        return sum(1 for line in lines if json.loads(line)["text"] == text)


class XHarness(Harness):
    network, account, env, secret_var = "x", "org_x", X_ENV, "ADVOCATE_X_API_SECRET"

    def __init__(self, tmp_path):
        super().__init__(tmp_path)
        self.fake = FakeX(clock=lambda: NOW)

    def settings(self):
        return x_settings(self.fake)

    def rate_limit(self, reset):
        self.fake.script(XReply.error(429, headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": unix(reset)}))

    def hang_after_posting(self):
        self.fake.script(XReply.hang(create=True))

    def posted_count(self, text):
        return self.fake.posted_count(text)


class MastodonHarness(Harness):
    network, account, env, secret_var = "mastodon", "org_masto", masto.TEST_ENV, "ADVOCATE_MASTODON_ACCESS_TOKEN"

    def __init__(self, tmp_path):
        super().__init__(tmp_path)
        self.fake = masto.FakeMastodon(clock=lambda: NOW)

    def settings(self, **extra):
        return {"type": "mastodon", "base_url": self.fake.base_url, "timeout": TIMEOUT, **extra}

    def rate_limit(self, reset):
        self.fake.script(masto.rate_limited(reset))

    def hang_after_posting(self):
        self.fake.script(Reply.hang(create=True))

    def posted_count(self, text):
        return self.fake.posted_count(text)


class BlueskyHarness(Harness):
    network, account, env, secret_var = "bluesky", "org_bsky", bsky.TEST_ENV, "ADVOCATE_BLUESKY_APP_PASSWORD"

    def __init__(self, tmp_path):
        super().__init__(tmp_path)
        self.fake = bsky.FakeBluesky(clock=lambda: NOW)

    def settings(self, **extra):
        return {"type": "bluesky", "base_url": self.fake.base_url, "handle": bsky.TEST_HANDLE,
                "timeout": TIMEOUT, **extra}

    def rate_limit(self, reset):
        self.fake.script(bsky.rate_limited(reset))

    def hang_after_posting(self):
        self.fake.script(Reply.hang(create=True))

    def posted_count(self, text):
        return self.fake.posted_count(text)


HARNESSES = {h.network: h for h in (DryRunHarness, XHarness, MastodonHarness, BlueskyHarness)}


@pytest.fixture(params=sorted(HARNESSES))
def net(request, tmp_path):
    with HARNESSES[request.param](tmp_path) as harness:
        yield harness


@pytest.fixture(params=["bluesky", "mastodon", "x"])
def remote(request, tmp_path):
    """The networks that can refuse, limit or lose a post (not the dry run)."""
    with HARNESSES[request.param](tmp_path) as harness:
        yield harness


@pytest.fixture
def mastodon(tmp_path):
    with MastodonHarness(tmp_path) as harness:
        yield harness


@pytest.fixture
def bluesky(tmp_path):
    with BlueskyHarness(tmp_path) as harness:
        yield harness


# --- the contract, over every network ----------------------------------------------------


def test_contract_published_post_is_found_among_recent_posts(net):
    channel = net.channel
    assert channel.recent_posts(since=NOW - dt.timedelta(hours=1)) == []

    result = channel.publish(a_post(), NOW)

    assert result.outcome == "sent" and result.remote_id and result.error is None
    found = channel.recent_posts(since=NOW - dt.timedelta(hours=1))
    assert [(p.remote_id, p.text, p.created_at) for p in found] == [(result.remote_id, a_post().text, NOW)]
    assert channel.recent_posts(since=NOW + dt.timedelta(minutes=1)) == []


# Sending the same post (same post id and text) twice, as a retry would:
# X refuses duplicate text; Mastodon's idempotency key answers the status it
# already made; Bluesky has no duplicate detection and posts it again, which
# is why the dispatcher reconciles an unknown outcome instead of resending.
SAME_POST_TWICE = {
    "dryrun": ("sent", True, 2),  # the outbox is a log of attempts
    "x": ("failed", None, 1),
    "mastodon": ("sent", True, 1),
    "bluesky": ("sent", False, 2),
}


def test_contract_the_same_post_twice(net):
    first = net.channel.publish(a_post(), NOW)

    again = net.channel.publish(a_post(), NOW)

    outcome, same_id, copies = SAME_POST_TWICE[net.network]
    assert first.outcome == "sent" and again.outcome == outcome
    if same_id is not None:
        assert (again.remote_id == first.remote_id) is same_id
    assert net.posted_count(a_post().text) == copies


def test_contract_rate_limit_says_when_to_retry(remote):
    remote.rate_limit(LATER)

    result = remote.channel.publish(a_post(), NOW)

    assert (result.outcome, result.retry_at, result.remote_id) == ("rate_limited", LATER, None)
    assert "429" in result.error and "retry at 2026-03-02 09:37:00 UTC" in result.error


def test_contract_wrong_secret_is_auth_failed_without_echoing_it(remote):
    result = remote.with_wrong_secret().publish(a_post(), NOW)

    assert result.outcome == "auth_failed" and "\n" not in result.error
    assert not any(secret in result.error for secret in (*SECRETS, "SECRET-wrong-one"))
    assert remote.posted_count(a_post().text) == 0


def test_contract_lost_answer_is_unknown_and_reconciles(remote):
    remote.hang_after_posting()  # the network posted it; the answer never came
    started = time.monotonic()

    result = remote.channel.publish(a_post(), NOW)

    assert time.monotonic() - started < TIMEOUT + 1.0
    assert result.outcome == "unknown" and result.retry_at is None and "may have gone out" in result.error
    found = remote.channel.recent_posts(NOW - dt.timedelta(minutes=5))
    assert [p.text for p in found] == [a_post().text]
    assert remote.fake.create_counts[a_post().text] == 1


def test_registry_imports_only_the_client_it_needs(tmp_path):
    code = f"""
import sys
from advocate.channels import make_channel
heavy = ('tweepy', 'mastodon', 'atproto_client')
make_channel('d', {{'type': 'dryrun', 'outbox': {str(tmp_path / 'o.jsonl')!r}}}, {{}})
assert not any(m in sys.modules for m in heavy), 'dry run imported a client library'
make_channel('m', {{'type': 'mastodon'}}, {masto.TEST_ENV!r})
assert 'tweepy' not in sys.modules and 'atproto_client' not in sys.modules
"""
    subprocess.run([sys.executable, "-c", code], check=True)


# --- Mastodon ------------------------------------------------------------------------------


def test_mastodon_defaults_and_no_request_when_built(mastodon):
    channel = make_channel("org_masto", {"type": "mastodon"}, masto.TEST_ENV)

    assert isinstance(channel, MastodonChannel) and channel.base_url == "https://mastodon.social" and channel.visibility == "public"
    assert channel.client.request_timeout == 10.0 and channel.client.ratelimit_method == "throw"
    assert mastodon.fake.requests == []  # the harness's channel asked nothing either


def test_mastodon_sends_text_visibility_token_and_idempotency_key(mastodon):
    channel = make_channel("org_masto", mastodon.settings(visibility="unlisted"), masto.TEST_ENV)

    result = channel.publish(a_post(post_id=7), NOW)

    (create,) = mastodon.fake.seen("create")
    assert (create.body["status"], create.body["visibility"]) == (a_post().text, "unlisted")
    assert create.headers["authorization"] == f"Bearer {masto.TEST_TOKEN}"
    assert create.headers["idempotency-key"] == idempotency_key(a_post(post_id=7))
    assert idempotency_key(a_post(post_id=7)).startswith("advocate-post-7-")
    assert result.url == f"{mastodon.fake.base_url}/@advocate_test/{result.remote_id}"
    channel.close()


@pytest.mark.parametrize(
    "lost", [Reply.hang(create=True), Reply.drop(create=True), masto.error(503)], ids=["hang", "drop", "503"]
)
def test_mastodon_retry_of_the_same_post_makes_one_status(mastodon, lost):
    mastodon.fake.script(lost)
    first = mastodon.channel.publish(a_post(post_id=5), NOW)

    again = mastodon.channel.publish(a_post(post_id=5), NOW)

    assert first.outcome in ("unknown", "retry") and again.outcome == "sent"
    assert mastodon.fake.create_counts[a_post().text] == 2
    assert mastodon.posted_count(a_post().text) == 1
    assert again.remote_id == mastodon.fake.statuses[0]["id"]


def test_mastodon_reused_post_id_with_new_text_is_a_new_status(mastodon):
    # A fresh database starts its post ids at 1 again; the key must not
    # hand back last campaign's status.
    first = mastodon.channel.publish(a_post(post_id=1, text="old campaign"), NOW)
    second = mastodon.channel.publish(a_post(post_id=1, text="new campaign"), NOW)

    assert first.remote_id != second.remote_id and len(mastodon.fake.statuses) == 2


@pytest.mark.parametrize(
    "reply, outcome, retry_at, error",
    [
        pytest.param(masto.error(429, headers={"X-RateLimit-Reset": unix(LATER)}), "rate_limited", LATER,
                     "Mastodon answered 429: Too many requests (rate limit reached", id="429-unix-seconds"),
        pytest.param(masto.error(429), "rate_limited", NOW + dt.timedelta(minutes=15),
                     "no reset time given", id="429-no-header"),
        pytest.param(masto.rate_limited(NOW - dt.timedelta(minutes=1)), "rate_limited",
                     NOW + dt.timedelta(seconds=30), "rate limit reached", id="429-reset-in-the-past"),
        pytest.param(masto.error(401), "auth_failed", None, "Mastodon answered 401: The access token is invalid",
                     id="401"),
        pytest.param(masto.error(403), "auth_failed", None, "Mastodon answered 403: This action is outside",
                     id="403-scope"),
        pytest.param(masto.error(422), "failed", None,
                     "Mastodon answered 422: Validation failed: Text character limit of 500 exceeded", id="422"),
        pytest.param(masto.error(404), "failed", None, "Mastodon answered 404: Record not found", id="404"),
        pytest.param(masto.error(500), "retry", NOW + dt.timedelta(minutes=1), "Mastodon answered 500", id="500"),
        pytest.param(masto.error(503), "retry", NOW + dt.timedelta(minutes=1), "Mastodon answered 503", id="503"),
        pytest.param(Reply.status_of(200, {"content": "<p>?</p>"}), "unknown", None, "no status id", id="200-no-id"),
    ],
)
def test_mastodon_error_becomes(mastodon, reply, outcome, retry_at, error):
    mastodon.fake.script(reply)

    result = mastodon.channel.publish(a_post(), NOW)

    assert (result.outcome, result.retry_at, result.remote_id) == (outcome, retry_at, None)
    assert error in result.error and "\n" not in result.error and masto.TEST_TOKEN not in result.error


def test_mastodon_too_long_text_is_refused_for_good(mastodon):
    result = mastodon.channel.publish(a_post(text="x" * 501), NOW)

    assert result.outcome == "failed" and "character limit of 500" in result.error


def test_mastodon_nothing_listening_is_retry():
    result = make_channel("m", {"type": "mastodon", "base_url": f"http://127.0.0.1:{_free_port()}",
                                "timeout": TIMEOUT}, masto.TEST_ENV).publish(a_post(), NOW)

    assert (result.outcome, result.retry_at) == ("retry", NOW + dt.timedelta(minutes=1))
    assert result.error == ("could not reach Mastodon: the connection to Mastodon failed "
                            "(connection refused or host unreachable)")


@pytest.mark.parametrize(
    "cause, outcome",
    [(requests.ConnectTimeout(), "retry"), (requests.ReadTimeout(), "unknown"),
     (requests.exceptions.SSLError(), "retry"), (requests.exceptions.ChunkedEncodingError(), "unknown")],
)
def test_mastodon_classifies_whether_the_request_left(cause, outcome):
    # Mastodon.py wraps requests' error without `from`, as here.
    try:
        try:
            raise cause
        except Exception as exc:
            raise MastodonNetworkError(f"Could not complete request: {exc}")  # noqa: B904 (imitates the library)
    except MastodonNetworkError as wrapped:
        assert classify_error(wrapped, None, NOW).outcome == outcome


def test_mastodon_recent_posts_turn_html_back_into_the_text(mastodon):
    text = ("Write to the Minister & demand <justice> for \"Ana\" #FreeAna @someone@other.example @local\n"
            "https://www.amnesty.org/en/documents/mde13/1234/2026/en/\n\nThank you!")
    sent = mastodon.channel.publish(a_post(text=text), NOW)

    (found,) = mastodon.channel.recent_posts(NOW - dt.timedelta(minutes=1))

    assert "<span class=\"invisible\">" in mastodon.fake.statuses[0]["content"]  # what really came back
    assert (found.remote_id, found.text, found.url) == (sent.remote_id, text, sent.url)
    assert len(mastodon.fake.seen("me")) == 1
    mastodon.channel.recent_posts(NOW - dt.timedelta(minutes=1))
    assert len(mastodon.fake.seen("me")) == 1  # who am I is asked once


def test_html_to_text_keeps_line_breaks_and_unescapes():
    content = "<p>a &amp; b<br />c&#39;s</p><p>d</p>"
    assert html_to_text(content, []) == "a & b\nc's\n\nd"


def test_mastodon_recent_posts_failure_is_a_channel_error(mastodon):
    mastodon.fake.script(masto.error(503), route="me")

    with pytest.raises(ChannelError, match="account 'org_masto': could not list its recent posts on Mastodon: "
                                           "Mastodon answered 503"):
        mastodon.channel.recent_posts(NOW)


# --- Bluesky ----------------------------------------------------------------------------


def test_bluesky_facets_count_utf8_bytes(bluesky):
    result = bluesky.channel.publish(a_post(text=CYRILLIC), NOW)

    assert result.outcome == "sent"
    (record,) = bluesky.fake.records
    raw = CYRILLIC.encode("utf-8")
    spans = [(f["index"]["byteStart"], f["index"]["byteEnd"], f["features"][0]) for f in record["record"]["facets"]]
    assert [(start, end) for start, end, _ in spans] == [(15, 22), (23, 43), (44, 63)]
    assert [raw[start:end].decode() for start, end, _ in spans] == [
        "#Bilash", "@someone.bsky.social", "https://example.org"]
    assert [feature for _, _, feature in spans] == [
        {"$type": "app.bsky.richtext.facet#tag", "tag": "Bilash"},
        {"$type": "app.bsky.richtext.facet#mention", "did": bsky.KNOWN_HANDLES["someone.bsky.social"]},
        {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org"},
    ]
    assert record["record"]["text"] == CYRILLIC and record["record"]["createdAt"] == "2026-03-02T09:30:00.000Z"


@pytest.mark.parametrize(
    "mention, resolver",
    [("@nobody.bsky.social", None), ("@someone.bsky.social", bsky.error(503))],
    ids=["unknown-handle", "resolver-down"],
)
def test_bluesky_unresolvable_mention_stays_plain_text(bluesky, mention, resolver):
    if resolver is not None:
        bluesky.fake.script(resolver, route="resolve")

    result = bluesky.channel.publish(a_post(text=f"Ask {mention} to act #UA042"), NOW)

    assert result.outcome == "sent"
    features = [f["features"][0]["$type"] for f in bluesky.fake.records[0]["record"]["facets"]]
    assert features == ["app.bsky.richtext.facet#tag"]


def test_bluesky_plain_text_has_no_facets(bluesky):
    bluesky.channel.publish(a_post(text="Nothing to click here."), NOW)

    assert "facets" not in bluesky.fake.records[0]["record"]


def test_bluesky_logs_in_once_and_links_to_the_post(bluesky):
    first = bluesky.channel.publish(a_post(1, "one"), NOW)
    second = bluesky.channel.publish(a_post(2, "two"), NOW)
    bluesky.channel.recent_posts(NOW)

    assert len(bluesky.fake.seen("login")) == 1
    rkey = first.remote_id.rsplit("/", 1)[1]
    assert first.remote_id == f"at://{bsky.TEST_DID}/app.bsky.feed.post/{rkey}" and len(rkey) == 13
    assert first.url == f"https://bsky.app/profile/{bsky.TEST_HANDLE}/post/{rkey}"
    assert second.remote_id != first.remote_id


def test_bluesky_expired_session_logs_in_again_and_posts_once(bluesky):
    assert bluesky.channel.publish(a_post(1, "one"), NOW).outcome == "sent"
    bluesky.fake.expire_sessions()

    result = bluesky.channel.publish(a_post(2, "two"), NOW)

    assert result.outcome == "sent" and len(bluesky.fake.seen("login")) == 2
    assert bluesky.fake.create_counts["two"] == 2 and bluesky.posted_count("two") == 1


@pytest.mark.parametrize(
    "reply, outcome, retry_at, error",
    [
        pytest.param(bsky.error(429), "rate_limited", NOW + dt.timedelta(minutes=15), "no reset time given",
                     id="429-no-header"),
        pytest.param(bsky.error(400, "InvalidRecord", "Record/text must not be longer than 300 graphemes"),
                     "failed", None, "Bluesky answered 400: InvalidRecord: Record/text must not be longer",
                     id="400-invalid-record"),
        pytest.param(bsky.error(401, "AccountTakedown", "Account has been taken down"), "auth_failed", None,
                     "Bluesky answered 401: AccountTakedown", id="401"),
        pytest.param(bsky.error(500), "unknown", None, "Bluesky answered 500", id="500"),  # no idempotency key: reconcile
        pytest.param(bsky.error(502), "unknown", None, "Bluesky answered 502", id="502"),  # no idempotency key: reconcile
        pytest.param(bsky.error(503), "unknown", None, "Bluesky answered 503", id="503"),  # no idempotency key: reconcile
        pytest.param(bsky.error(504), "unknown", None, "may have gone out", id="504"),
        pytest.param(Reply.drop(create=True), "unknown", None,
                     "the connection to Bluesky failed (RemoteProtocolError); the post may have gone out", id="drop"),
    ],
)
def test_bluesky_error_becomes(bluesky, reply, outcome, retry_at, error):
    bluesky.fake.script(reply)

    result = bluesky.channel.publish(a_post(), NOW)

    assert (result.outcome, result.retry_at, result.remote_id) == (outcome, retry_at, None)
    assert error in result.error and "\n" not in result.error and bsky.TEST_PASSWORD not in result.error


@pytest.mark.parametrize(
    "reply, outcome",
    [(bsky.rate_limited(LATER), "rate_limited"), (bsky.error(503), "retry"), (Reply.hang(), "retry")],
    ids=["429", "503", "hang"],
)
def test_bluesky_login_failures_never_post(bluesky, reply, outcome):
    bluesky.fake.script(reply, route="login")

    result = bluesky.channel.publish(a_post(), NOW)

    assert result.outcome == outcome and bluesky.fake.seen("create") == []
    assert bluesky.channel.publish(a_post(), NOW).outcome == "sent"  # logs in again next time


def test_bluesky_too_long_for_the_lexicon_is_failed_without_a_request(bluesky):
    result = bluesky.channel.publish(a_post(text="x" * 3001), NOW)

    assert result.outcome == "failed" and result.error.startswith("Bluesky would refuse this post: text: ")
    assert bluesky.fake.seen("create") == []


def test_bluesky_nothing_listening_is_retry():
    settings = {"type": "bluesky", "base_url": f"http://127.0.0.1:{_free_port()}", "handle": "a.bsky.social",
                "timeout": TIMEOUT}

    result = make_channel("b", settings, bsky.TEST_ENV).publish(a_post(), NOW)

    assert (result.outcome, result.retry_at) == ("retry", NOW + dt.timedelta(minutes=1))
    assert result.error == ("could not log in to Bluesky: the connection to Bluesky failed "
                            "(connection refused or host unreachable)")


def test_bluesky_recent_posts_leave_out_reposts(bluesky):
    sent = bluesky.channel.publish(a_post(), NOW)
    bluesky.fake.repost("Someone else's words")

    found = bluesky.channel.recent_posts(NOW - dt.timedelta(minutes=1))

    assert [(p.remote_id, p.text, p.url) for p in found] == [(sent.remote_id, a_post().text, sent.url)]


def test_bluesky_recent_posts_failure_is_a_channel_error(bluesky):
    bluesky.fake.script(bsky.error(503), route="feed")

    with pytest.raises(ChannelError, match="account 'org_bsky': could not list its recent posts on Bluesky: "
                                           "Bluesky answered 503"):
        bluesky.channel.recent_posts(NOW)


# --- settings: secrets only from the environment ------------------------------------------


@pytest.mark.parametrize(
    "settings, env, message",
    [
        ({"type": "mastodon"}, {}, "environment variable ADVOCATE_MASTODON_ACCESS_TOKEN is not set; export it"),
        ({"type": "mastodon", "credentials_env": {"access_token": "ORG_TOKEN"}}, masto.TEST_ENV,
         "environment variable ORG_TOKEN is not set"),
        ({"type": "mastodon", "visibility": "everyone"}, masto.TEST_ENV,
         "visibility 'everyone' must be one of: public, unlisted, private, direct"),
        ({"type": "mastodon", "base_url": "mastodon.social"}, masto.TEST_ENV,
         "base_url 'mastodon.social' is not an http(s) URL"),
        ({"type": "mastodon", "acces_token": "x"}, masto.TEST_ENV, "unknown setting 'acces_token'"),
        ({"type": "bluesky", "handle": "a.bsky.social"}, {},
         "environment variable ADVOCATE_BLUESKY_APP_PASSWORD is not set; export it"),
        ({"type": "bluesky"}, bsky.TEST_ENV, "no Bluesky handle; set handle = \"org.bsky.social\""),
        ({"type": "bluesky", "handle": "my handle"}, bsky.TEST_ENV, "handle 'my handle' is not a Bluesky handle"),
        ({"type": "bluesky", "handle": "a.bsky.social", "timeout": 0}, bsky.TEST_ENV,
         "timeout 0 must be a number of seconds above 0"),
        ({"type": "bluesky", "handle": "a.bsky.social", "credentials_env": {"password": "P"}}, bsky.TEST_ENV,
         "unknown setting 'password'"),
    ],
)
def test_fediverse_bad_settings_name_the_account_and_the_fix(settings, env, message):
    with pytest.raises(ChannelError, match="account 'acct'") as raised:
        make_channel("acct", settings, env)
    assert message in str(raised.value)


def test_mastodon_token_variable_can_be_set_per_account(mastodon):
    env = {"ORG_TOKEN": masto.TEST_TOKEN}

    channel = make_channel("org_masto", mastodon.settings(credentials_env={"access_token": "ORG_TOKEN"}), env)

    assert channel.publish(a_post(), NOW).outcome == "sent"
    channel.close()


def test_bluesky_handle_and_password_from_the_environment(bluesky):
    env = {"ORG_BSKY_PASSWORD": bsky.TEST_PASSWORD, "ADVOCATE_BLUESKY_HANDLE": "@" + bsky.TEST_HANDLE}
    settings = {"type": "bluesky", "base_url": bluesky.fake.base_url, "timeout": TIMEOUT,
                "credentials_env": {"app_password": "ORG_BSKY_PASSWORD"}}

    channel = make_channel("org_bsky", settings, env)

    assert isinstance(channel, BlueskyChannel) and channel.handle == bsky.TEST_HANDLE
    assert channel.publish(a_post(), NOW).outcome == "sent"
    channel.close()


def _free_port() -> int:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Bluesky: one record key per post, so a retry cannot post twice ----------------------


def keyed_post(post_id=7, text="Free Maryam Ahmadi now! #UA042"):
    from advocate.channels.base import OutgoingPost

    return OutgoingPost(post_id=post_id, case_id=42, account="org_bsky", text=text, planned_at=NOW)


def test_bluesky_record_key_is_a_valid_tid_made_from_the_post():
    import re

    from advocate.channels.bluesky import record_key

    keys = {record_key(post_id, NOW + dt.timedelta(seconds=s)) for post_id in (1, 2, 999_999, 1_000_000, 5_000_001) for s in (0, 1)}
    assert len(keys) == 10  # every post and planned time its own key
    assert all(re.fullmatch(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}", k) for k in keys)
    assert record_key(7, NOW) == record_key(7, NOW)  # the same on every try
    assert record_key(7, NOW) < record_key(7, NOW + dt.timedelta(seconds=1))  # sortable by time, as TIDs are


@pytest.mark.parametrize("lost", [Reply.hang(create=True), Reply.drop(create=True)], ids=["hang", "drop"])
def test_bluesky_retry_after_a_lost_answer_is_refused_and_the_record_found(bluesky, lost):
    bluesky.fake.script(lost)
    first = bluesky.channel.publish(keyed_post(), NOW)
    assert first.outcome == "unknown"

    again = bluesky.channel.publish(keyed_post(), NOW)  # a retry, as after `queue retry`

    assert bluesky.fake.posted_count(keyed_post().text) == 1, "posted twice"
    assert again.outcome == "unknown"  # the server refused the taken key (500); reconciling tells
    from advocate.channels.bluesky import record_key

    found = bluesky.channel.find_post(7, NOW)
    assert found is not None and found.remote_id.endswith("/" + record_key(7, NOW))
    assert found.text == keyed_post().text and found.url.startswith("https://bsky.app/profile/")


def test_bluesky_find_post_says_none_when_the_post_never_arrived(bluesky):
    assert bluesky.channel.find_post(8, NOW) is None
    result = bluesky.channel.publish(keyed_post(post_id=8), NOW)
    assert result.outcome == "sent" and bluesky.channel.find_post(8, NOW).remote_id == result.remote_id


def test_bluesky_a_taken_key_said_plainly_is_read_as_sent(bluesky):
    sent = bluesky.channel.publish(keyed_post(post_id=9), NOW)
    bluesky.fake.script(bsky.error(409, "RecordAlreadyExists", "Record already exists"))  # a PDS with the explicit error

    again = bluesky.channel.publish(keyed_post(post_id=9), NOW)

    assert (again.outcome, again.remote_id) == ("sent", sent.remote_id)
    assert bluesky.fake.posted_count(keyed_post().text) == 1
