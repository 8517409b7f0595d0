"""Feeds: new RSS/Atom entries are ingested once; what cannot be fetched now is tried at the next poll."""

from __future__ import annotations

import datetime as dt
import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from advocate.clock import parse_instant
from advocate.config import load_config
from advocate.db import open_db
from advocate.errors import ConfigError
from advocate.feeds import MAX_ATTEMPTS, feeds_due, poll_feeds

APRIL_10 = parse_instant("2019-04-10T09:00+05:00")
APRIL_25 = parse_instant("2019-04-25T09:00+05:00")


class Site:
    """A loopback web server: path -> (status, body); counts every request."""

    def __init__(self):
        self.pages: dict[str, tuple[int, bytes]] = {}
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                status, body = site.pages.get(self.path, (404, b"not found"))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"


@pytest.fixture
def site():
    server = Site()
    yield server
    server.server.shutdown()
    server.server.server_close()


def rss(*items: dict) -> bytes:
    """An RSS 2.0 feed; each item: id, title, and link and/or content (full text, as content:encoded; html: as <p>s)."""
    parts = []
    for item in items:
        text = item.get("content", "")
        if item.get("html"):  # as most feeds carry it: paragraphs of HTML
            text = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in text.split("\n\n"))
        content = f"<content:encoded>{html.escape(text)}</content:encoded>" if "content" in item else ""
        link = f"<link>{html.escape(item['link'])}</link>" if "link" in item else ""
        parts.append(f"<item><guid>{item['id']}</guid><title>{item['title']}</title>{link}{content}</item>")
    return ('<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>Urgent Actions</title>{''.join(parts)}</channel></rss>").encode()


def campaign(workspace, urls: list[str], interval: int = 60):
    workspace.config.write_text(workspace.config.read_text() + f"\n[feeds]\nurls = {urls!r}\ninterval_minutes = {interval}\n".replace("'", '"'))
    config = load_config(workspace.config)
    return config, open_db(config.database)


def entries(db) -> list[tuple]:
    return db.execute("SELECT entry_id, status, attempts FROM feed_entries ORDER BY entry_id").fetchall()


def test_new_entries_are_ingested_once_from_content_or_link(workspace, seeds, site):
    initial = (seeds / "ua-46-19-initial.txt").read_text()
    site.pages["/final.txt"] = (200, (seeds / "ua-46-19-final.txt").read_bytes())
    site.pages["/feed.xml"] = (200, rss(  # newest first, as feeds are
        {"id": "ua-2", "title": "Released", "link": site.url("/final.txt")},
        {"id": "ua-1", "title": "Bilash", "content": initial, "html": True},
    ))
    config, db = campaign(workspace, [site.url("/feed.xml")])

    result = poll_feeds(db, config, APRIL_25)

    assert len(result.ingested) == 2
    assert entries(db) == [("ua-1", "ingested", 1), ("ua-2", "ingested", 1)]
    assert db.execute("SELECT status, closed_reason FROM cases").fetchall() == [("closed", "final update")]

    again = poll_feeds(db, config, APRIL_25 + dt.timedelta(hours=2))
    assert again.ingested == [] and site.hits["/final.txt"] == 1 and site.hits["/feed.xml"] == 2


def test_a_link_that_fails_is_tried_again_at_the_next_poll(workspace, seeds, site):
    site.pages["/ua.txt"] = (503, b"busy")
    site.pages["/feed.xml"] = (200, rss({"id": "ua-1", "title": "Bilash", "link": site.url("/ua.txt")}))
    config, db = campaign(workspace, [site.url("/feed.xml")])

    first = poll_feeds(db, config, APRIL_10)
    assert first.retrying == ["ua-1"] and entries(db) == [("ua-1", "retry", 1)]
    assert db.execute("SELECT count(*) FROM cases").fetchone() == (0,)

    site.pages["/ua.txt"] = (200, (seeds / "ua-46-19-initial.txt").read_bytes())
    assert not feeds_due(db, config, APRIL_10 + dt.timedelta(minutes=59))
    assert feeds_due(db, config, APRIL_10 + dt.timedelta(minutes=60))
    poll_feeds(db, config, APRIL_10 + dt.timedelta(minutes=60))
    assert entries(db) == [("ua-1", "ingested", 2)]
    assert db.execute("SELECT person, status FROM cases").fetchall() == [("Serikzhan Bilash", "open")]


def test_an_entry_gives_up_after_max_attempts_and_says_so(workspace, site):
    site.pages["/feed.xml"] = (200, rss({"id": "ua-1", "title": "gone", "link": site.url("/missing.pdf")}))
    config, db = campaign(workspace, [site.url("/feed.xml")])
    for hour in range(MAX_ATTEMPTS + 2):
        poll_feeds(db, config, APRIL_10 + dt.timedelta(hours=hour))
    assert entries(db) == [("ua-1", "failed", MAX_ATTEMPTS)]
    assert site.hits["/missing.pdf"] == MAX_ATTEMPTS
    events = db.execute("SELECT message FROM events WHERE kind = 'feed-failed'").fetchall()
    assert len(events) == 1 and "404" in events[0][0]


def test_an_entry_that_is_not_an_urgent_action_is_rejected_not_retried(workspace, site):
    site.pages["/feed.xml"] = (200, rss({"id": "bake-sale", "title": "Bake sale", "content": "<p>Cakes on Saturday.</p>"}))
    config, db = campaign(workspace, [site.url("/feed.xml")])
    result = poll_feeds(db, config, APRIL_10)
    assert result.rejected and entries(db) == [("bake-sale", "rejected", 1)]
    poll_feeds(db, config, APRIL_10 + dt.timedelta(hours=1))
    assert entries(db) == [("bake-sale", "rejected", 1)]


def test_a_feed_that_cannot_be_read_is_logged_and_the_others_still_polled(workspace, seeds, site):
    site.pages["/feed.xml"] = (200, rss({"id": "ua-1", "title": "Bilash", "content": (seeds / "ua-46-19-initial.txt").read_text()}))
    site.pages["/broken.xml"] = (200, b"this is no feed <<<")
    config, db = campaign(workspace, [site.url("/down.xml"), site.url("/broken.xml"), site.url("/feed.xml")])

    result = poll_feeds(db, config, APRIL_10)

    assert sorted(result.feed_errors) == [site.url("/broken.xml"), site.url("/down.xml")]
    assert len(result.ingested) == 1


def test_the_daemon_polls_a_local_feed_file_during_a_simulated_run(workspace, seeds, tmp_path):
    start = "--now 2019-04-10T09:00+05:00"
    workspace.run(f"{start} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{start} schedule")
    workspace.run(f"{start} queue approve --all")
    feed = workspace.root / "feed.xml"
    feed.write_bytes(rss())
    workspace.config.write_text(workspace.config.read_text() + '\n[feeds]\nurls = ["feed.xml"]\ninterval_minutes = 30\n')
    workspace.run(f"{start} daemon --simulate --in-place --until 2019-04-20T00:00+05:00")
    before = workspace.outbox()
    assert before

    feed.write_bytes(rss({"id": "final", "title": "No further action", "content": (seeds / "ua-46-19-final.txt").read_text()}))
    workspace.run("--now 2019-04-20T00:00+05:00 daemon --simulate --in-place --until 2019-06-01T00:00+05:00")

    assert workspace.outbox() == before
    case = workspace.json("case show 1")
    assert (case["status"], case["closed_reason"]) == ("closed", "final update")


def test_an_unreachable_feed_never_stops_the_daemon(workspace, seeds):
    start = "--now 2019-04-10T09:00+05:00"
    workspace.run(f"{start} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{start} schedule")
    workspace.run(f"{start} queue approve --all")
    workspace.config.write_text(workspace.config.read_text() + '\n[feeds]\nurls = ["http://127.0.0.1:9/feed.xml"]\ntimeout_seconds = 1\n')
    output = workspace.run(f"{start} daemon --simulate --in-place --until 2019-04-12T00:00+05:00").output
    assert "feed http://127.0.0.1:9/feed.xml not read" in output
    assert workspace.outbox()


@pytest.mark.parametrize("text, message", [
    ('[feeds]\nurls = "https://x"\n', "'feeds.urls' must be a list"),
    ("[feeds]\nurls = [3]\n", "'feeds.urls' must be a list of feed URLs"),
    ("[feeds]\ninterval_minutes = 0\n", "'feeds.interval_minutes' must be at least 1"),
    ('[feeds]\ntimeout = 3\n', "unknown key 'feeds.timeout'"),
])
def test_bad_feed_settings_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as error:
        load_config(path)
    assert "\n" not in str(error.value)


def test_feeds_are_off_by_default(workspace):
    config = load_config(workspace.config)
    db = open_db(config.database)
    assert config.feeds.urls == [] and not feeds_due(db, config, APRIL_10)
