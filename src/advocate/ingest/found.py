"""A value found in a document, with the line it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Found:
    value: Any
    index: int          # 0-based index into the document's lines
    confidence: float = 1.0
