"""The built pages in a real headless Chromium (Debian's `chromium` package; nothing is downloaded).

Skipped, saying why, where no Chromium is installed: CI installs it first (.ci/run).
Each visit is a fresh browser profile with background networking off; the
pages themselves load nothing from other hosts (their Content-Security-Policy
forbids it), so no test touches the network. The screenshot of the seed
case's page is kept in build/test-artifacts/ (or $ADVOCATE_TEST_ARTIFACTS).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from advocate.messages.length import measure
from advocate.site.check import check_page

REPO = Path(__file__).resolve().parents[1]
APRIL_10 = "--now 2019-04-10T09:00+05:00"
APRIL_25 = "--now 2019-04-25T09:00+05:00"
PAGE = Path("cases") / "1-serikzhan-bilash"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-default-apps", "--hide-scrollbars")


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium installed: 'apt-get install -y chromium' to run the browser tests")


class Browser:
    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.visits = 0

    def _run(self, *args: str) -> str:
        self.visits += 1
        profile = self.scratch / f"profile-{self.visits}"  # a fresh profile: a new visitor each time
        command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def dom(self, path: Path, fragment: str = "") -> str:
        """The page's DOM after its script ran."""
        return self._run("--virtual-time-budget=2000", "--dump-dom", path.resolve().as_uri() + fragment)

    def screenshot(self, path: Path, to: Path, fragment: str = "") -> None:
        self._run("--window-size=1100,1800", f"--screenshot={to}", path.resolve().as_uri() + fragment)


@pytest.fixture
def browser(tmp_path) -> Browser:
    return Browser(tmp_path / "chromium")


@pytest.fixture
def site(workspace, seeds) -> Path:
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    folder = workspace.root / "public"
    workspace.run(f"{APRIL_10} site build {folder}")
    workspace.folder = folder
    return folder


def _shown(dom: str, network: str) -> list[str]:
    """The list items of a network's variants that the script left visible."""
    block = re.search(rf'<ol class="variants" id="variants-{network}"[^>]*>(.*?)</ol>', dom, re.S)
    assert block, f"no {network} variants"
    return [item for attrs, item in re.findall(r"<li([^>]*)>(.*?)</li>", block.group(1), re.S) if "hidden" not in attrs]


def _intent_text(item: str) -> str:
    link = html.unescape(re.search(r'href="([^"]+)"', item).group(1))
    return parse_qs(urlsplit(link).query)["text"][0]


def test_the_script_picks_one_text_per_network_and_it_fits(site, browser):
    dom = browser.dom(site / PAGE / "index.en.html", "#variant=1")
    assert re.search(r'<html lang="en" class="js">', dom), "the inline script did not run (check the CSP hash)"
    for network, host in (("x", "x.com"), ("bluesky", "bsky.app")):
        shown = _shown(dom, network)
        assert len(shown) == 1
        text = _intent_text(shown[0])
        assert measure(text, network).ok and urlsplit(html.unescape(re.search(r'href="([^"]+)"', shown[0]).group(1))).netloc == host
    other = browser.dom(site / PAGE / "index.en.html", "#variant=2")
    assert _intent_text(_shown(other, "x")[0]) != _intent_text(_shown(dom, "x")[0])


def test_the_variant_changes_between_visits(site, browser):
    picks = {_intent_text(_shown(browser.dom(site / PAGE / "index.en.html"), "x")[0]) for _ in range(6)}
    assert len(picks) > 1  # five texts on X: six visits picking the same one happens once in 3,125 runs


def test_mastodon_links_go_to_the_readers_server(site, browser):
    dom = browser.dom(site / PAGE / "index.en.html", "#mastodon=https://Example.Social/@me")
    links = [html.unescape(u) for u in re.findall(r'<a class="button" data-mastodon-text="[^"]*" href="([^"]+)"', dom)]
    assert links and all(u.startswith("https://example.social/share?text=") for u in links)
    assert all(measure(parse_qs(urlsplit(u).query)["text"][0], "mastodon").ok for u in links)
    assert 'id="mastodon-form"' in dom and 'id="mastodon-form" hidden' not in dom


def test_the_live_pages_pass_the_accessibility_check(site, browser):
    for name in (PAGE / "index.html", PAGE / "index.en.html", Path("index.html")):
        assert check_page(browser.dom(site / name)) == [], name


def test_the_closed_page_offers_no_action(workspace, seeds, site, browser):
    workspace.run(f"{APRIL_25} ingest {seeds / 'ua-46-19-final.txt'}")
    workspace.run(f"{APRIL_25} site build {site}")
    dom = browser.dom(site / PAGE / "index.en.html")
    body = re.sub(r"<script>.*?</script>", "", dom, flags=re.S)
    assert "No further action is requested" in body
    assert "intent/" not in body and "mailto:" not in body and "<form" not in body and "<button" not in body


def test_a_screenshot_of_the_seed_page_is_kept(site, browser, tmp_path):
    shot = tmp_path / "site-case.png"
    browser.screenshot(site / PAGE / "index.en.html", shot, "#variant=0")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    keep = Path(os.environ.get("ADVOCATE_TEST_ARTIFACTS", REPO / "build" / "test-artifacts"))
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, keep / "site-case.png")


def test_the_page_prints_cleanly(site, browser, tmp_path):
    """Printed: every text listed (none hidden by the script), no buttons, forms or language switch."""
    from pypdf import PdfReader

    pdf = tmp_path / "case.pdf"
    browser._run("--no-pdf-header-footer", f"--print-to-pdf={pdf}", (site / PAGE / "index.en.html").resolve().as_uri())
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages)
    assert "Serikzhan Bilash" in text and "Release Serikzhan Bilash" in text  # the model letter is printed open
    assert "please do the right thing" in text and "I stand with Serikzhan Bilash" in text  # all variants
    for gone in ("Post on X", "Show another text", "Use this server"):
        assert gone not in text
