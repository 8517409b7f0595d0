"""Channels: one contract for every network, then what X's answers become.

X runs against FakeX on loopback, so tweepy's own request, signing and
error code runs; only the host differs.
"""

import datetime as dt
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from advocate.channels import (
    CHANNEL_TYPES,
    Channel,
    OutgoingPost,
    PublishResult,
    channel_class,
    make_channel,
)
from advocate.channels.x import classify_error, rewrite_url
from advocate.errors import ChannelError
from fake_x import DUPLICATE, TEST_CREDENTIALS, TEST_ENV, FakeX, Reply

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TIMEOUT = 0.5
SECRETS = (TEST_CREDENTIALS["api_secret"], TEST_CREDENTIALS["access_secret"])


def a_post(post_id=1, text="Free Maryam Ahmadi now! #UA042", account="org_x"):
    return OutgoingPost(post_id=post_id, case_id=42, account=account, text=text)


def x_settings(fake, **extra):
    return {"type": "x", "base_url": fake.base_url, "timeout": TIMEOUT, **extra}


def unix(when: dt.datetime) -> str:
    return str(int(when.timestamp()))


@pytest.fixture
def fake():
    with FakeX(clock=lambda: NOW) as fake:
        yield fake


@pytest.fixture
def x(fake):
    channel = make_channel("org_x", x_settings(fake), TEST_ENV)
    yield channel
    channel.close()


# test_channels_fediverse.py runs this contract over all four networks,
# Mastodon and Bluesky with their own fakes.
@pytest.fixture(params=["dryrun", "x"])
def channel(request, tmp_path):
    if request.param == "dryrun":
        settings = {"type": "dryrun", "outbox": "rehearsal/outbox.jsonl"}
        built = make_channel("org_dry", settings, {}, base_dir=tmp_path)
    else:
        built = make_channel("org_x", x_settings(request.getfixturevalue("fake")), TEST_ENV)
    yield built
    built.close()


# --- the contract every channel keeps ---------------------------------------


def test_published_post_is_found_among_recent_posts(channel):
    assert channel.recent_posts(since=NOW - dt.timedelta(hours=1)) == []

    result = channel.publish(a_post(), NOW)

    assert result.outcome == "sent" and result.remote_id and result.error is None
    found = channel.recent_posts(since=NOW - dt.timedelta(hours=1))
    assert [(p.remote_id, p.text, p.created_at) for p in found] == [
        (result.remote_id, a_post().text, NOW)
    ]
    assert channel.recent_posts(since=NOW + dt.timedelta(minutes=1)) == []


def test_registry_names_every_channel_by_its_network():
    for network in CHANNEL_TYPES:
        cls = channel_class(network)
        assert issubclass(cls, Channel) and cls.network == network


def test_registry_does_not_import_tweepy_for_dryrun(tmp_path):
    code = (
        "import sys; from advocate.channels import make_channel;"
        f"make_channel('d', {{'type': 'dryrun', 'outbox': {str(tmp_path / 'o.jsonl')!r}}}, {{}});"
        "assert 'tweepy' not in sys.modules, 'tweepy imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "settings, message",
    [
        ({}, "account 'acct' has no type; set type to one of: bluesky, dryrun, mastodon, x"),
        ({"type": "myspace"}, "account 'acct' has unknown type 'myspace'"),
        ({"type": "dryrun", "outbx": "o.jsonl"}, "unknown setting 'outbx'"),
        ({"type": "x", "base_ur1": "https://api.x.com"}, "unknown setting 'base_ur1'"),
        ({"type": "x", "base_url": "api.x.com"}, "base_url 'api.x.com' is not an http(s) URL"),
        ({"type": "x", "timeout": "10"}, "timeout '10' must be a number of seconds"),
        ({"type": "x", "credentials_env": {"api_kee": "K"}}, "unknown setting 'api_kee'"),
    ],
)
def test_bad_settings_name_the_account_and_the_key(settings, message):
    with pytest.raises(ChannelError, match="account 'acct'") as raised:
        make_channel("acct", settings, TEST_ENV)
    assert message in str(raised.value)


