"""The page templates: `pages/` (layout, index and case pages, style.css, script.js,
and per language strings.toml and letter.j2), rendered in Jinja2's sandbox.

A coordinator may change any of them; a mistake is one line naming the file.
The stylesheet and script are put inline, and the Content-Security-Policy
allows that script alone (by its hash) and nothing from any other host.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import TemplateError

PAGE_FILES = ("layout.html.j2", "index.html.j2", "case.html.j2", "style.css", "script.js")
REQUIRED_STRINGS = ("language_name", "site_title", "closed_heading", "no_further_action", "post_on", "write_email")


@dataclass(frozen=True)
class PageKit:
    folder: Path
    env: Any  # a jinja2 SandboxedEnvironment (imported when pages are loaded)
    css: str
    script: str
    csp: str
    strings: dict  # language -> {key: text}
    digest: str    # of every file: a change rebuilds every page

    def render(self, name: str, values: dict) -> str:
        from markupsafe import Markup

        try:
            return self.env.get_template(name).render(
                {**values, "css": Markup(self.css), "script": Markup(self.script), "csp": self.csp})
        except Exception as exc:  # a coordinator's template may fail in many ways: one line naming it
            line = getattr(exc, "lineno", None)
            where = f"{self.folder / name}" + (f" line {line}" if line else "")
            raise TemplateError(f"{where}: {getattr(exc, 'message', None) or exc}; fix the page template") from None


def load_kit(folder: Path) -> PageKit:
    folder = Path(folder)
    missing = [name for name in PAGE_FILES if not (folder / name).is_file()]
    if missing:
        raise TemplateError(f"{folder / missing[0]} is missing; 'advocate init' in an empty folder shows the default pages")
    css, script = _read(folder / "style.css"), _read(folder / "script.js")
    for name, text, end in (("style.css", css, "</style"), ("script.js", script, "</script")):
        if end in text.lower():
            raise TemplateError(f"{folder / name} contains '{end}', which would end it early; remove it")
    script_hash = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    csp = ("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
           f"script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'")
    strings = {path.parent.name: _strings(path) for path in sorted(folder.glob("*/strings.toml"))}
    if not strings:
        raise TemplateError(f"{folder} has no <language>/strings.toml; copy pages/en/strings.toml from 'advocate init'")
    return PageKit(folder, _environment(str(folder)), css, script, csp, strings, folder_digest(folder))


def folder_digest(folder: Path, pattern: str = "**/*") -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).glob(pattern) if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def fill(text: str, **values) -> str:
    """'Post on {network}' with network='X': plain replacement, no format() tricks in coordinators' strings."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


@functools.lru_cache(maxsize=8)
def _environment(folder: str):
    from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(loader=FileSystemLoader(folder), undefined=StrictUndefined,
                               autoescape=select_autoescape(default=True, default_for_string=True),
                               trim_blocks=True, lstrip_blocks=True, auto_reload=True)
    env.filters["fill"] = fill
    return env


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read it ({exc})") from None


def _strings(path: Path) -> dict:
    try:
        data = tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: not valid TOML ({exc})") from None
    for key in REQUIRED_STRINGS:
        if not isinstance(data.get(key), str):
            raise TemplateError(f"{path}: key {key!r} is missing; every language needs the keys of pages/en/strings.toml")
    return data
