"""The accessibility basics a page must pass, checked without a browser.

axe-core would need Node and a browser at build time; these checks cover
what our pages can get wrong (WCAG 2.1 A/AA): the page's and every
element's `lang`, a title, one h1 and no skipped heading level, alt text
on every image, a label for every form field, text on every link and
button, unique ids, ids that aria-labelledby/describedby and label[for]
point at, and the contrast of every text colour the stylesheet sets
against its background (4.5:1). The browser test runs them on the live DOM too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_VAR = re.compile(r"var\((--[\w-]+)\)")
_HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
MIN_CONTRAST = 4.5
_FIELDS = {"input", "select", "textarea"}
_UNLABELLED_INPUTS = {"hidden", "submit", "button", "reset", "image"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.html_lang = None
        self.title = ""
        self.headings: list[int] = []
        self.ids: dict[str, int] = {}
        self.labels_for: set[str] = set()
        self.references: list[tuple[str, str]] = []
        self.fields: list[tuple[str, dict, bool]] = []  # (id, attrs, inside a label)
        self.styles: list[str] = []
        self._stack: list[tuple[str, dict]] = []
        self._text: list[list[str]] = []  # text collected for open links/buttons/headings/title/style

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if "lang" in attrs and not _LANG.match(attrs["lang"]):
            self.problems.append(f"<{tag}> has an invalid lang {attrs['lang']!r}")
        if "id" in attrs:
            self.ids[attrs["id"]] = self.ids.get(attrs["id"], 0) + 1
        for key in ("aria-labelledby", "aria-describedby"):
            for ref in attrs.get(key, "").split():
                self.references.append((key, ref))
        if tag == "label" and attrs.get("for"):
            self.labels_for.add(attrs["for"])
        if tag == "img" and "alt" not in attrs:
            self.problems.append(f"<img src={attrs.get('src', '')!r}> has no alt text")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in _FIELDS and attrs.get("type", "text") not in _UNLABELLED_INPUTS:
            self.fields.append((attrs.get("id", ""), attrs, any(t == "label" for t, _ in self._stack)))
        if tag not in _VOID:
            self._stack.append((tag, attrs))
            self._text.append([])

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, attrs = self._stack.pop()
            text = "".join(self._text.pop()).strip()
            if self._text:
                self._text[-1].append(text)
            self._closed(open_tag, attrs, text)
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._text:
            self._text[-1].append(data)

    def _closed(self, tag, attrs, text):
        if tag == "title":
            self.title = text
        elif tag == "style":
            self.styles.append(text)
        elif tag in ("a", "button") and not (text or attrs.get("aria-label")):
            self.problems.append(f"a <{tag}> has no text")
        elif re.fullmatch(r"h[1-6]", tag) and not text:
            self.problems.append(f"an empty <{tag}>")


def check_page(html: str) -> list[str]:
    """What keeps `html` from passing the basics; empty when it passes."""
    page = _Page()
    page.feed(html)
    page.close()
    problems = list(page.problems)
    if not page.html_lang:
        problems.append("<html> has no lang")
    if not page.title:
        problems.append("the page has no <title>")
    problems += _heading_problems(page.headings)
    problems += [f"id {i!r} is used {n} times" for i, n in page.ids.items() if n > 1]
    problems += [f"{key} points at a missing id {ref!r}" for key, ref in page.references if ref not in page.ids]
    for ident, attrs, wrapped in page.fields:
        if not (wrapped or ident in page.labels_for or attrs.get("aria-label") or attrs.get("aria-labelledby")):
            problems.append(f"form field {ident or attrs.get('name', '?')!r} has no label")
    for css in page.styles:
        problems += contrast_problems(css)
    return problems


def _heading_problems(levels: list[int]) -> list[str]:
    if not levels:
        return ["the page has no headings"]
    problems = [] if levels.count(1) == 1 and levels[0] == 1 else ["the page needs exactly one <h1>, first"]
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading level skips from h{before} to h{after}")
            break
    return problems


def contrast_problems(css: str) -> list[str]:
    """Every rule setting both a colour and a background below MIN_CONTRAST; body's pair too."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    variables: dict[str, str] = {}
    rules = []
    for selector, body in _RULE.findall(css):
        declarations = dict(_declaration(d) for d in body.split(";") if ":" in d)
        variables.update({k: v for k, v in declarations.items() if k.startswith("--")})
        rules.append((" ".join(selector.split()), declarations))
    problems = []
    for selector, declarations in rules:
        colour = declarations.get("color")
        background = declarations.get("background-color") or declarations.get("background")
        if not colour or not background:
            continue
        fore, back = _resolve(colour, variables), _resolve(background, variables)
        if fore is None or back is None:
            problems.append(f"CSS '{selector}': cannot tell the contrast of {colour} on {background}; use #rrggbb colours")
            continue
        ratio = contrast(fore, back)
        if ratio < MIN_CONTRAST:
            problems.append(f"CSS '{selector}': contrast {ratio:.2f}:1 of {colour} on {background} is below {MIN_CONTRAST}:1")
    return problems


def contrast(fore: tuple, back: tuple) -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours."""
    light, dark = sorted((_luminance(fore), _luminance(back)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(rgb: tuple) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _declaration(text: str) -> tuple[str, str]:
    key, _, value = text.partition(":")
    return key.strip().lower(), value.replace("!important", "").strip()


def _resolve(value: str, variables: dict, depth: int = 0) -> tuple | None:
    value = value.strip()
    match = _VAR.fullmatch(value)
    if match and depth < 10:
        return _resolve(variables.get(match.group(1), ""), variables, depth + 1)
    hexa = _HEX.match(value)
    if not hexa:
        return None
    digits = hexa.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))