# --- dry run ------------------------------------------------------------------


def test_dryrun_appends_one_json_line_per_post(tmp_path):
    channel = make_channel("org_dry", {"type": "dryrun", "outbox": "a/b/out.jsonl"}, {}, base_dir=tmp_path)
    at = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))

    result = channel.publish(a_post(post_id=9), at)

    assert result == PublishResult("sent", remote_id="dryrun-9")
    line = json.loads((tmp_path / "a/b/out.jsonl").read_text())
    assert line == {"post_id": 9, "case_id": 42, "channel": "org_dry",
                    "text": a_post().text, "at": "2026-03-02T14:00:00+05:00"}


def test_dryrun_reads_back_only_its_account_and_skips_a_torn_line(tmp_path):
    outbox = tmp_path / "out.jsonl"
    mine = make_channel("mine", {"type": "dryrun", "outbox": str(outbox)}, {})
    theirs = make_channel("theirs", {"type": "dryrun", "outbox": str(outbox)}, {})
    mine.publish(a_post(post_id=1, text="mine"), NOW)
    theirs.publish(a_post(post_id=2, text="theirs"), NOW)
    with outbox.open("a") as f:
        f.write('{"post_id": 3, "channel": "mine", "te')  # crash mid-write

    assert [p.text for p in mine.recent_posts(NOW)] == ["mine"]


# --- X: what reaches the server -----------------------------------------------


def test_x_requests_reach_base_url_signed_for_that_url(fake, x):
    result = x.publish(a_post(), NOW)

    assert result.outcome == "sent"
    (create,) = fake.seen("create")
    # FakeX answers 401 unless the OAuth signature covers the loopback URL.
    assert create.host == f"127.0.0.1:{fake.port}" and create.text == a_post().text
    assert x.client.wait_on_rate_limit is False


def test_x_defaults_to_api_x_com_with_a_timeout():
    channel = make_channel("org_x", {"type": "x"}, TEST_ENV)
    assert channel.base_url == "https://api.x.com"
    assert channel.client.session.timeout == 10.0


def test_rewrite_url_keeps_path_and_query():
    url = rewrite_url("https://api.twitter.com/2/users/1/tweets?max_results=100", "http://127.0.0.1:9/x")
    assert url == "http://127.0.0.1:9/x/2/users/1/tweets?max_results=100"


def test_x_sent_links_to_the_post_and_asks_who_am_i_once(fake, x):
    first = x.publish(a_post(1, "one"), NOW)
    second = x.publish(a_post(2, "two"), NOW)

    assert first.url == f"https://x.com/advocate_test/status/{first.remote_id}"
    assert second.url == f"https://x.com/advocate_test/status/{second.remote_id}"
    assert first.remote_id != second.remote_id
    assert len(fake.seen("me")) == 1


def test_x_username_setting_skips_who_am_i(fake):
    channel = make_channel("org_x", x_settings(fake, username="@amnesty"), TEST_ENV)

    result = channel.publish(a_post(), NOW)

    assert result.url == f"https://x.com/amnesty/status/{result.remote_id}"
    assert fake.seen("me") == []


def test_x_recent_posts_unescapes_xs_entities(x):
    text = "Write to the Minister & demand <justice> for Ana"
    x.publish(a_post(text=text), NOW)

    assert [p.text for p in x.recent_posts(NOW)] == [text]


def test_x_sent_still_sent_when_who_am_i_fails(fake, x):
    fake.script(Reply.error(503), route="me")

    result = x.publish(a_post(), NOW)

    assert result.outcome == "sent"
    assert result.url == f"https://x.com/i/web/status/{result.remote_id}"


# --- X: every error as the dispatcher sees it ----------------------------------

AUTH_403 = Reply("status", 403, {
    "title": "Forbidden", "status": 403, "type": "https://api.twitter.com/2/problems/oauth1-permissions",
    "detail": "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
})


