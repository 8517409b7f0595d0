"""How much work reading one document may take.

Every reader checks these before and while it works, so that a hostile or
broken file (a zip bomb, a page tree that loops, HTML nested a hundred
thousand deep, megabytes on one line) is refused in bounded time with one
line naming the file, the limit and the setting that raises it.

The defaults are far above any Urgent Action (a UA is 1-4 pages, 5-40 KB
of text) and far below what makes ingest slow. config.py may pass the
`[ingest]` settings of the same names.

Lines are the exception: a line longer than `max_line_chars` is split (at
a sentence end, else at a space, else hard), never refused, so a readable
UA saved without line breaks still reads, and every pattern run later on
the text sees lines of bounded length.
"""

from __future__ import annotations

from dataclasses import dataclass

from advocate.errors import IngestError

MAX_FILE_MB = 20          # the file as given (PDFs with photos run to a few MB)
MAX_UNPACKED_MB = 20      # XML read out of a .docx (a UA's document.xml is < 1 MB)
MAX_PAGES = 200           # PDF pages
MAX_PDF_CONTENT_KB = 512  # PDF drawing instructions, decompressed (a text page: 3-30 KB)
MAX_PDF_OPERATIONS = 50_000  # PDF drawing operations run (a text page: 300-3,000)
MAX_TEXT_CHARS = 500_000    # text after reading (a UA is 5,000-40,000 characters; parsing 500,000 takes up to ~3 s)
MAX_LINE_CHARS = 3_000    # longer lines are split, not refused
MAX_DEPTH = 512           # element nesting in HTML and DOCX XML (real pages: < 100)

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """The `[ingest]` settings that bound reading; each must be positive."""

    max_file_mb: int = MAX_FILE_MB
    max_unpacked_mb: int = MAX_UNPACKED_MB
    max_pages: int = MAX_PAGES
    max_pdf_content_kb: int = MAX_PDF_CONTENT_KB
    max_pdf_operations: int = MAX_PDF_OPERATIONS
    max_text_chars: int = MAX_TEXT_CHARS
    max_line_chars: int = MAX_LINE_CHARS
    max_depth: int = MAX_DEPTH


DEFAULT_LIMITS = ReadLimits()


def over_limit(name: str, what: str, key: str, limit: object) -> IngestError:
    """'NAME WHAT; the limit is LIMIT ([ingest] KEY): ...' as one line."""
    return IngestError(
        f"{name} {what}; the limit is {limit} ([ingest] {key}): if it is an Urgent Action, "
        "paste its text into a .txt file and ingest that, or raise the setting"
    )


def check_file_size(name: str, size: int, limits: ReadLimits) -> None:
    if size > limits.max_file_mb * MB:
        raise over_limit(name, f"is {size / MB:.1f} MB", "max_file_mb", f"{limits.max_file_mb} MB")


def check_text_size(name: str, text: str, limits: ReadLimits) -> None:
    if len(text) > limits.max_text_chars:
        raise over_limit(name, f"holds {len(text):,} characters of text", "max_text_chars",
                         f"{limits.max_text_chars:,}")


def split_long_lines(text: str, limit: int) -> str:
    """Every line at most `limit` characters: long ones broken after a
    sentence end, else at a space, else hard. Linear in the text."""
    if all(len(line) <= limit for line in text.split("\n")):
        return text
    return "\n".join(piece for line in text.split("\n") for piece in _pieces(line, limit))


def _pieces(line: str, limit: int) -> list[str]:
    pieces: list[str] = []
    while len(line) > limit:
        cut = _cut(line, limit)
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    pieces.append(line)
    return pieces


def _cut(line: str, limit: int) -> int:
    """Where to break a long line: after the last '. ' in its second half,
    else at its last space there, else at the limit itself."""
    floor = limit // 2
    at = max(line.rfind(mark, floor, limit) for mark in (". ", "? ", "! ", "; "))
    if at > 0:
        return at + 1
    at = line.rfind(" ", floor, limit)
    return at + 1 if at > 0 else limit
