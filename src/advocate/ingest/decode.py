"""Bytes of a plain-text document -> str, whatever the encoding."""

from __future__ import annotations

import codecs

from advocate.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, name: str) -> str:
    """Decode by BOM, then UTF-8, then charset-normalizer's best guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data:
        raise _binary(name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _guess(data, name)


_SAMPLE = 256 * 1024  # enough to tell an encoding; charset-normalizer on megabytes takes seconds


def _guess(data: bytes, name: str) -> str:
    """charset-normalizer's guess from a sample (cut at a line end), applied to all."""
    from charset_normalizer import from_bytes  # slow import: only when needed

    sample = data
    if len(data) > _SAMPLE:
        cut = data.rfind(b"\n", 0, _SAMPLE)
        sample = data[:cut if cut > 0 else _SAMPLE]
    best = from_bytes(sample).best()
    if best is None:
        raise _binary(name)
    return data.decode(best.encoding, errors="replace")


def check_text(text: str, name: str) -> None:
    """Reject text that is mostly control characters: a binary file."""
    sample = text[:20000]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    if "\x00" in sample or controls > max(3, len(sample) // 100):
        raise _binary(name)


def _binary(name: str) -> IngestError:
    return IngestError(
        f"{name} looks like a binary file, not a document; "
        "give a .txt, .html, .docx or .pdf file"
    )
