"""A Word .docx -> its text: page headers, then the body, then page footers.

Read straight from the package's XML with lxml's streaming parser, so the
work is linear in the file and bounded: the XML read (declared and
actual sizes) is limited by `max_unpacked_mb`, its nesting by `max_depth`.
What python-docx leaves out is read too: text boxes, content controls,
the headers and footers of every section (where a UA's number is often
printed alone). Tables read row by row: a two-cell row whose first cell is
a short label reads "Label: value"; other rows give each cell's lines.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from advocate.errors import IngestError
from advocate.ingest.limits import MB, ReadLimits, over_limit

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_BODY = "word/document.xml"
# Text that is not shown: deleted revisions, field codes, the VML copy of a text box.
_SKIP = {_W + "del", _W + "moveFrom", _W + "instrText", _W + "delInstrText", _MC + "Fallback"}
_BREAKS = {_W + "br": "\n", _W + "cr": "\n", _W + "tab": "\t", _W + "noBreakHyphen": "-"}
_LABEL_CHARS = 60  # a first cell this short (one line) is a label


def docx_to_text(data: bytes, name: str, limits: ReadLimits) -> str:
    package = _Package(data, name, limits)
    body = package.xml(_BODY)
    headers, footers = package.running_parts(body)
    lines = _once(line for part in headers for line in _lines(package.xml(part)))
    lines += [""] + _lines(body) + [""]
    lines += _once(line for part in footers for line in _lines(package.xml(part)))
    return "\n".join(lines) + "\n"


class _Package:
    """The zip's XML parts, read within the unpacked-size budget."""

    def __init__(self, data: bytes, name: str, limits: ReadLimits):
        self.name, self.limits, self.used = name, limits, 0
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
            raise _damaged(name, exc) from None
        self.members = set(self.zip.namelist())

    def xml(self, member: str):
        return _parse(self._read(member), self.name, self.limits)

    def _read(self, member: str) -> bytes:
        budget = self.limits.max_unpacked_mb * MB
        try:
            info = self.zip.getinfo(member)
        except KeyError as exc:
            raise _damaged(self.name, exc) from None
        if self.used + info.file_size > budget:  # what the zip declares
            raise self._too_big()
        chunks = []
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(MB):
                    self.used += len(chunk)
                    if self.used > budget:  # what it really holds
                        raise self._too_big()
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise _damaged(self.name, exc) from None
        return b"".join(chunks)

    def _too_big(self) -> IngestError:
        return over_limit(self.name, "unpacks to more XML than a document holds (a zip bomb?)",
                          "max_unpacked_mb", f"{self.limits.max_unpacked_mb} MB")

    def running_parts(self, body) -> tuple[list[str], list[str]]:
        """The header and footer parts the sections use, in document order."""
        targets = self._relationships()
        headers: list[str] = []
        footers: list[str] = []
        for ref in body.iter(_W + "headerReference", _W + "footerReference"):
            part = targets.get(ref.get(_R + "id") or "")
            into = headers if ref.tag == _W + "headerReference" else footers
            if part in self.members and part not in into:
                into.append(part)
        return headers, footers

    def _relationships(self) -> dict[str, str]:
        rels = "word/_rels/document.xml.rels"
        if rels not in self.members:
            return {}
        return {rel.get("Id"): "word/" + (rel.get("Target") or "").lstrip("/").removeprefix("word/")
                for rel in self.xml(rels).iter(_REL)}


def _parse(xml: bytes, name: str, limits: ReadLimits):
    """Stream-parse XML, refusing nesting deeper than the limit; no entities, no network."""
    from lxml import etree  # slow import: only for Word files

    depth, root = 0, None
    events = etree.iterparse(io.BytesIO(xml), events=("start", "end"), resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=True)
    too_deep = over_limit(name, f"nests its XML deeper than {limits.max_depth} levels",
                          "max_depth", limits.max_depth)
    try:
        for event, element in events:
            depth += 1 if event == "start" else -1
            if depth > limits.max_depth:
                raise too_deep
            root = element
    except etree.XMLSyntaxError as exc:  # libxml2 stops by itself at 2048 levels
        raise (too_deep if "depth" in str(exc).lower() else _damaged(name, exc)) from None
    return root


def _lines(root) -> list[str]:
    """Paragraphs and table rows, in order, by one walk over the elements."""
    from lxml import etree

    walk = _Walk()
    for event, element in etree.iterwalk(root, events=("start", "end")):
        (walk.start if event == "start" else walk.end)(element)
    return walk.sinks[0]


class _Walk:
    """Collects lines while the XML is walked; tables and text boxes nest."""

    def __init__(self):
        self.sinks: list[list[str]] = [[]]      # lines; each open table cell has its own
        self.rows: list[list[list[str]]] = []   # open table rows: their cells' lines
        self.paragraphs: list[list[str]] = []   # open paragraphs (text boxes nest them)
        self.skip = 0

    def start(self, element) -> None:
        tag = element.tag
        if tag in _SKIP or self.skip:
            self.skip += tag in _SKIP
            return
        if tag == _W + "p":
            self.paragraphs.append([])
        elif tag == _W + "t" and self.paragraphs:
            self.paragraphs[-1].append(element.text or "")
        elif tag in _BREAKS and self.paragraphs:
            self.paragraphs[-1].append(_BREAKS[tag])
        elif tag == _W + "tr":
            self.rows.append([])
        elif tag == _W + "tc":
            self.sinks.append([])

    def end(self, element) -> None:
        tag = element.tag
        if self.skip:
            self.skip -= tag in _SKIP
            return
        if tag == _W + "p" and self.paragraphs:
            text = "".join(self.paragraphs.pop()).replace("\t", " ")
            self.sinks[-1].extend(text.split("\n"))
        elif tag == _W + "tc" and len(self.sinks) > 1 and self.rows:
            self.rows[-1].append(self.sinks.pop())
        elif tag == _W + "tr" and self.rows:
            self.sinks[-1].extend(_row_lines(self.rows.pop()))


def _row_lines(cells: list[list[str]]) -> list[str]:
    """'Label: value' for a label cell and its value; otherwise each cell's lines."""
    cells = [[line.strip() for line in cell if line.strip()] for cell in cells]
    cells = [cell for cell in cells if cell]
    if len(cells) == 2 and len(cells[0]) == 1 and len(cells[0][0]) <= _LABEL_CHARS:
        label, value = cells[0][0], cells[1]
        joiner = " " if label.endswith(":") else ": "
        return [label.rstrip() + joiner + value[0], *value[1:]]
    if all(len(cell) == 1 and len(cell[0]) <= _LABEL_CHARS for cell in cells) and len(cells) > 2:
        return [" | ".join(cell[0] for cell in cells)]
    return [line for cell in cells for line in cell] + [""]


def _once(lines) -> list[str]:
    """Lines of the running parts, each once (first-page and default headers repeat)."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        if line.strip() and line not in seen:
            seen.add(line)
            kept.append(line)
    return kept


def _damaged(name: str, exc: Exception) -> IngestError:
    reason = " ".join(str(exc).split())[:120]
    return IngestError(f"{name} is not a readable .docx file ({reason}); "
                       "open it in Word and save it again, or save it as .txt")