@pytest.mark.parametrize(
    "reply, outcome, retry_at, error",
    [
        pytest.param(
            Reply.error(429, headers={"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0",
                                      "x-rate-limit-reset": unix(NOW + dt.timedelta(minutes=7))}),
            "rate_limited", NOW + dt.timedelta(minutes=7),
            "X answered 429: Too Many Requests (rate limit reached; retry at 2026-03-02 09:37:00 UTC)",
            id="429-window"),
        pytest.param(
            Reply.error(429, headers={"x-rate-limit-remaining": "40",
                                      "x-rate-limit-reset": unix(NOW + dt.timedelta(minutes=3)),
                                      "x-user-limit-24hour-limit": "17", "x-user-limit-24hour-remaining": "0",
                                      "x-user-limit-24hour-reset": unix(NOW + dt.timedelta(hours=20))}),
            "rate_limited", NOW + dt.timedelta(hours=20), "24-hour user limit", id="429-user-24h"),
        pytest.param(
            Reply.error(429, headers={"x-app-limit-24hour-remaining": "0",
                                      "x-app-limit-24hour-reset": unix(NOW + dt.timedelta(hours=5))}),
            "rate_limited", NOW + dt.timedelta(hours=5), "24-hour app limit", id="429-app-24h"),
        pytest.param(Reply.error(429), "rate_limited", NOW + dt.timedelta(minutes=15),
                     "no reset time given", id="429-no-headers"),
        pytest.param(Reply.error(500), "retry", NOW + dt.timedelta(minutes=1),
                     "X answered 500: Internal Server Error", id="500"),
        pytest.param(Reply.error(503), "retry", NOW + dt.timedelta(minutes=1),
                     "X answered 503: Service Unavailable", id="503"),
        pytest.param(Reply.error(401), "auth_failed", None, "X answered 401: Unauthorized", id="401"),
        pytest.param(AUTH_403, "auth_failed", None, "X answered 403: Your client app is not configured",
                     id="403-app-permissions"),
        pytest.param(Reply.error(400, "text: too long"), "failed", None, "X answered 400: text: too long",
                     id="400"),
        pytest.param(Reply("status", 201, {"data": {}}), "unknown", None, "no post id", id="201-no-id"),
    ],
)
def test_x_error_becomes(fake, x, reply, outcome, retry_at, error):
    fake.script(reply)

    result = x.publish(a_post(), NOW)

    assert (result.outcome, result.retry_at, result.remote_id) == (outcome, retry_at, None)
    assert error in result.error and "\n" not in result.error
    assert not any(secret in result.error for secret in SECRETS)


def test_x_duplicate_text_fails_for_good_with_xs_words(fake, x):
    assert x.publish(a_post(1), NOW).outcome == "sent"

    again = x.publish(a_post(2), NOW)

    assert again == PublishResult("failed", error=f"X answered 403: {DUPLICATE}", duplicate=True)
    assert fake.posted_count(a_post().text) == 1


def test_x_wrong_secret_is_auth_failed_without_echoing_it(fake):
    env = {**TEST_ENV, "ADVOCATE_X_API_SECRET": "SECRET-wrong-one"}
    channel = make_channel("org_x", x_settings(fake), env)

    result = channel.publish(a_post(), NOW)

    assert result.outcome == "auth_failed" and "SECRET" not in result.error


def test_x_hang_is_unknown_within_the_timeout_and_reconciles(fake, x):
    fake.script(Reply.hang(create=True))  # X posted it; the answer never came
    started = time.monotonic()

    result = x.publish(a_post(), NOW)

    assert time.monotonic() - started < TIMEOUT + 1.0
    assert result.outcome == "unknown" and result.retry_at is None
    assert result.error == "X did not answer within the timeout; the post may have gone out"
    assert [p.text for p in x.recent_posts(NOW - dt.timedelta(minutes=5))] == [a_post().text]
    assert fake.create_counts[a_post().text] == 1


def test_x_connection_dropped_after_sending_is_unknown(fake, x):
    fake.script(Reply.drop(create=True))

    result = x.publish(a_post(), NOW)

    assert result.outcome == "unknown" and "may have gone out" in result.error


