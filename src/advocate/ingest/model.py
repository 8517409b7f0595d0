"""What ingest hands back: a document's text, the fields read from it, and
which existing case it belongs to. Plain dataclasses, cheap to import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("text", "html", "docx", "pdf")
KINDS = ("initial", "update", "final", "news", "unknown")
SUBJECT_KINDS = ("person", "group", "organisation")


@dataclass(frozen=True)
class DocumentText:
    """The readable text of a document and the format it came in."""

    text: str
    format: str  # one of FORMATS
    # Where a DOCX or PDF's pictures are read from (its case may take the portrait): the file it
    # was read from, or its bytes when it came without one (stdin, a feed's link). Not kept for
    # a file, so a batch of documents read before any is stored holds only their texts.
    path: str | None = field(default=None, compare=False)
    data: bytes | None = field(default=None, repr=False, compare=False)

    def original(self) -> bytes | None:
        """The document as it came (DOCX and PDF only), or None."""
        if self.data is not None:
            return self.data
        try:
            return Path(self.path).read_bytes() if self.path else None
        except OSError:  # moved or removed since it was read: no picture, nothing else lost
            return None


@dataclass(frozen=True)
class FieldSource:
    """Where a field was found: 1-based line, that line, and how sure we are."""

    line: int
    text: str
    confidence: float


@dataclass
class ParsedTarget:
    """An official to write to. `additional` marks copies (embassies...)."""

    name: str | None = None
    title: str | None = None
    email: str | None = None
    fax: str | None = None
    handle: str | None = None
    address: str | None = None
    salutation: str | None = None
    additional: bool = False


@dataclass
class ParsedDocument:
    """Everything a document says about its case, each field with its source."""

    kind: str = "unknown"
    language: str = "en"
    ua_number: str | None = None
    ua_number_printed: str | None = None
    index_number: str | None = None
    title: str | None = None
    person: str | None = None
    persons: list[str] = field(default_factory=list)
    pronouns: str | None = None
    # Who the case is about, as posts name it. subject_kind is one of
    # SUBJECT_KINDS; subject_name is a person's name ("Jane Doe"), a group as
    # the UA words it ("twelve protesters", in the document's language) or an
    # organisation's name; role is what the person is, normalised to English
    # lower case ("journalist", "student", "lawyer", "human rights defender",
    # ...) whatever the document's language, or None when the UA does not say.
    subject_kind: str | None = None
    subject_name: str | None = None
    role: str | None = None
    country: str | None = None
    issued: dt.date | None = None
    deadline: dt.date | None = None
    targets: list[ParsedTarget] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    suggested_message: str | None = None
    url: str | None = None
    closure_line: str | None = None
    references: list[str] = field(default_factory=list)
    sources: dict[str, FieldSource] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CaseKey:
    """The lead's summary of an existing case, enough to recognise it."""

    id: int
    ua_number: str | None
    index_number: str | None
    person: str | None
    persons: list[str]
    issued: dt.date | None
    status: str


@dataclass(frozen=True)
class LinkResult:
    """The case a document belongs to, or None with the candidates and why."""

    case_id: int | None
    confidence: float
    reason: str
    candidates: list[int] = field(default_factory=list)
