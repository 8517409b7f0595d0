"""Tables for people; JSON for scripts."""

from __future__ import annotations

import json
import shutil

import click

FALLBACK_WIDTH = 100  # a pipe has no width; COLUMNS sets one
NARROW_MAX = 24       # a narrow column wraps past this many cells
WIDE_MIN = 32         # a wide column narrower than this goes under its row instead, full width
GAP = "  "


def table(rows: list[dict], columns: list[tuple[str, str]], title: str | None = None, empty: str = "Nothing to show.",
          wide: str | None = None, width: int | None = None) -> None:
    """Print rows as a table sized to the terminal; `columns` is [(key, heading)].

    Nothing is cut: cells wrap. The `wide` column (a post's text) takes the
    room the others leave; when that is too little (80 columns), it goes on
    the lines under its row, indented, at the terminal's full width.
    """
    if not rows:
        click.echo(empty)
        return
    for line in table_lines(rows, columns, title, wide, width or shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns):
        click.echo(line)


def table_lines(rows: list[dict], columns: list[tuple[str, str]], title: str | None, wide: str | None, total: int) -> list[str]:
    total = max(total, 40)
    cells = [{key: _flat(row.get(key)) for key, _ in columns} for row in rows]
    narrow = [(k, h) for k, h in columns if k != wide]
    widths = {k: min(max(cell_len(h), *(cell_len(c[k]) for c in cells)), NARROW_MAX) for k, h in narrow}
    while sum(widths.values()) + len(GAP) * (len(narrow) - 1) > total:  # too many columns: the widest wraps more
        key = max(widths, key=lambda k: widths[k])
        if widths[key] <= 4:
            break
        widths[key] -= 1
    room = total - sum(widths.values()) - len(GAP) * (len(columns) - 1)
    longest = max([cell_len(heading) for key, heading in columns if key == wide] + [cell_len(c[wide]) for c in cells]) if wide else 0
    inline = wide is not None and room >= min(WIDE_MIN, longest)
    shown = columns if inline else narrow
    if inline and wide is not None:
        widths[wide] = room
    lines = [title] if title else []
    lines.append(_join([h for _, h in shown], [widths[k] for k, _ in shown]))
    for row in cells:
        wrapped = [wrap(row[k], widths[k]) for k, _ in shown]
        for i in range(max(len(w) for w in wrapped)):
            lines.append(_join([w[i] if i < len(w) else "" for w in wrapped], [widths[k] for k, _ in shown]))
        if wide is not None and not inline and row[wide]:
            lines += ["    " + part for part in wrap(row[wide], total - 4)]
    return lines


def _flat(value) -> str:
    """A cell's text on one line: None is empty, runs of white space are one space."""
    return "" if value is None else " ".join(str(value).split())


def _join(parts: list[str], widths: list[int]) -> str:
    padded = [part + " " * (width - cell_len(part)) for part, width in zip(parts, widths, strict=True)]
    return GAP.join(padded).rstrip()


def cell_len(text: str) -> int:
    """Terminal cells: wide (CJK, most emoji) count 2, combining marks 0."""
    import unicodedata

    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap in terminal cells; a word longer than the line is split."""
    width = max(width, 1)
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        while cell_len(word) > width:  # split what cannot fit on any line
            head = _fit(word, width - cell_len(line) - (1 if line else 0)) if line else _fit(word, width)
            if not head:
                lines.append(line)
                line = ""
                continue
            lines.append(f"{line} {head}" if line else head)
            line, word = "", word[len(head):]
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines or [""]


def _fit(word: str, room: int) -> str:
    """The longest start of `word` that fits in `room` cells."""
    used, end = 0, 0
    for end, char in enumerate(word):
        used += cell_len(char)
        if used > room:
            return word[:end]
    return word


def shown(value) -> str:
    """A value as a person reads it, never a Python repr: lists joined, mappings as key=value, nothing as '(not set)'."""
    if value is None or value == "" or value == [] or value == {}:
        return "(not set)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(shown(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={shown(v)}" for k, v in value.items())
    return str(value)


def fields(pairs: list[tuple[str, object]]) -> None:
    width = max(len(k) for k, _ in pairs)
    for key, value in pairs:
        click.echo(f"{key.rjust(width)}: {'' if value is None else shown(value) if isinstance(value, (list, tuple, dict, bool)) else value}")


def warn(message: str) -> None:
    """Something the user should see that is not the command's output: on stderr, so pipes stay clean."""
    click.secho(message, fg="yellow", err=True)


def echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def json_option(func):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(func)