def test_x_nothing_listening_is_retry():
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    channel = make_channel("org_x", {"type": "x", "base_url": f"http://127.0.0.1:{port}", "timeout": TIMEOUT}, TEST_ENV)

    result = channel.publish(a_post(), NOW)

    assert (result.outcome, result.retry_at) == ("retry", NOW + dt.timedelta(minutes=1))
    assert result.error == "could not reach X: the connection to X failed (connection refused or host unreachable)"


@pytest.mark.parametrize(
    "exc, outcome",
    [(requests.ConnectTimeout(), "retry"), (requests.ReadTimeout(), "unknown"),
     (requests.exceptions.SSLError(), "retry"), (requests.exceptions.ChunkedEncodingError(), "unknown")],
)
def test_x_classifies_whether_the_request_left(exc, outcome):
    # A connect timeout cannot be produced on loopback; classify it directly.
    assert classify_error(exc, NOW).outcome == outcome


def test_x_recent_posts_failure_is_a_channel_error(fake, x):
    fake.script(Reply.error(503), route="timeline")

    with pytest.raises(ChannelError, match="account 'org_x': could not list its recent posts on X: X answered 503"):
        x.recent_posts(NOW - dt.timedelta(hours=1))


# --- X: credentials come only from the environment -------------------------------


def test_x_missing_credential_names_the_variable():
    env = {k: v for k, v in TEST_ENV.items() if k != "ADVOCATE_X_API_KEY"}

    with pytest.raises(ChannelError) as raised:
        make_channel("org_x", {"type": "x"}, env)

    assert str(raised.value).startswith(
        "account 'org_x': environment variable ADVOCATE_X_API_KEY is not set; export it"
    )


def test_x_credential_names_can_be_set_per_account(fake):
    settings = x_settings(fake, credentials_env={"api_key": "ORG_X_KEY", "access_secret": "ORG_X_SECRET"})
    env = {**TEST_ENV, "ORG_X_KEY": TEST_CREDENTIALS["api_key"]}

    with pytest.raises(ChannelError, match="variable ORG_X_SECRET is not set"):
        make_channel("org_x", settings, env)
    env["ORG_X_SECRET"] = TEST_CREDENTIALS["access_secret"]
    del env["ADVOCATE_X_API_KEY"], env["ADVOCATE_X_ACCESS_SECRET"]
    assert make_channel("org_x", settings, env).publish(a_post(), NOW).outcome == "sent"


# --- FakeX as a process, for the daemon's crash tests -------------------------------


def test_fake_x_runs_as_a_process_and_keeps_its_state(tmp_path):
    state = tmp_path / "state.jsonl"
    with _fake_process(tmp_path, state) as port:
        channel = make_channel("org_x", {"type": "x", "base_url": f"http://127.0.0.1:{port}", "timeout": 5}, TEST_ENV)
        assert channel.publish(a_post(), NOW).outcome == "sent"
    assert [json.loads(line)["text"] for line in state.read_text().splitlines()] == [a_post().text]

    with _fake_process(tmp_path, state) as port:  # a restarted fake remembers
        channel = make_channel("org_x", {"type": "x", "base_url": f"http://127.0.0.1:{port}", "timeout": 5}, TEST_ENV)
        assert channel.publish(a_post(), NOW).outcome == "failed"


class _fake_process:
    def __init__(self, tmp_path: Path, state: Path):
        self.args = [sys.executable, str(Path(__file__).with_name("fake_x.py")),
                     "--port-file", str(tmp_path / "port"), "--state-file", str(state)]

    def __enter__(self) -> int:
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, text=True)
        return int(self.proc.stdout.readline())

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=5)
        self.proc.stdout.close()


# --- photos and links: every network through its library, against its loopback fake ------------


PHOTO_ALT = "A drawing of a smiling man with short dark hair, in a blue jacket."
ACT_URL = "https://example.org/act/46-19"


