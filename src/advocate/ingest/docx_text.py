"""A Word .docx -> its text: paragraphs and table cells in reading order."""

from __future__ import annotations

import io

from advocate.errors import IngestError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_to_text(data: bytes, name: str) -> str:
    import docx  # slow import: only for Word files

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a bad file
        raise IngestError(f"{name} is not a readable .docx file ({exc}); "
                          "open it in Word and save it again, or save it as .txt") from exc
    return "\n".join(_body_lines(document)) + "\n"


def _body_lines(document) -> list[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == _W + "p":
            lines.append(Paragraph(child, document).text)
        elif child.tag == _W + "tbl":
            lines.extend(_table_lines(Table(child, document)))
    return lines


def _table_lines(table) -> list[str]:
    """Each cell's paragraphs, once (merged cells repeat in python-docx)."""
    lines: list[str] = []
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            lines.extend(p.text for p in cell.paragraphs)
            lines.append("")
    return lines
