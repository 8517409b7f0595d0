"""A PDF page -> its lines, with a heading that wrapped onto two lines joined.

pypdf's plain text is exactly the text its visitor is handed, chunk by
chunk, with the font, size and position each chunk was drawn with. So the
lines are the same as pypdf's own, and each line knows its style: the
style of its first chunk. A heading line (capitals, bold or larger than the
page's body text) continues on the next line when that line has the same font,
size and left edge, sits one line-height below, and the first line does
not end a sentence or a label. "TAKE ACTION: WRITE AN APPEAL IN YOUR OWN
WORDS OR" + "USING THIS MODEL LETTER" reads as one line, so the model
letter's heading is never taken for the first line of the address.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

_BOLD = ("bold", "black", "heavy", "semibold", "demi")
_LARGER = 1.15       # a heading is at least this much larger than body text...
_STEP = (0.8, 1.6)   # ...and its wrapped line this many sizes below
_ENDS = (".", ":", "!", "?", ";")
_MIN_WORDS = 3       # "URGENT ACTION" above a headline is two headings, not one


@dataclass
class Line:
    text: str
    font: str = ""
    size: float = 0.0
    x: float = 0.0
    y: float = 0.0


def page_lines(page, on_operation=None) -> list[str]:
    """The page's lines as pypdf's plain mode gives them, wrapped headings
    joined; `on_operation` is called before each drawing operation (and may
    raise to stop a page that costs too much)."""
    lines = _styled_lines(page, on_operation)
    return [line.text.rstrip() for line in _join_wrapped_headings(lines)]


def _styled_lines(page, on_operation) -> list[Line]:
    lines = [Line("")]

    def visit(text, cm, tm, font, size) -> None:
        for i, piece in enumerate(text.split("\n")):
            if i:
                lines.append(Line(""))
            if piece and not lines[-1].text.strip():
                _style(lines[-1], cm, tm, font, size)
            lines[-1].text += piece

    page.extract_text(visitor_text=visit, visitor_operand_before=on_operation)
    return lines


def _style(line: Line, cm, tm, font, size) -> None:
    """Font, size and position of where the line starts, in page space."""
    x, y = tm[4], tm[5]
    line.x = x * cm[0] + y * cm[2] + cm[4]
    line.y = x * cm[1] + y * cm[3] + cm[5]
    scale = abs(tm[3] * cm[3]) or 1.0
    line.size = round(float(size or 0) * scale, 1)
    line.font = str((font or {}).get("/BaseFont", "")) if hasattr(font, "get") else ""


def _join_wrapped_headings(lines: list[Line]) -> list[Line]:
    body = _body_size(lines)
    joined: list[Line] = []
    for line in lines:
        if joined and _continues(joined[-1], line, body):
            joined[-1] = Line(joined[-1].text.rstrip() + " " + line.text.strip(), joined[-1].font,
                              joined[-1].size, joined[-1].x, line.y)
        else:
            joined.append(line)
    return joined


def _body_size(lines: list[Line]) -> float:
    """The size most of the page's characters are set in."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _continues(first: Line, second: Line, body: float) -> bool:
    if not _is_heading(first, body) or not _capitals(second.text):
        return False
    if (second.font, second.size) != (first.font, first.size) or abs(second.x - first.x) > 2:
        return False
    step = (first.y - second.y) / first.size if first.size else 0
    words = first.text.split()
    return (_STEP[0] <= step <= _STEP[1] and len(words) >= _MIN_WORDS
            and not first.text.rstrip().endswith(_ENDS))


def _is_heading(line: Line, body: float) -> bool:
    """Capitals set bold or larger than the body: a bold address block in
    mixed case stays line by line."""
    bold = any(mark in line.font.lower() for mark in _BOLD)
    return _capitals(line.text) and (bold or (body > 0 and line.size >= body * _LARGER))


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