@pytest.fixture
def stored_photo(tmp_path):
    """A big photo with GPS in its EXIF (noise: it compresses badly), stored as `case photo` does."""
    import random

    from PIL import Image

    from advocate.media.store import store_photo

    exif = Image.Exif()
    exif[0x010F] = "SyntheticCam"
    exif[0x8825] = {1: "N", 2: (50.0, 27.0, 0.0), 3: "E", 4: (30.0, 31.0, 24.0)}
    source = tmp_path / "big.jpg"
    rng = random.Random(3)
    Image.frombytes("RGB", (2400, 3200), rng.randbytes(2400 * 3200 * 3)).save(source, "JPEG", quality=95, exif=exif)
    return store_photo(tmp_path, source), tmp_path


def photo_post(stored_photo, alt=PHOTO_ALT, post_id=7, text=f"Write for Maryam Ahmadi today: {ACT_URL}", link=False):
    from advocate.channels.base import LinkCard, Photo

    stored, workspace = stored_photo
    photo = Photo(workspace / stored.path, alt, stored.digest, stored.width, stored.height)
    card = LinkCard(ACT_URL, "Free Maryam Ahmadi", "Urgent Action 42/26", photo) if link else None
    return OutgoingPost(post_id=post_id, case_id=42, account="org", text=text,
                        photo=None if link else photo, link=card)


class Network:
    """One network's fake and channel, and where the fake keeps what it received."""

    def __init__(self, name, fake, channel):
        self.name, self.fake, self.channel = name, fake, channel

    def uploads(self) -> list[tuple[bytes, str | None]]:
        """(image bytes, alt text) as the network holds them for each post made."""
        if self.name == "x":
            return [(self.fake.media[m]["data"], self.fake.media[m]["alt"])
                    for p in self.fake.posts for m in p.get("media_ids", [])]
        if self.name == "mastodon":
            return [(self.fake.media[a["id"]]["data"], a["description"])
                    for s in self.fake.statuses for a in s["media_attachments"]]
        return [(self.fake.blobs[i["image"]["ref"]["$link"]]["data"], i["alt"])
                for r in self.fake.records for i in (r["record"].get("embed") or {}).get("images", [])]

    def posts(self) -> int:
        return len(getattr(self.fake, {"x": "posts", "mastodon": "statuses", "bluesky": "records"}[self.name]))


@pytest.fixture(params=["x", "mastodon", "bluesky"])
def network(request):
    from advocate.channels.bluesky import BlueskyChannel
    from advocate.channels.mastodon import MastodonChannel
    from advocate.channels.x import XChannel
    from fake_bluesky import TEST_HANDLE, TEST_PASSWORD, FakeBluesky
    from fake_mastodon import TEST_TOKEN, FakeMastodon

    name = request.param
    fake = {"x": FakeX, "mastodon": FakeMastodon, "bluesky": FakeBluesky}[name](clock=lambda: NOW).start()
    channel = {
        "x": lambda: XChannel("org", TEST_CREDENTIALS, base_url=fake.base_url, timeout=TIMEOUT),
        "mastodon": lambda: MastodonChannel("org", TEST_TOKEN, base_url=fake.base_url, timeout=TIMEOUT),
        "bluesky": lambda: BlueskyChannel("org", TEST_HANDLE, TEST_PASSWORD, base_url=fake.base_url, timeout=TIMEOUT),
    }[name]()
    yield Network(name, fake, channel)
    channel.close()
    fake.stop()


def test_each_network_receives_the_photo_within_its_limit_with_alt_text_and_no_exif(network, stored_photo):
    import io

    from PIL import Image

    from advocate.media.limits import LIMITS

    result = network.channel.publish(photo_post(stored_photo), NOW)
    assert result.outcome == "sent", result.error
    [(data, alt)] = network.uploads()
    assert alt == PHOTO_ALT
    limits = LIMITS[network.name]
    assert len(data) <= limits.max_bytes
    image = Image.open(io.BytesIO(data))
    assert max(image.size) <= limits.max_side and image.format == "JPEG"
    assert len(image.getexif()) == 0 and b"SyntheticCam" not in data
    assert network.posts() == 1


