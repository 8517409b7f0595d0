"""Reading documents: formats, encodings, debris, and clear errors."""

import codecs
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from advocate.errors import IngestError
from advocate.ingest import read_document
from fixtures.ua import builders

SEEDS = Path(__file__).parents[1] / "examples" / "ua-46-19"
FIXTURES = Path(__file__).parent / "fixtures" / "ua"





@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return builders.materialise(tmp_path_factory.mktemp("ua"))


def test_seed_final_loses_word_bookmarks():
    doc = read_document(SEEDS / "ua-46-19-final.txt")
    assert doc.format == "text"
    assert "[bookmark" not in doc.text
    assert doc.text.startswith("URGENT ACTION\n")
    assert "After more than five months of detention" in doc.text


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_every_seed_reads_as_text(seed):
    doc = read_document(SEEDS / seed)
    assert doc.format == "text"
    assert "Bilash" in doc.text


def test_cp1252_text_is_decoded(built):
    raw = built["b2-mexico-update.txt"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = read_document(built["b2-mexico-update.txt"]).text
    assert "ACCIÓN URGENTE" in text and "ENVÍEN LLAMAMIENTOS" in text and "¡Cumplan" in text


def test_utf8_bom_and_crlf_are_removed(built):
    text = read_document(built["b3-mexico-final.txt"]).text
    assert text.startswith("ACCIÓN URGENTE\n")
    assert "\r" not in text and "\ufeff" not in text


def test_utf16_with_bom():
    data = codecs.BOM_UTF16_LE + "URGENT ACTION\nFree Ana Pérez now\n".encode("utf-16-le")
    assert read_document(None, data=data, filename="ua.txt").text == "URGENT ACTION\nFree Ana Pérez now\n"


def test_html_keeps_the_article_and_drops_the_page_furniture(built):
    doc = read_document(built["b1-mexico-initial.html"])
    assert doc.format == "html"
    lines = doc.text.splitlines()
    assert lines[0] == "ACCIÓN URGENTE"
    assert "Fiscal General de la República" in lines
    assert "Lic. Ernesto Gómez Ruiz" in lines  # <br> became a line break
    for furniture in ("Inicio", "Dona", "cookies", "dataLayer", "Lee también", "Aviso de privacidad"):
        assert furniture not in doc.text


def test_html_saved_as_txt_is_still_html(built):
    data = built["f1-iran-initial.html"].read_bytes()
    doc = read_document(None, data=data, filename="page.txt")
    assert doc.format == "html"
    assert "Skip to content" not in doc.text and "Share on X" not in doc.text
    assert "Write to: Ambassador Hossein Karimi" in doc.text


def test_docx_reads_the_page_header_once_then_the_paragraphs(built):
    doc = read_document(built["a2-egypt-update.docx"])
    assert doc.format == "docx"
    assert doc.text.startswith(builders.HEADER + "\n\nURGENT ACTION\nONE LAWYER FREED")
    assert doc.text.count(builders.HEADER) == 1


def test_docx_is_sniffed_whatever_its_name(built):
    data = built["a2-egypt-update.docx"].read_bytes()
    assert read_document(None, data=data, filename="upload.bin").format == "docx"


def test_two_column_pdf_reads_in_column_order_without_repeated_header(built):
    doc = read_document(built["a3-egypt-final.pdf"])
    assert doc.format == "pdf"
    text = doc.text
    assert text.count(builders.HEADER) == 1  # kept once (it may be the title), not per page
    assert "Page 2" not in text
    first_column = text.index("No further action is")
    second_column = text.index("NAME AND PREFERRED")
    assert first_column < second_column
    assert "Karim Mansour was\nreleased" in text or "Karim Mansour was released" in text


def test_pdf_sniffed_from_bytes(built):
    data = built["a3-egypt-final.pdf"].read_bytes()
    assert read_document(None, data=data, filename="-").format == "pdf"


# Documents that cannot be read: one line naming the file and what to do.

def test_missing_file(tmp_path):
    with pytest.raises(IngestError, match=r"nothere\.pdf: no such file; check the path"):
        read_document(tmp_path / "nothere.pdf")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n")
    with pytest.raises(IngestError, match=r"empty\.txt is empty"):
        read_document(path)


def test_binary_junk(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(IngestError, match=r"photo\.txt looks like a binary file.*\.txt, \.html, \.docx or \.pdf"):
        read_document(path)


def test_zip_that_is_not_docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(IngestError, match=r"bundle\.zip is a zip archive, not a Word \.docx; unpack it"):
        read_document(None, data=out.getvalue(), filename="bundle.zip")


def test_old_word_file():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(IngestError, match=r"ua\.doc is an old Word/Office file; save it as \.docx or \.txt"):
        read_document(None, data=data, filename="ua.doc")


def test_encrypted_pdf():
    data = builders.build_encrypted_pdf()
    with pytest.raises(IngestError, match=r"locked\.pdf is encrypted; save an unencrypted copy"):
        read_document(None, data=data, filename="locked.pdf")


def test_image_only_pdf():
    data = builders.build_image_only_pdf()
    with pytest.raises(IngestError, match=r"scan\.pdf has no text layer \(scanned\?\);.*paste the text into a \.txt file"):
        read_document(None, data=data, filename="scan.pdf")


def test_damaged_pdf():
    with pytest.raises(IngestError, match=r"broken\.pdf is a damaged PDF"):
        read_document(None, data=b"%PDF-1.4\n garbage garbage", filename="broken.pdf")


def test_errors_are_one_line(tmp_path):
    with pytest.raises(IngestError) as error:
        read_document(tmp_path / "missing.txt")
    assert "\n" not in str(error.value)


def test_importing_ingest_loads_no_heavy_library():
    code = ("import sys, advocate.ingest, advocate.ingest.model; "
            "print([m for m in ('pypdf', 'docx', 'bs4', 'lxml', 'dateparser', 'charset_normalizer') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
