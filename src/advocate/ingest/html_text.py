"""A saved web page -> the article's text, one paragraph per line.

Parsed by lxml (libxml2, in C) and walked once, without recursion and
without changing the tree, so the work is linear in the page: 20,000
sibling paragraphs or tags nested 100,000 deep cost what their bytes cost.
Nesting deeper than `max_depth` is refused (libxml2 itself stops at a
few thousand levels, and would silently drop what lies deeper).

Navigation, banners, footers, cookie notices and share bars are dropped by
tag, ARIA role and class/id name; the <article> or <main> is read when it
holds most of the page's text.
"""

from __future__ import annotations

import re

from advocate.ingest.limits import ReadLimits, over_limit

# Page furniture that is never part of an Urgent Action.
_DROP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form",
              "iframe", "svg", "template", "button", "select", "head", "title", "object"}
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary", "dialog"}
_DROP_NAMES = re.compile(r"cookie|breadcrumb|share|social-links|newsletter|skip-?link|related"
                         r"|call-?to-?action|donat|promo|language-?(?:selector|switch)",
                         re.IGNORECASE)
_KEEP_ALWAYS = {"html", "body", "main", "article"}
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table",
               "ul", "ol", "dl", "pre", "address"}
_LINES = {"div", "li", "tr", "dt", "dd", "section", "article", "main", "figcaption"}
_CELLS = {"td", "th"}
_SPACE = re.compile(r"\s+")
# Break marks while walking (private-use characters, so the collapsing of the
# page's own white space leaves them alone); removed from the page first.
_PARA, _LINE = "\ue000", "\ue001"
_LABEL_CHARS = 60  # a first cell this short, in a row of two, is a label


def html_to_text(html: str, name: str, limits: ReadLimits) -> str:
    root = _parse(html.replace(_PARA, "").replace(_LINE, ""), name, limits)
    text = _SPACE.sub(" ", "".join(_text(_article(root))))
    return _tidy(text.replace(_PARA, "\n\n").replace(_LINE, "\n"))


def _parse(html: str, name: str, limits: ReadLimits):
    from lxml import etree  # slow import: only for web pages

    parser = etree.HTMLParser(recover=True, no_network=True, remove_comments=True,
                              remove_pis=True, huge_tree=True, encoding="utf-8")
    root = etree.fromstring(html.encode("utf-8", "replace"), parser)
    too_deep = any("depth" in str(error.message).lower() for error in parser.error_log)
    if too_deep or (root is not None and _depth(root) > limits.max_depth):
        raise over_limit(name, f"nests its HTML deeper than {limits.max_depth} levels",
                         "max_depth", limits.max_depth)
    if root is None:
        return etree.fromstring(b"<html><body></body></html>", parser)
    return root


def _depth(root) -> int:
    from lxml import etree

    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _is_furniture(element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _KEEP_ALWAYS:
        return False
    if tag in _DROP_TAGS or element.get("role") in _DROP_ROLES:
        return True
    names = (element.get("class") or "") + " " + (element.get("id") or "")
    return bool(_DROP_NAMES.search(names))


def _article(root):
    """The <article> or <main> if it holds most of the text, else the body;
    widened to take in the page's <h1> when the title sits above the article
    (as on amnesty.org, where it carries the name and the index number)."""
    body = root.find("body")
    body = root if body is None else body
    whole = _text_length(body)
    for tag in ("article", "main"):
        found = next(body.iter(tag), None)
        if found is not None and _text_length(found) > whole * 0.3:
            return _with_title(found, next(body.iter("h1"), None))
    return body


def _with_title(article, title):
    """The smallest element holding both the article and its title."""
    if title is None:
        return article
    holders = [title, *title.iterancestors()]  # kept alive, so lxml hands back the same proxies
    for element in (article, *article.iterancestors()):
        if any(element is holder for holder in holders):
            return element
    return article


def _text_length(element) -> int:
    return len(_SPACE.sub("", "".join(_text(element))))


def _text(root):
    """The visible text of `root`'s content, with breaks where blocks end."""
    from lxml import etree

    dropped = 0  # how deep inside a dropped element the walk is
    labels: list = []  # first cells of label | value rows (kept alive: lxml proxies)
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if dropped or _is_furniture(element):
                dropped += 1
                continue
            yield _LINE if tag == "br" else _break(tag)
            if tag == "tr":
                labels[:] = _label_cell(element)
            if element.text:
                yield element.text
        else:
            if dropped:
                dropped -= 1
            elif labels and element is labels[0]:
                yield _label_end(element)
            else:
                yield _break(tag)
            if element.tail and not dropped and element is not root:
                yield element.tail


def _label_cell(row) -> list:
    """[first cell] when the row is a short label and its value, else []."""
    cells = [cell for cell in row if cell.tag in _CELLS]
    if len(cells) != 2:
        return []
    label = " ".join("".join(cells[0].itertext()).split())
    value = "".join(cells[1].itertext()).strip()
    return [cells[0]] if label and len(label) <= _LABEL_CHARS and value else []


def _label_end(cell) -> str:
    return " " if "".join(cell.itertext()).rstrip().endswith(":") else ": "


def _break(tag: str) -> str:
    if tag in _PARAGRAPHS:
        return _PARA
    if tag in _LINES:
        return _LINE
    if tag in _CELLS:
        return " "
    return ""


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
