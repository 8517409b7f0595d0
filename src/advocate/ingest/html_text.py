"""A saved web page -> the article's text, one paragraph per line."""

from __future__ import annotations

import re

# Page furniture that is never part of an Urgent Action.
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside",
              "form", "iframe", "svg", "template", "button", "select", "head")
_DROP_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary")
_DROP_NAMES = re.compile(r"cookie|breadcrumb|share|social-links|newsletter|skip-link",
                         re.IGNORECASE)
_PARAGRAPHS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table",
               "ul", "ol", "dl", "pre", "address")
_LINES = ("div", "li", "tr", "dt", "dd", "section", "article", "main", "figcaption")


def html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup  # slow import: only for web pages

    soup = BeautifulSoup(html, "html.parser")
    _drop_furniture(soup)
    root = _article(soup)
    _mark_breaks(root)
    return _tidy(root.get_text(""))


def _drop_furniture(soup) -> None:
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": _DROP_ROLES}):
        tag.decompose()
    for tag in soup.find_all(_is_furniture):
        tag.decompose()


def _is_furniture(tag) -> bool:
    if tag.attrs is None or tag.name in ("html", "body", "main", "article"):
        return False
    names = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")
    return bool(_DROP_NAMES.search(names))


def _article(soup):
    """The <article> or <main> if it holds most of the text, else the body."""
    body = soup.body or soup
    whole = len(body.get_text(strip=True))
    for name in ("article", "main"):
        tag = soup.find(name)
        if tag is not None and len(tag.get_text(strip=True)) > whole * 0.3:
            return tag
    return body


def _mark_breaks(root) -> None:
    """Collapse the source's own line breaks, then break where blocks end."""
    for text in root.find_all(string=True):
        text.replace_with(re.sub(r"\s+", " ", str(text)))
    for br in root.find_all("br"):
        br.replace_with("\n")
    for tag in root.find_all(_PARAGRAPHS):
        tag.insert_before("\n\n")
        tag.append("\n\n")
    for tag in root.find_all(_LINES):
        tag.insert_before("\n")
        tag.append("\n")


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
