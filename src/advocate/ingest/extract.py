"""Read a document from a file or bytes and return its text and format.

The format is chosen by sniffing the bytes first (a PDF saved as .txt is
still a PDF), then by the file's extension.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from advocate.errors import IngestError
from advocate.ingest.clean import tidy_text
from advocate.ingest.decode import check_text, decode_bytes
from advocate.ingest.limits import (
    DEFAULT_LIMITS,
    ReadLimits,
    check_file_size,
    check_text_size,
    split_long_lines,
)
from advocate.ingest.model import DocumentText

_EXTENSIONS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html",
               ".xhtml": "html", ".txt": "text", ".text": "text", ".md": "text"}
_UNSUPPORTED = {".doc": "Word 97-2003", ".rtf": "RTF", ".odt": "OpenDocument",
                ".pages": "Pages", ".xls": "Excel", ".xlsx": "Excel"}


def read_document(path: Path | str | None, data: bytes | None = None,
                  filename: str | None = None, limits: ReadLimits = DEFAULT_LIMITS) -> DocumentText:
    """The text of a .txt, .html, .docx or .pdf document; IngestError if unreadable
    or beyond `limits`. The text's lines are at most `limits.max_line_chars` long."""
    name = filename or (str(path) if path is not None else "<stdin>")
    given = data is not None
    if data is None:
        data = _read_file(path, name, limits)
    check_file_size(name, len(data), limits)
    if not data.strip():
        raise IngestError(f"{name} is empty; give a document with the Urgent Action's text")
    fmt = _sniff(data, name) or _by_extension(name)
    try:
        text, fmt = _to_text(data, fmt, name, limits)
    except IngestError:
        raise
    except Exception as exc:  # a reader's bug must not reach the user as a traceback
        raise IngestError(f"{name} could not be read ({type(exc).__name__}: {' '.join(str(exc).split())[:120]}); "
                          "report it, and paste its text into a .txt file meanwhile") from exc
    if not text.strip():
        raise IngestError(f"{name} has no readable text; "
                          "paste the text into a .txt file and ingest that")
    if fmt not in ("docx", "pdf"):
        return DocumentText(text=text, format=fmt)
    return DocumentText(text=text, format=fmt, path=None if given else str(path), data=data if given else None)


def _read_file(path: Path | str | None, name: str, limits: ReadLimits) -> bytes:
    if path is None:
        raise IngestError("no document given; name a file or pipe one in with '-'")
    try:
        check_file_size(name, Path(path).stat().st_size, limits)  # before reading it all
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise IngestError(f"{name}: no such file; check the path") from None
    except IsADirectoryError:
        raise IngestError(f"{name} is a folder; name a file inside it") from None
    except OSError as exc:
        raise IngestError(f"{name} cannot be read ({exc.strerror}); check its permissions") from None


def _sniff(data: bytes, name: str) -> str | None:
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in data:
        raise IngestError(f"{name} is a password-protected Office file; open it, remove the password "
                          "and save it again, or save it as .txt, then ingest that")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(f"{name} is an old Word/Office file; "
                          "save it as .docx or .txt and ingest that")
    lowered = head.lower().replace(b"\x00", b"")
    if b"<html" in lowered or b"<!doctype html" in lowered:
        return "html"
    return None


def _zip_kind(data: bytes, name: str) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        raise IngestError(f"{name} is a damaged zip/.docx file; save it again") from None
    if "word/document.xml" in names:
        return "docx"
    raise IngestError(f"{name} is a zip archive, not a Word .docx; "
                      "unpack it and ingest the document inside")


def _by_extension(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in _UNSUPPORTED:
        raise IngestError(f"{name} is a {_UNSUPPORTED[suffix]} file; "
                          "save it as .docx, .pdf or .txt and ingest that")
    return _EXTENSIONS.get(suffix, "text")


def _to_text(data: bytes, fmt: str, name: str, limits: ReadLimits) -> tuple[str, str]:
    """(clean text, format); a .txt holding HTML is read as HTML."""
    if fmt == "pdf":
        from advocate.ingest.pdf_text import pdf_to_text
        return _finish(pdf_to_text(data, name, limits), name, limits), fmt
    if fmt == "docx":
        from advocate.ingest.docx_text import docx_to_text
        return _finish(docx_to_text(data, name, limits), name, limits), fmt
    text = decode_bytes(data, name)
    check_text(text, name)
    if fmt == "html" or _looks_like_html(text):
        from advocate.ingest.html_text import html_to_text
        return _finish(html_to_text(text, name, limits), name, limits), "html"
    return _finish(text, name, limits), "text"


def _finish(text: str, name: str, limits: ReadLimits) -> str:
    """Refuse text beyond the limit, bound its lines, then tidy it."""
    check_text_size(name, text, limits)
    return tidy_text(split_long_lines(text, limits.max_line_chars))


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in head
