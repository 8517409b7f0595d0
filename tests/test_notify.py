"""Notifications: the coordinator hears of every stop, failure and doubt, once, through apprise."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from apprise.decorators import notify as apprise_plugin

from advocate.clock import parse_instant
from advocate.config import load_config
from advocate.db import open_db, write
from advocate.errors import ConfigError
from advocate.events import log_event
from advocate.notify import CURSOR_KEY, RETRY_AFTER, notify_new_events, send_digest

APRIL_10 = "--now 2019-04-10T09:00+05:00"
APRIL_25 = "--now 2019-04-25T09:00+05:00"
TOLD: list[dict] = []
DELIVERY = {"ok": True}


@apprise_plugin(on="advtest")
def capture(body, title, notify_type, *args, **kwargs):
    """apprise's custom-plugin hook: 'advtest://' URLs land here instead of a real service."""
    if not DELIVERY["ok"]:
        return False
    TOLD.append({"title": title, "body": body, "type": str(notify_type)})
    return True


@pytest.fixture
def told(monkeypatch):
    TOLD.clear()
    DELIVERY["ok"] = True
    monkeypatch.setenv("ADVOCATE_NOTIFY_URLS", "advtest://coordinator")
    return TOLD


@pytest.fixture(autouse=True)
def _no_apprise_threads_left():
    """apprise keeps its thread pools for the life of the process. A command's process
    ends after notifying; pytest's goes on, and a later test that forks (a big plan,
    many documents) must find one thread, as in a command, or it will not fork."""
    yield
    from apprise import apprise as core

    for name in ("_shared_executor", "_coordinator_executor"):
        executor = getattr(core, name, None)
        if executor is not None:
            executor.shutdown(wait=True)
            setattr(core, name, None)


