"""The supporters' action kit: `advocate site build` on the seed case, as a supporter would use the pages."""

from __future__ import annotations

import html
import json
import re
import threading
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from advocate.messages.length import measure
from advocate.site.check import check_page, contrast, contrast_problems

APRIL_10 = "--now 2019-04-10T09:00+05:00"
APRIL_25 = "--now 2019-04-25T09:00+05:00"
SEED_PAGE = Path("cases") / "1-serikzhan-bilash"
_LINK = re.compile(r'href="([^"]+)"')


def _links(page: str) -> list[str]:
    return [html.unescape(link) for link in _LINK.findall(page)]


def _intents(page: str, host: str) -> list[str]:
    """The texts the page's one-click links open on `host`."""
    texts = []
    for link in _links(page):
        parts = urlsplit(link)
        if parts.netloc == host and parts.path.startswith("/intent/"):
            texts += parse_qs(parts.query)["text"]
    return texts


@pytest.fixture
def seeded(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    return workspace


def _build(space, *args: str, now: str = APRIL_10) -> Path:
    folder = space.root / "public"
    space.run(f"{now} site build {folder} {' '.join(args)}")
    return folder


def test_seed_case_page_lets_a_supporter_post_and_write_to_the_prosecutor(seeded):
    site = _build(seeded)
    page = (site / SEED_PAGE / "index.en.html").read_text()
    assert '<html lang="en">' in page
    assert "Serikzhan Bilash" in page and "Act before 21 May 2019" in page and "41 days left" in page
    assert "house arrest" in page  # why: the UA's opening paragraph

    x_texts, bluesky_texts = _intents(page, "x.com"), _intents(page, "bsky.app")
    assert len(x_texts) >= 3 and len(bluesky_texts) >= 3
    assert any(t.startswith("Serikzhan #Bilash has exposed") for t in x_texts)  # the UA's own suggestion is among them
    assert all(measure(t, "x").ok for t in x_texts) and all(measure(t, "bluesky").ok for t in bluesky_texts)
    assert all("@GenProkRK" in t for t in x_texts)  # supporters may mention the target on X
    assert not any("@GenProkRK" in t for t in bluesky_texts)  # an X handle would name someone else on Bluesky
    assert len(set(x_texts)) == len(x_texts)
    mastodon = [html.unescape(t) for t in re.findall(r'data-mastodon-text="([^"]+)"', page)]
    assert len(mastodon) >= 3 and all(measure(t, "mastodon").ok for t in mastodon)
    assert 'id="mastodon-server"' in page and '<label for="mastodon-server">' in page

    mails = [urlsplit(link) for link in _links(page) if link.startswith("mailto:")]
    to_prosecutor = [m for m in mails if m.path == "press@prokuror.kz"]
    assert to_prosecutor, "no mailto: link to the Prosecutor General"
    first = parse_qs(to_prosecutor[0].query)
    assert re.search("[а-я]", first["subject"][0] + first["body"][0])  # the UA prefers Kazakh, Russian, English
    english = [parse_qs(m.query) for m in to_prosecutor if parse_qs(m.query)["subject"][0].startswith("Release")]
    assert english and english[0]["body"][0].startswith("Dear Prosecutor General,")
    assert "+7 7172 506 402" in page and "Dear Prosecutor General" in page
    assert "#KazakhsInChina" in page and "@AmnestyEECA" in page


def test_pages_follow_the_case_languages_with_a_switch(seeded):
    site = _build(seeded)
    default = (site / SEED_PAGE / "index.html").read_text()
    assert '<html lang="ru">' in default  # the case's preferred languages: Kazakh (no templates), Russian, English
    assert 'href="index.en.html" lang="en"' in default and "Действуйте до 21 мая 2019" in default
    assert all(re.search("[а-я]", t) for t in _intents(default, "x.com"))
    bluesky = _intents(default, "bsky.app")  # no handle there: Russian texts name no one rather than an English title
    assert len(bluesky) >= 3 and not [t for t in bluesky if "Prosecutor" in t or "@" in t]
    seeded.set_config("[posting]", '[site]\nbase_url = ""\n\n[posting]')
    seeded.set_config("languages = []", 'languages = ["en"]')
    _build(seeded)
    assert '<html lang="en">' in (site / SEED_PAGE / "index.html").read_text()  # the section's language first


def test_closed_case_page_says_so_and_offers_no_action(seeded, seeds):
    site = _build(seeded)
    seeded.run(f"{APRIL_25} ingest {seeds / 'ua-46-19-final.txt'}")
    result = json.loads(seeded.run(f"{APRIL_25} site build {site} --json").output)
    assert str(SEED_PAGE / "index.en.html") in result["written"] and result["open_cases"] == 0
    for name in ("index.html", "index.en.html"):
        page = re.sub(r"<script>.*?</script>", "", (site / SEED_PAGE / name).read_text(), flags=re.S)
        assert not _intents(page, "x.com") and not _intents(page, "bsky.app")
        assert "mailto:" not in page and "data-mastodon-text" not in page and "<form" not in page
    page = (site / SEED_PAGE / "index.en.html").read_text()
    assert "This action is over" in page and "No further action is requested" in page
    assert "the final update was published" in page and "25 April 2019" in page
    index = (site / "index.html").read_text()
    assert "No case needs action right now" in index and "Closed cases" in index


def test_update_changes_the_page_and_only_what_changed_is_written(seeded):
    site = _build(seeded)
    again = json.loads(seeded.run(f"{APRIL_10} site build {site} --json").output)
    assert again["written"] == [] and again["unchanged"] == 1
    seeded.run(f"{APRIL_10} case edit 1 --set deadline=2019-06-30")
    changed = json.loads(seeded.run(f"{APRIL_10} site build {site} --json").output)
    assert str(SEED_PAGE / "index.en.html") in changed["written"]
    assert "30 June 2019" in (site / SEED_PAGE / "index.en.html").read_text()
    next_day = json.loads(seeded.run(f"--now 2019-04-11T09:00+05:00 site build {site} --json").output)
    assert "80 days left" in (site / SEED_PAGE / "index.en.html").read_text() and next_day["written"]


def test_base_url_gives_absolute_links_and_open_graph_tags(seeded):
    site = _build(seeded, "--base-url https://act.example.org/kit")
    page = (site / SEED_PAGE / "index.en.html").read_text()
    assert '<meta property="og:title" content="Serikzhan Bilash">' in page
    assert '<meta property="og:url" content="https://act.example.org/kit/cases/1-serikzhan-bilash/index.en.html">' in page
    assert 'property="og:description"' in page
    assert "https%3A%2F%2Fact.example.org%2Fkit%2Fcases%2F1-serikzhan-bilash" in page  # the texts link to the page
    index = (site / "index.html").read_text()
    assert 'href="https://act.example.org/kit/cases/1-serikzhan-bilash/' in index
    bad = seeded.run(f"{APRIL_10} site build {site} --base-url act.example.org", ok=False)
    assert bad.exit_code == 1 and "https://" in bad.output and "Traceback" not in bad.output


def test_pages_load_nothing_from_other_hosts_and_pass_the_accessibility_basics(seeded):
    site = _build(seeded)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 4
    for path in pages:
        page = path.read_text()
        assert check_page(page) == [], path
        loads = re.findall(r'<(?:img|script|link|iframe|source)\b[^>]*\b(?:src|href)="([^"]*)"', page)
        assert not [u for u in loads if re.match(r"(?:https?:)?//", u) and "rel=\"canonical\"" not in u], path
        assert "Content-Security-Policy" in page and "default-src &#39;none&#39;" in page


def test_the_accessibility_check_finds_what_it_should():
    bad = ('<html><head><style>.x { color: #777777; background: #ffffff }</style></head><body><h2>a</h2><h4>b</h4>'
           '<img src="p.jpg"><input id="q"><a href="/"></a></body></html>')
    found = " | ".join(check_page(bad))
    for words in ("no lang", "no <title>", "exactly one <h1>", "skips from h2 to h4", "no alt", "'q' has no label",
                  "<a> has no text", "contrast 4.48:1"):
        assert words in found
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert contrast_problems(":root{--a:#1d4ed8} a{color:var(--a);background:#ffffff}") == []


def test_the_planner_never_schedules_supporter_texts(seeded):
    seeded.run(f"{APRIL_10} schedule")
    posts = seeded.json(f"{APRIL_10} queue --all")
    assert posts and not [p for p in posts if "supporter" in (p["template"] or "") or p["kind"] == "supporter"]


def test_init_copies_the_page_templates_and_a_broken_template_is_one_line(seeded):
    pages = seeded.root / "pages"
    assert (pages / "case.html.j2").is_file() and (pages / "en" / "strings.toml").is_file()
    (pages / "case.html.j2").write_text("{% extends 'layout.html.j2' %}{% block main %}{{ nothing.here }}{% endblock %}")
    result = seeded.run(f"{APRIL_10} site build {seeded.root / 'public'}", ok=False)
    assert result.exit_code == 1 and "case.html.j2" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_daemon_rebuilds_the_site_when_a_folder_is_set(seeded, seeds):
    import datetime as dt

    from advocate.config import load_config
    from advocate.db import open_db
    from advocate.housekeeping import run_housekeeping

    seeded.set_config("[posting]", '[site]\nfolder = "public"\n\n[posting]')
    config = load_config(seeded.config)
    db = open_db(config.database)
    now = dt.datetime.fromisoformat("2019-04-10T09:00+05:00")
    first = run_housekeeping(db, config, now, {})
    assert not first.errors and (seeded.root / "public" / SEED_PAGE / "index.html").is_file()
    assert run_housekeeping(db, config, now, {}).site.written == []
    seeded.run(f"{APRIL_25} ingest {seeds / 'ua-46-19-final.txt'}")
    closed = run_housekeeping(db, config, now, {}).site
    assert str(SEED_PAGE / "index.html") in closed.written
    assert "No further action" in (seeded.root / "public" / SEED_PAGE / "index.en.html").read_text()
    db.close()


def test_site_serve_previews_the_folder_on_localhost(seeded):
    from advocate.site.serve import make_server

    site = _build(seeded)
    server = make_server(site, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/cases/1-serikzhan-bilash/index.en.html") as response:
            assert "Serikzhan Bilash" in response.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    missing = seeded.run(f"site serve {seeded.root / 'nowhere'}", ok=False)
    assert missing.exit_code == 1 and "site build" in missing.output


def test_no_folder_given_or_configured_is_a_usage_line(seeded):
    result = seeded.run("site build", ok=False)
    assert result.exit_code == 2 and "[site] folder" in result.output


def test_intent_text_survives_the_round_trip():
    from advocate.site.variants import intent_link

    text = "Свобода #Bilash & 100% @GenProkRK?"
    for network in ("x", "bluesky"):
        assert unquote(intent_link(network, text).split("text=", 1)[1]) == text
    assert intent_link("mastodon", text) is None
    assert intent_link("mastodon", text, "mastodon.social").startswith("https://mastodon.social/share?text=")


def test_a_photo_with_alt_text_is_shown_and_carded_and_none_is_skipped(seeded):
    """Photos arrive with issue 14: a case row with photo and photo_alt gets a local copy, an <img alt> and og:image."""
    from advocate.config import load_config
    from advocate.db import open_db

    site = _build(seeded, "--base-url https://act.example.org/")
    assert "<img" not in (site / SEED_PAGE / "index.en.html").read_text()  # no photo yet: no image, no error
    picture = seeded.root / "bilash.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    db = open_db(load_config(seeded.config).database)
    for column in ("photo", "photo_alt"):  # issue 14's migration adds them; before it, the test does
        if column not in db["cases"].columns_dict:
            db["cases"].add_column(column, str)
    db["cases"].update(1, {"photo": picture.name, "photo_alt": "Serikzhan Bilash speaking at a press conference"})
    db.close()
    _build(seeded, "--base-url https://act.example.org/")
    page = (site / SEED_PAGE / "index.en.html").read_text()
    assert '<img src="photo.jpg" alt="Serikzhan Bilash speaking at a press conference"' in page
    assert '<meta property="og:image" content="https://act.example.org/cases/1-serikzhan-bilash/photo.jpg">' in page
    assert (site / SEED_PAGE / "photo.jpg").read_bytes() == picture.read_bytes()
    assert check_page(page) == []