def test_bluesky_sends_aspect_ratio_and_the_link_as_a_facet_beside_the_photo(network, stored_photo):
    if network.name != "bluesky":
        pytest.skip("Bluesky alone needs the client to say these")
    network.channel.publish(photo_post(stored_photo), NOW)
    record = network.fake.records[0]["record"]
    image = record["embed"]["images"][0]
    assert image["aspectRatio"] == {"width": 1500, "height": 2000, "$type": "app.bsky.embed.defs#aspectRatio"}
    assert [f["features"][0]["uri"] for f in record["facets"]] == [ACT_URL]


def test_bluesky_gets_a_link_card_with_the_photo_as_thumbnail(network, stored_photo):
    if network.name != "bluesky":
        pytest.skip("X and Mastodon make their own cards")
    assert network.channel.publish(photo_post(stored_photo, link=True), NOW).outcome == "sent"
    external = network.fake.records[0]["record"]["embed"]["external"]
    assert (external["uri"], external["title"], external["description"]) == (ACT_URL, "Free Maryam Ahmadi", "Urgent Action 42/26")
    assert len(network.fake.blobs[external["thumb"]["ref"]["$link"]]["data"]) <= 1_000_000


@pytest.mark.parametrize("alt", [None, "   "])
def test_a_photo_without_alt_text_is_refused_before_anything_is_sent(network, stored_photo, alt):
    result = network.channel.publish(photo_post(stored_photo, alt=alt), NOW)
    assert result.outcome == "failed"
    assert "no alt text" in result.error and "advocate case photo 42" in result.error
    assert network.fake.seen("upload") == [] and network.fake.seen("create") == []


def test_alt_text_over_the_network_limit_is_refused(network, stored_photo):
    from advocate.media.limits import LIMITS

    too_long = "a" * (LIMITS[network.name].alt_max + 1)
    result = network.channel.publish(photo_post(stored_photo, alt=too_long), NOW)
    assert result.outcome == "failed" and f"{network.name} allows" in result.error
    assert network.fake.seen("create") == []


@pytest.mark.parametrize("lost", ["503", "drop", "hang"])
def test_a_failed_upload_is_a_retry_and_posts_nothing(network, stored_photo, lost):
    import fake_server

    reply = {"503": fake_server.Reply.status_of(503, {"error": "Service Unavailable", "title": "Service Unavailable",
                                                      "detail": "Service Unavailable", "message": "down"}),
             "drop": fake_server.Reply.drop(create=True), "hang": fake_server.Reply.hang(create=True)}[lost]
    network.fake.script(reply, route="upload")
    result = network.channel.publish(photo_post(stored_photo), NOW)
    assert result.outcome == "retry", result  # an upload is no post: never 'maybe posted'
    assert result.error.startswith("photo upload:")
    assert network.fake.seen("create") == [] and network.posts() == 0
    again = network.channel.publish(photo_post(stored_photo), NOW)
    assert again.outcome == "sent" and network.posts() == 1


def test_a_refused_upload_fails_the_post_with_the_reason(network, stored_photo):
    import fake_server

    network.fake.script(fake_server.Reply.status_of(400, {"error": "InvalidRequest", "title": "Invalid Request",
                                                          "detail": "unsupported image", "message": "unsupported image"}),
                        route="upload")
    result = network.channel.publish(photo_post(stored_photo), NOW)
    assert result.outcome == "failed" and result.error.startswith("photo upload:")
    assert network.fake.seen("create") == []


def test_a_post_whose_answer_is_lost_after_the_upload_is_found_not_sent_again(network, stored_photo):
    """The upload worked, the create went out, its answer was lost: 'unknown', then
    the timeline finds it. Reconciliation does the rest (tests/test_dispatch.py)."""
    import fake_server

    network.fake.script(fake_server.Reply.drop(create=True), route="create")
    first = network.channel.publish(photo_post(stored_photo), NOW)
    if network.name == "mastodon":  # the idempotency key makes a resend return the same status
        assert first.outcome in ("unknown", "retry")
    else:
        assert first.outcome == "unknown"
    recent = network.channel.recent_posts(NOW - dt.timedelta(hours=1))
    assert [r.text for r in recent] == [photo_post(stored_photo).text]
    assert network.posts() == 1