def start_campaign(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve --all")


def library(workspace):
    config = load_config(workspace.config)
    return config, open_db(config.database)


def cursor(db) -> int | None:
    row = db.execute("SELECT value FROM daemon WHERE key = ?", [CURSOR_KEY]).fetchone()
    return int(row[0]) if row else None


def test_a_final_update_in_the_inbox_tells_why_and_by_which_document(workspace, seeds, told):
    workspace.config.write_text(workspace.config.read_text() + '\n[inbox]\nfolder = "inbox"\n')
    start_campaign(workspace, seeds)
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-04-25T00:00+05:00")
    assert told == []  # posts going out are not news

    (workspace.root / "inbox").mkdir(exist_ok=True)
    shutil.copy(seeds / "ua-46-19-final.txt", workspace.root / "inbox")
    workspace.run(f"{APRIL_25} daemon --simulate --in-place --until 2019-06-01T00:00+05:00")

    assert len(told) == 1
    assert told[0]["title"] == "advocate: Campaign stopped: case 1 (Serikzhan Bilash)"
    assert "closed (final update: NO FURTHER ACTION IS REQUESTED" in told[0]["body"]
    assert "by document: ua-46-19-final.txt (final" in told[0]["body"]


def test_nothing_is_told_twice_across_restarts(workspace, seeds, told):
    start_campaign(workspace, seeds)
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-06-01T00:00+05:00")
    assert [t["title"] for t in told] == ["advocate: Campaign stopped: case 1 (Serikzhan Bilash)"]
    assert "deadline passed" in told[0]["body"] and "by: deadline passed" in told[0]["body"]

    workspace.run("--now 2019-06-01T00:00+05:00 daemon --simulate --in-place --until 2019-07-01T00:00+05:00")
    workspace.run("--now 2019-07-01T00:00+05:00 daemon --once")
    assert len(told) == 1
    config, db = library(workspace)
    assert cursor(db) == db.execute("SELECT max(id) FROM events").fetchone()[0]


def test_a_failed_delivery_is_tried_again_and_nothing_is_lost(workspace, seeds, told):
    config, db = library(workspace)
    now = parse_instant("2019-04-10T09:00+05:00")
    notify_new_events(db, config, now, {"ADVOCATE_NOTIFY_URLS": "advtest://"})  # notifications start here
    with write(db):
        log_event(db, now, "account-paused", "account org_x paused: 401 Unauthorized", account="org_x")
        log_event(db, now, "sent", "post 1 sent")
        log_event(db, now, "failed", "post 7 failed after 5 attempts: 503", post_id=7)
    environ = {"ADVOCATE_NOTIFY_URLS": "advtest://"}

    DELIVERY["ok"] = False
    assert notify_new_events(db, config, now, environ) == 0
    start = cursor(db)
    DELIVERY["ok"] = True
    assert notify_new_events(db, config, now + RETRY_AFTER / 2, environ) == 0  # waits before trying again
    assert notify_new_events(db, config, now + RETRY_AFTER, environ) == 2

    assert [t["title"] for t in told] == ["advocate: Account org_x paused", "advocate: Post 7 failed"]
    assert "advocate queue --status failed" in told[1]["body"] and "warning" in told[1]["type"]
    assert cursor(db) > start
    assert notify_new_events(db, config, now + 2 * RETRY_AFTER, environ) == 0


def test_news_of_a_release_asks_for_confirmation(workspace, seeds, told):
    start_campaign(workspace, seeds)
    workspace.run(f"{APRIL_10} daemon --once")  # notifications start
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-release-news.txt'}")
    workspace.run(f"{APRIL_10} daemon --once")
    assert len(told) == 1
    assert told[0]["title"] == "advocate: Confirm: is the campaign for case 1 (Serikzhan Bilash) over?"
    assert "advocate case keep 1" in told[0]["body"] and "ua-46-19-release-news.txt (news" in told[0]["body"]


def test_only_the_chosen_events_are_told(workspace, seeds, told):
    workspace.config.write_text(workspace.config.read_text() + '\n[notify]\nevents = ["case-closed"]\n')
    start_campaign(workspace, seeds)
    workspace.run(f"{APRIL_10} daemon --once")
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-release-news.txt'}")
    workspace.run(f"{APRIL_10} case close 1 --reason released")
    workspace.run(f"{APRIL_10} daemon --once")
    assert [t["title"] for t in told] == ["advocate: Campaign stopped: case 1 (Serikzhan Bilash)"]
    assert "by: released" in told[0]["body"]


def test_without_urls_nothing_is_sent_nor_marked_told(workspace, seeds, monkeypatch):
    monkeypatch.delenv("ADVOCATE_NOTIFY_URLS", raising=False)
    TOLD.clear()
    start_campaign(workspace, seeds)
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-06-01T00:00+05:00")
    config, db = library(workspace)
    assert TOLD == [] and cursor(db) is None


def test_history_from_before_notifications_is_not_replayed(workspace, seeds, told):
    start_campaign(workspace, seeds)
    workspace.run(f"{APRIL_10} case close 1")  # before any daemon ran with notifications
    workspace.run(f"{APRIL_10} daemon --once")
    assert told == []


def test_an_invalid_url_is_logged_without_showing_it(workspace, seeds, monkeypatch, caplog):
    monkeypatch.setenv("ADVOCATE_NOTIFY_URLS", "advtest://ok nonsense-with-secret")
    TOLD.clear()
    config, db = library(workspace)
    now = parse_instant("2019-04-10T09:00+05:00")
    notify_new_events(db, config, now, dict(ADVOCATE_NOTIFY_URLS="advtest://ok nonsense-with-secret"))
    with write(db):
        log_event(db, now, "unknown", "post 3 was being sent when the daemon stopped", post_id=3)
    assert notify_new_events(db, config, now, {"ADVOCATE_NOTIFY_URLS": "advtest://ok nonsense-with-secret"}) == 1
    assert "URL 2 in ADVOCATE_NOTIFY_URLS is not a valid apprise URL" in caplog.text
    assert "secret" not in caplog.text
    assert TOLD[0]["title"] == "advocate: Post 3 awaits a human (outcome unknown)"


class Receiver:
    """A loopback HTTP server standing in for a JSON webhook: apprise's json:// posts here."""

    def __init__(self):
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                receiver.received.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_a_real_apprise_transport_on_loopback(workspace, seeds, monkeypatch):
    receiver = Receiver()
    try:
        monkeypatch.setenv("ADVOCATE_NOTIFY_URLS", f"json://127.0.0.1:{receiver.server.server_port}/")
        start_campaign(workspace, seeds)
        workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-06-01T00:00+05:00")
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
    assert [r["title"] for r in receiver.received] == ["advocate: Campaign stopped: case 1 (Serikzhan Bilash)"]
    assert "deadline passed" in receiver.received[0]["message"]


def test_the_daily_digest_goes_out_once_a_day(workspace, seeds, told):
    workspace.config.write_text(workspace.config.read_text() + '\n[notify]\ndigest_time = "08:00"\n')
    start_campaign(workspace, seeds)
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-04-13T00:00+05:00")
    digests = [t for t in told if "daily digest" in t["title"]]
    assert [d["title"] for d in digests] == [f"advocate: daily digest 2019-04-{day}" for day in (10, 11, 12)]
    assert "case 1 (Serikzhan Bilash, open)" in digests[1]["body"] and "sent in the last day" in digests[1]["body"]

    config, db = library(workspace)
    late = parse_instant("2019-04-12T23:00+06:00")
    assert not send_digest(db, config, late, {"ADVOCATE_NOTIFY_URLS": "advtest://"})
    early = parse_instant("2019-04-13T07:59+06:00")  # Almaty time, the posting time zone
    assert not send_digest(db, config, early, {"ADVOCATE_NOTIFY_URLS": "advtest://"})
    assert send_digest(db, config, early + dt.timedelta(minutes=1), {"ADVOCATE_NOTIFY_URLS": "advtest://"})


@pytest.mark.parametrize("text, message", [
    ('[notify]\nevents = ["case-closd"]\n', "unknown event 'case-closd'"),
    ('[notify]\nurls = ["mailto://me:pw@x"]\n', "'notify.urls' would put secrets in config.toml"),
    ('[notify]\ndigest_time = "8am"\n', "'notify.digest_time' must be a time like"),
    ('[notify]\nurls_env = ""\n', "'notify.urls_env' must name an environment variable"),
    ('[notify]\nevents = "failed"\n', "'notify.events' must be a list"),
    ("[notfy]\n", "unknown key 'notfy'"),
])
def test_bad_notify_settings_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as error:
        load_config(path)
    assert "\n" not in str(error.value)
