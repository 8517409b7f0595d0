"""Documents in, facts out: read a UA's text, parse its fields, and find
the case it belongs to. Pure: no database, clock, network or CLI.

Importing this package is cheap: the data classes load at once; the
reader, parser and linker (and their compiled patterns) load on first
use, and the heavy libraries (pypdf, python-docx, bs4, dateparser,
charset-normalizer) only inside the functions that need them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from advocate.ingest.model import (
    CaseKey,
    DocumentText,
    FieldSource,
    LinkResult,
    ParsedDocument,
    ParsedTarget,
)

if TYPE_CHECKING:
    from advocate.ingest.extract import read_document
    from advocate.ingest.link import match_case
    from advocate.ingest.parse import parse_ua

_LAZY = {"read_document": "advocate.ingest.extract", "parse_ua": "advocate.ingest.parse",
         "match_case": "advocate.ingest.link"}

__all__ = [
    "read_document", "parse_ua", "match_case", "DocumentText", "ParsedDocument",
    "ParsedTarget", "FieldSource", "CaseKey", "LinkResult",
]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'advocate.ingest' has no attribute {name!r}")
