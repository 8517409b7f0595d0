"""A PDF -> its text, with running headers, footers and page numbers removed.

pypdf's plain mode follows the order text was drawn in, which keeps the
columns of a two-column page apart; layout mode (and pdfplumber) put them
side by side on one line, so we use plain mode.

The work is bounded: pages (`max_pages`), the drawing instructions pypdf
must parse (`max_pdf_content_kb`, decompressed, checked before parsing:
pypdf parses about a megabyte a second) and the instructions it runs,
forms drawn again and again included (`max_pdf_operations`).
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from advocate.errors import IngestError
from advocate.ingest.limits import ReadLimits, over_limit

_PAGE_WORD = r"(?:page|página|pagina|seite|страница|стр\.)"
_PAGE_OF = r"(?:\s*(?:/|of|de|sur|von|di|из)\s*\d{1,3})?"
_PAGE_NUMBER = re.compile(rf"^{_PAGE_WORD}?\s*\d{{1,3}}{_PAGE_OF}$", re.IGNORECASE)
# "Page 2 of 3" inside a running line ("amnesty.org  Page 2 of 3").
_PAGE_IN_LINE = re.compile(rf"\b{_PAGE_WORD}\s*\d{{1,3}}{_PAGE_OF}\b", re.IGNORECASE)
_EDGE = 3  # lines at the top and bottom of a page where headers live


def pdf_to_text(data: bytes, name: str, limits: ReadLimits) -> str:
    """Every pypdf call on the document happens inside a guard: a page tree
    that loops, a stream whose length lies or any other damage found while
    reading pages gives one line, never a traceback."""
    reader = _open(data, name)
    count = _guarded(name, lambda: len(reader.pages))
    if count > limits.max_pages:
        raise over_limit(name, f"has {count} pages", "max_pages", limits.max_pages)
    budget = _Budget(name, limits)
    read = [_page_lines(reader, number, name, budget) for number in range(count)]
    pages = [page for page in read if page is not None]
    if read and not pages:
        raise IngestError(f"{name} is a damaged PDF (no page could be read); "
                          "save it again or paste its text into a .txt file")
    if not any(line.strip() for page in pages for line in page):
        raise IngestError(
            f"{name} has no text layer (scanned?); run OCR on it, "
            "or paste the text into a .txt file and ingest that"
        )
    return "\n".join(_without_running_lines(pages)) + "\n"


def _guarded(name: str, call):
    try:
        return call()
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many kinds (and RecursionError) on a hostile file
        raise _damaged(name, exc) from None


def _damaged(name: str, exc: Exception) -> IngestError:
    reason = " ".join(str(exc).split())[:120] or type(exc).__name__
    return IngestError(f"{name} is a damaged PDF ({reason}); "
                       "save it again or paste its text into a .txt file")


def _open(data: bytes, name: str):
    from pypdf import PdfReader  # slow import: only for PDFs

    # pypdf logs its repairs ("EOF marker not found") to stderr; a damaged
    # file gets our one line instead, and a repaired one needs no comment.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    reader = _guarded(name, lambda: PdfReader(io.BytesIO(data)))
    if _guarded(name, lambda: reader.is_encrypted) and not _opens_without_password(reader):
        raise IngestError(f"{name} is encrypted; save an unencrypted copy "
                          "(print it to PDF) and ingest that")
    return reader


def _opens_without_password(reader) -> bool:
    """Many PDFs are encrypted only against editing, with an empty password."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # pypdf needs the cryptography package for AES
        return False


def _page_lines(reader, number: int, name: str, budget: _Budget) -> list[str] | None:
    """The page's lines, or None when pypdf cannot read it."""
    from advocate.ingest.pdf_lines import page_lines

    page = _guarded(name, lambda: reader.pages[number])
    budget.spend_content(_guarded(name, lambda: _content_size(page)))
    try:
        return page_lines(page, budget.spend_operation)
    except IngestError:
        raise
    except Exception:  # one broken page should not lose the others
        return None


def _content_size(page) -> int:
    """Bytes of drawing instructions on the page and in the forms it draws."""
    contents = page.get_contents()
    size = len(contents.get_data()) if contents is not None else 0
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    for ref in (xobjects.get_object().values() if xobjects is not None else ()):
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form":
            size += len(xobject.get_data())
    return size


class _Budget:
    """What one document may cost: content parsed, operations run."""

    def __init__(self, name: str, limits: ReadLimits):
        self.name, self.limits = name, limits
        self.content = self.operations = 0

    def spend_content(self, size: int) -> None:
        self.content += size
        if self.content > self.limits.max_pdf_content_kb * 1024:
            raise over_limit(self.name, "holds more drawing instructions than its text needs",
                             "max_pdf_content_kb", f"{self.limits.max_pdf_content_kb:,} KB")

    def spend_operation(self, *_args) -> None:
        self.operations += 1
        if self.operations > self.limits.max_pdf_operations:
            raise over_limit(self.name, "takes more drawing operations to read than a document needs",
                             "max_pdf_operations", f"{self.limits.max_pdf_operations:,}")


def _without_running_lines(pages: list[list[str]]) -> list[str]:
    """Drop page numbers, and repeats of lines that recur at the page edges
    of several pages; the first occurrence stays (it may be the title)."""
    running = _running_lines(pages)
    seen: set[str] = set()
    kept: list[str] = []
    for page in pages:
        for line in page:
            key = _key(line)
            if _PAGE_NUMBER.match(line.strip()):
                continue
            if key in running:
                if key in seen:
                    continue
                line = _PAGE_IN_LINE.sub("", line).strip()
            seen.add(key)
            kept.append(line)
        kept.append("")
    return kept


def _running_lines(pages: list[list[str]]) -> set[str]:
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        text_lines = [line for line in page if line.strip()]
        edges = text_lines[:_EDGE] + text_lines[-_EDGE:]
        counts.update({_key(line) for line in edges if _key(line)})
    return {key for key, n in counts.items() if n >= 2}


def _key(line: str) -> str:
    """Compare lines ignoring digits, so 'Page 2 of 3' matches 'Page 3 of 3'."""
    return re.sub(r"\d+", "#", " ".join(line.split())).lower()
