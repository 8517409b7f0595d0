"""Case photos: stored without metadata, fitted to each network, alt text required.

The photo is tests/data/photos/synthetic-portrait.jpg: drawn, not a person,
with fake EXIF (a GPS position among it) that must never leave.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from advocate.errors import PhotoError
from advocate.media.alt import alt_problem
from advocate.media.image import encode_within
from advocate.media.limits import LIMITS
from advocate.media.store import prepare, store_photo

PHOTO = Path(__file__).parent / "data" / "photos" / "synthetic-portrait.jpg"
APRIL_10 = "--now 2019-04-10T09:00+05:00"
ALT = "A drawing of a smiling man with short dark hair, in a blue jacket."
GPS_IFD = 0x8825


def exif_of(data: bytes):
    return Image.open(io.BytesIO(data)).getexif()


def noisy_photo(path: Path, size=(3000, 4000), exif=None) -> Path:
    """A big photo that compresses badly (random noise), to push the byte limits."""
    import random

    rng = random.Random(7)
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    image.save(path, "JPEG", quality=95, **({"exif": exif} if exif is not None else {}))
    return path


def test_the_test_photo_really_carries_gps_so_the_tests_mean_something():
    exif = exif_of(PHOTO.read_bytes())
    assert exif.get_ifd(GPS_IFD)  # latitude and longitude are there
    assert exif[0x010F] == "SyntheticCam"


def test_stored_photo_has_no_exif_and_no_gps(tmp_path):
    stored = store_photo(tmp_path, PHOTO)
    data = (tmp_path / stored.path).read_bytes()
    assert len(exif_of(data)) == 0
    assert b"SyntheticCam" not in data and b"GPS" not in data
    assert (stored.width, stored.height) == (600, 800)
    assert stored.path == f"photos/{stored.digest}.jpg"
    assert store_photo(tmp_path, PHOTO) == stored  # the same photo twice is stored once


def test_an_exif_rotation_is_applied_to_the_pixels_before_the_tag_goes(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    source = tmp_path / "sideways.jpg"
    Image.new("RGB", (400, 300), (200, 100, 50)).save(source, "JPEG", exif=exif)
    stored = store_photo(tmp_path, source)
    assert (stored.width, stored.height) == (300, 400)  # upright, as viewers showed it
    assert len(exif_of((tmp_path / stored.path).read_bytes())) == 0


@pytest.mark.parametrize("network", ["x", "mastodon", "bluesky"])
def test_each_network_gets_a_photo_within_its_limits(tmp_path, network):
    big = noisy_photo(tmp_path / "big.jpg")
    assert big.stat().st_size > 1_000_000
    limits = LIMITS[network]
    image = encode_within(big.read_bytes(), limits)
    assert len(image.data) <= limits.max_bytes
    assert max(image.width, image.height) <= limits.max_side
    assert image.width * image.height <= limits.max_pixels
    assert abs(image.width / image.height - 0.75) < 0.01  # never stretched
    assert len(exif_of(image.data)) == 0


def test_a_transparent_png_is_flattened_on_white(tmp_path):
    source = tmp_path / "logo.png"
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(source)
    stored = store_photo(tmp_path, source)
    pixel = Image.open(tmp_path / stored.path).getpixel((25, 25))
    assert all(channel > 240 for channel in pixel)


@pytest.mark.parametrize("content, message", [
    (b"not an image at all", "not an image"),
    (PHOTO.read_bytes()[:2000], "damaged"),
])
def test_a_file_that_is_no_photo_is_refused_in_one_line(tmp_path, content, message):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(content)
    with pytest.raises(PhotoError, match=message) as caught:
        store_photo(tmp_path, bad)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("network, limit, unit", [("x", 1000, "characters"), ("mastodon", 1500, "characters"),
                                                  ("bluesky", 2000, "graphemes")])
def test_alt_text_limits_per_network(network, limit, unit):
    assert alt_problem("a" * limit, network) is None
    assert f"{limit + 1:,} {unit}; {network} allows {limit:,}" in alt_problem("a" * (limit + 1), network)
    assert alt_problem(None, network) == alt_problem("  ", network) == "the photo has no alt text"


def test_bluesky_counts_alt_text_in_graphemes():
    family = "\U0001F468\u200D\U0001F469\u200D\U0001F467"  # one grapheme, five code points
    assert alt_problem(family * 2000, "bluesky") is None
    assert alt_problem(family * 2000, "mastodon") is not None


def test_prepare_reencodes_the_stored_photo_for_a_network(tmp_path):
    stored = store_photo(tmp_path, noisy_photo(tmp_path / "big.jpg", size=(2400, 3200)))
    data = (tmp_path / stored.path).read_bytes()
    bluesky = prepare(data, "bluesky")
    assert len(bluesky.data) <= 1_000_000 and max(bluesky.width, bluesky.height) <= 2000


# --- the command, planning and posting ------------------------------------------------------


def _case(workspace, seeds) -> int:
    created = workspace.json(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    return created[0]["case"]["id"]


def _db(workspace):
    db = sqlite3.connect(workspace.root / "advocate.db")
    db.row_factory = sqlite3.Row
    return db


def test_case_photo_sets_replaces_and_removes_the_photo(workspace, seeds):
    case_id = _case(workspace, seeds)
    out = workspace.run(f'{APRIL_10} case photo {case_id} {PHOTO} --alt "{ALT}"').output
    assert "600x800, metadata removed" in out and ALT in out
    row = _db(workspace).execute("SELECT photo, photo_alt, photo_digest FROM cases WHERE id = ?", [case_id]).fetchone()
    assert row["photo_alt"] == ALT
    stored = workspace.root / row["photo"]
    assert stored.exists() and len(exif_of(stored.read_bytes())) == 0

    workspace.run(f'{APRIL_10} case photo {case_id} --alt "Another description."')
    assert _db(workspace).execute("SELECT photo_alt FROM cases").fetchone()[0] == "Another description."

    out = workspace.run(f"{APRIL_10} case photo {case_id} --none").output
    assert "photo removed" in out
    assert tuple(_db(workspace).execute("SELECT photo, photo_alt FROM cases").fetchone()) == (None, None)


@pytest.mark.parametrize("args, message", [
    ("{id} /nowhere/photo.jpg --alt x", "/nowhere/photo.jpg: no such file"),
    ("{id} {readme} --alt x", "not an image"),
    ("{id} {photo} --alt " + "a" * 1001, "1,001 characters; x allows 1,000"),
    ("{id} --alt x", "has no photo"),
    ("{id} {photo} --none", "--none removes the photo"),
    ("{id}", "say what to set"),
    ("999 {photo} --alt x", "999"),
])
def test_case_photo_refuses_bad_input_in_one_line_and_changes_nothing(workspace, seeds, args, message):
    case_id = _case(workspace, seeds)
    before = list(_db(workspace).execute("SELECT * FROM cases"))
    command = args.format(id=case_id, photo=PHOTO, readme=PHOTO.parent / "README.md")
    result = workspace.run(f"{APRIL_10} case photo {command}", ok=False)
    assert result.exit_code != 0
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert list(_db(workspace).execute("SELECT * FROM cases")) == before


def test_a_photo_without_alt_text_is_refused_at_planning_and_schedule_names_the_case(workspace, seeds):
    case_id = _case(workspace, seeds)
    out = workspace.run(f"{APRIL_10} case photo {case_id} {PHOTO}").output
    assert "no alt text yet" in out
    workspace.set_config("review = true", "review = false")
    out = workspace.run(f"{APRIL_10} schedule").output
    assert f"case {case_id}" in out and "no alt text" in out and "case photo" in out
    posts = list(_db(workspace).execute("SELECT status, with_photo, needs_review_reason FROM posts"))
    with_photo = [p for p in posts if p["with_photo"]]
    assert with_photo and all(p["status"] == "draft" and "no alt text" in p["needs_review_reason"] for p in with_photo)
    assert any(p["status"] == "scheduled" for p in posts if not p["with_photo"])


def test_a_photo_without_alt_text_is_refused_at_posting(workspace, seeds):
    case_id = _case(workspace, seeds)
    workspace.run(f'{APRIL_10} case photo {case_id} {PHOTO} --alt "{ALT}"')
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve --all")
    db = _db(workspace)
    db.execute("UPDATE cases SET photo_alt = NULL")  # e.g. cleared by hand after approval
    db.commit()
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-04-25T00:00+05:00")
    photo_posts = {r["id"] for r in _db(workspace).execute("SELECT id FROM posts WHERE with_photo = 1")}
    failed = {r["id"]: r["error"] for r in _db(workspace).execute("SELECT id, error FROM posts WHERE status = 'failed'")}
    sent = [line for line in workspace.outbox() if line["post_id"] in photo_posts]
    assert sent == [] and failed
    assert set(failed) <= photo_posts
    assert all("no alt text" in error and f"case photo {case_id}" in error for error in failed.values())


def test_the_outbox_records_the_photo_file_digest_alt_text_and_link(workspace, seeds):
    case_id = _case(workspace, seeds)
    workspace.run(f"{APRIL_10} case edit {case_id} --set url=https://example.org/act/46-19")
    workspace.run(f'{APRIL_10} case photo {case_id} {PHOTO} --alt "{ALT}"')
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve --all")
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-04-25T00:00+05:00")
    digest = _db(workspace).execute("SELECT photo_digest FROM cases").fetchone()[0]
    with_photo = [line for line in workspace.outbox() if "photo" in line]
    assert with_photo
    for line in with_photo:
        photo = line["photo"]
        assert photo["digest"] == digest and photo["alt"] == ALT
        assert Path(photo["file"]).name == f"{digest}.jpg"
        assert photo["sent_bytes"] <= 5_000_000
    assert any(line.get("link") == "https://example.org/act/46-19" for line in workspace.outbox())
    assert json.dumps(workspace.outbox()).count("SyntheticCam") == 0


# --- never twice: the dispatcher with X's fake, a photo on every post ----------------------


def _x_campaign(tmp_path, fake):
    import datetime as dt

    from advocate.db import write
    from advocate.dispatch import ChannelPool, Dispatcher
    from advocate.photos import set_photo
    from daemon_helpers import add_case, add_posts, open_campaign, write_config
    from fake_x import TEST_ENV

    now = dt.datetime(2030, 3, 2, 9, 0, tzinfo=dt.UTC)
    config, db = open_campaign(write_config(tmp_path / "campaign", {"org_x": fake.base_url}, reconcile_minutes=0))
    case_id = add_case(db, now, "Maryam Ahmadi", dt.date(2030, 3, 20))
    set_photo(db, now, case_id, config.database.parent, PHOTO, ALT)
    [post_id] = add_posts(db, now, case_id, [now - dt.timedelta(minutes=1)])
    with write(db):
        db.execute("UPDATE posts SET with_photo = 1 WHERE id = ?", [post_id])
    pool = ChannelPool(config, TEST_ENV)
    return Dispatcher(db, config, pool, housekeeping=False), db, post_id, now, pool


@pytest.fixture
def fake_x():
    from fake_x import FakeX

    with FakeX() as fake:
        yield fake


def _status(db, post_id):
    return db.execute("SELECT status, error FROM posts WHERE id = ?", [post_id]).fetchone()


def test_a_lost_answer_after_the_upload_is_reconciled_never_posted_twice(tmp_path, fake_x):
    import datetime as dt

    from fake_x import Reply

    dispatcher, db, post_id, now, pool = _x_campaign(tmp_path, fake_x)
    fake_x.clock = lambda: now
    fake_x.script(Reply.hang(create=True))  # uploaded, posted, the answer lost
    for minutes in (0, 1, 10, 60):
        dispatcher.tick(now + dt.timedelta(minutes=minutes))
    pool.close()
    assert _status(db, post_id)[0] == "sent"
    assert len(fake_x.posts) == 1 and len(fake_x.seen("create")) == 1
    assert len(fake_x.media) == 1 and fake_x.posts[0]["media_ids"] == list(fake_x.media)


def test_a_crash_after_the_upload_leaves_the_post_unknown_and_nothing_is_sent_again(tmp_path, fake_x):
    import datetime as dt

    from advocate.db import write

    dispatcher, db, post_id, now, pool = _x_campaign(tmp_path, fake_x)
    fake_x._upload({"media": "aGVsbG8=", "media_category": "tweet_image"})  # the upload that went through
    with write(db):  # ...and the daemon died before the create
        db.execute("UPDATE posts SET status = 'sending', claimed_at = ? WHERE id = ?", [now.isoformat(), post_id])
    assert dispatcher.start(now) == [post_id]
    for minutes in (0, 10, 60):
        dispatcher.tick(now + dt.timedelta(minutes=minutes))
    pool.close()
    assert _status(db, post_id)[0] == "unknown"
    assert fake_x.seen("create") == [] and fake_x.seen("upload") == []


def test_an_upload_that_fails_with_a_5xx_is_retried_and_posted_once(tmp_path, fake_x):
    import datetime as dt

    from fake_x import Reply

    dispatcher, db, post_id, now, pool = _x_campaign(tmp_path, fake_x)
    fake_x.script(Reply.error(503), route="upload")
    dispatcher.tick(now)
    status, error = _status(db, post_id)
    assert status == "scheduled" and error.startswith("photo upload: X answered 503")
    dispatcher.tick(now + dt.timedelta(minutes=5))
    pool.close()
    assert _status(db, post_id)[0] == "sent"
    assert len(fake_x.posts) == 1 and len(fake_x.seen("upload")) == 2


def test_an_upload_x_refuses_fails_the_post_with_the_reason(tmp_path, fake_x):
    from fake_x import Reply

    dispatcher, db, post_id, now, pool = _x_campaign(tmp_path, fake_x)
    fake_x.script(Reply.error(400, "Unsupported image format"), route="upload")
    dispatcher.tick(now)
    pool.close()
    assert tuple(_status(db, post_id)) == ("failed", "photo upload: X answered 400: Unsupported image format")
    assert fake_x.seen("create") == []


# --- the UA's own picture ----------------------------------------------------------------------


def _ua_docx(path: Path, seeds, pictures: list[tuple[Path, float]]) -> Path:
    from docx import Document
    from docx.shared import Inches

    document = Document()
    for picture, width in pictures:
        document.add_picture(str(picture), width=Inches(width))
    for line in (seeds / "ua-46-19-initial.txt").read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    document.save(path)
    return path


def _ua_pdf(path: Path, seeds, picture: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawImage(str(picture), 400, 650, width=120, height=160)
    y = 620
    for line in (seeds / "ua-46-19-initial.txt").read_text(encoding="utf-8").splitlines():
        if y < 40:
            pdf.showPage()
            y = 800
        pdf.drawString(40, y, line[:110])
        y -= 12
    pdf.save()
    return path


def test_a_docx_ua_gives_its_case_the_portrait_not_the_logo_and_it_waits_for_alt_text(workspace, seeds, tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (600, 120), (255, 220, 0)).save(logo)  # a banner: not a portrait
    ua = _ua_docx(tmp_path / "ua-46-19.docx", seeds, [(logo, 3.0), (PHOTO, 1.5)])
    out = workspace.run(f"{APRIL_10} ingest {ua}").output
    assert "photo taken from the document" in out and "--alt" in out
    row = _db(workspace).execute("SELECT photo, photo_alt, photo_width, photo_height FROM cases").fetchone()
    assert row["photo_alt"] is None and (row["photo_width"], row["photo_height"]) == (600, 800)
    assert len(exif_of((workspace.root / row["photo"]).read_bytes())) == 0


def test_a_pdf_ua_gives_its_case_the_portrait(workspace, seeds, tmp_path):
    ua = _ua_pdf(tmp_path / "ua-46-19.pdf", seeds, PHOTO)
    out = workspace.run(f"{APRIL_10} ingest {ua}").output
    assert "photo taken from the document (page 1" in out
    row = _db(workspace).execute("SELECT photo, photo_alt FROM cases").fetchone()
    assert row["photo"] and row["photo_alt"] is None


def test_a_ua_dropped_in_the_inbox_gives_its_case_the_portrait(workspace, seeds, tmp_path):
    from advocate.clock import parse_instant
    from advocate.config import load_config
    from advocate.db import open_db
    from advocate.watch import scan_inbox

    workspace.config.write_text(workspace.config.read_text() + '\n[inbox]\nfolder = "inbox"\n')
    inbox = workspace.root / "inbox"
    inbox.mkdir()
    _ua_docx(inbox / "ua-46-19.docx", seeds, [(PHOTO, 1.5)])
    config = load_config(workspace.config)
    result = scan_inbox(open_db(config.database), inbox, parse_instant("2019-04-10T09:00+05:00"), config)
    [outcome] = result.processed
    assert any("photo taken from the document" in note for note in outcome.notes)
    row = _db(workspace).execute("SELECT photo, photo_alt, photo_width FROM cases").fetchone()
    assert row["photo"] and row["photo_alt"] is None and row["photo_width"] == 600
    assert (inbox / "processed" / "ua-46-19.docx").exists()


def test_a_pdf_ua_piped_in_gives_its_case_the_portrait(workspace, seeds, tmp_path):
    ua = _ua_pdf(tmp_path / "ua-46-19.pdf", seeds, PHOTO)
    out = workspace.run(f"{APRIL_10} ingest -", input=ua.read_bytes()).output
    assert "photo taken from the document (page 1" in out
    assert _db(workspace).execute("SELECT photo FROM cases").fetchone()[0]


def test_a_photo_set_by_hand_is_kept_when_the_ua_is_ingested_again(workspace, seeds, tmp_path):
    ua = _ua_docx(tmp_path / "ua-46-19.docx", seeds, [(PHOTO, 1.5)])
    workspace.run(f"{APRIL_10} ingest {ua}")
    other = tmp_path / "other.png"
    Image.new("RGB", (300, 400), (10, 120, 10)).save(other)
    workspace.run(f'{APRIL_10} case photo 1 {other} --alt "A green square."')
    mine = _db(workspace).execute("SELECT photo FROM cases").fetchone()[0]
    workspace.run(f"{APRIL_10} ingest {ua}")
    assert _db(workspace).execute("SELECT photo, photo_alt FROM cases").fetchone()[:] == (mine, "A green square.")


def test_pictures_are_read_within_the_unpacked_budget_and_a_damaged_file_gives_none(seeds, tmp_path):
    import zipfile

    from advocate.ingest.images import document_images
    from advocate.ingest.limits import ReadLimits

    ua = _ua_docx(tmp_path / "ua.docx", seeds, [(PHOTO, 1.5)])
    assert [(i.width, i.height) for i in document_images(ua.read_bytes(), "docx")] == [(600, 800)]
    with zipfile.ZipFile(ua, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/bomb.png", b"\0" * (3 * 1024 * 1024))  # 3 MB of zeros, a few KB packed
    tight = ReadLimits(max_unpacked_mb=2)
    assert len(document_images(ua.read_bytes(), "docx", tight)) <= 1  # stops at the budget, never raises
    assert document_images(b"PK\x03\x04 not really a zip", "docx") == []
    assert document_images(b"%PDF-1.4 broken", "pdf") == []


def test_case_show_says_the_photo_and_whether_it_has_alt_text(workspace, seeds):
    case_id = _case(workspace, seeds)
    assert "photo:" not in workspace.run(f"{APRIL_10} case show {case_id}").output
    assert workspace.json(f"{APRIL_10} case show {case_id}")["photo"] is None
    workspace.run(f"{APRIL_10} case photo {case_id} {PHOTO}")
    assert "no alt text, so never posted" in workspace.run(f"{APRIL_10} case show {case_id}").output
    workspace.run(f'{APRIL_10} case photo {case_id} --alt "{ALT}"')
    shown = workspace.json(f"{APRIL_10} case show {case_id}")["photo"]
    assert shown["alt"] == ALT and (shown["width"], shown["height"]) == (600, 800)
