"""Template + context -> post text, and the same made to fit a network.

Whitespace: templates may wrap lines freely. Runs of spaces and single line
breaks become one space; a blank line separates paragraphs, which come out
separated by one blank line; leading and trailing space goes.

Optional parts: a template lists droppable parts in its front matter
(`optional = ["link", "tags"]`) and wraps each in `{% if keep.link %}...
{% endif %}`. render_fitting() first renders with every part kept, then
turns them off one at a time, in the listed order, until the text fits.
Parts are whole phrases, so nothing is ever cut mid-word.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

from ..errors import TemplateError
from . import compiled
from .context import for_language
from .length import measure
from .sandbox import check_structure, instrument, make_environment, render_bounded

if TYPE_CHECKING:
    from jinja2 import Template

    from .templates import MessageTemplate

MAX_OUTPUT = 20_000  # characters; far beyond any network's limit
_PARAGRAPH_BREAK = re.compile(r"[ \t\r\f\v]*\n[ \t\r\f\v]*\n\s*")
_SPACES = re.compile(r"[ \t\r\f\v\n]+")


def render(template: MessageTemplate, context: dict) -> str:
    """The post text for `context`, with all optional parts kept."""
    return _render(template, context, dict.fromkeys(template.optional, True))


def render_fitting(template: MessageTemplate, context: dict, network: str) -> str:
    """The post text, dropping optional parts in order until it fits `network`."""
    return Variants(template, localize(template, context)).fitting(network)


def localize(template: MessageTemplate, context: dict) -> dict:
    """The values `template` renders with (the context in its language). A
    caller rendering many templates for one case may keep these and pass
    them to Variants, with only days_left changed."""
    return for_language(context, template.language)


class Variants:
    """The texts of one template for one set of values: all optional parts kept,
    then without each in the listed order; each rendered only when first asked
    for, so one rendering serves every network the text fits."""

    def __init__(self, template: MessageTemplate, values: dict):
        self.template, self.values = template, values
        self._texts: list[str] = []

    def text(self, dropped: int) -> str:
        """The text with the first `dropped` optional parts left out."""
        while len(self._texts) <= dropped:
            off = self.template.optional[:len(self._texts)]
            keep = {name: name not in off for name in self.template.optional}
            self._texts.append(_render_values(self.template, self.values, keep))
        return self._texts[dropped]

    def fitting(self, network: str) -> str:
        """The first text that fits `network` (TemplateError when none does)."""
        if not self.template.applies_to(network):
            raise TemplateError(f"{self.template.path} is not written for {network}")
        for dropped in range(len(self.template.optional) + 1):
            text = self.text(dropped)
            size = measure(text, network)
            if size.ok:
                return text
        raise TemplateError(
            f"{self.template.path} is {size.length} of {size.limit} on {network} even without "
            f"its optional parts{_bytes_note(text, network)} - shorten the template"
        )


def tidy(text: str) -> str:
    """Collapse whitespace as the module docstring describes; NFC."""
    paragraphs = (_SPACES.sub(" ", p).strip() for p in _PARAGRAPH_BREAK.split(text))
    return unicodedata.normalize("NFC", "\n\n".join(p for p in paragraphs if p))


def compile_body(body: str, path: str, first_line: int = 1) -> Template:
    """The compiled template, cached; syntax errors -> TemplateError with file line."""
    try:
        return _compile(body, path)
    except Exception as exc:  # a template can fail in many ways; all are the author's to fix
        raise _template_error(exc, path, first_line) from None


@functools.lru_cache(maxsize=512)
def _compile(body: str, path: str) -> Template:
    env = _environment()
    code = compiled.load(body, path)
    if code is None:
        tree = env.parse(body, name=path, filename=path)
        check_structure(tree)
        instrument(tree)
        code = env.compile(tree, name=path, filename=path)
        compiled.store(body, path, code)
    # A plain dict, not Jinja's ChainMap: every rendering copies the globals
    # twice, and iterating a ChainMap cost a tenth of a busy schedule.
    return env.template_class.from_code(env, code, dict(env.make_globals(None)))


@functools.lru_cache(maxsize=1)
def _environment():
    return make_environment()


def _render(template: MessageTemplate, context: dict, keep: dict) -> str:
    return _render_values(template, for_language(context, template.language), keep)


def _render_values(template: MessageTemplate, localized: dict, keep: dict) -> str:
    compiled = compile_body(template.body, template.path, template.first_line)
    _check_mention_target(template, localized)
    try:
        values = {**localized, "keep": keep}
        text = tidy(render_bounded(compiled, values))
    except Exception as exc:  # see compile_body
        raise _template_error(exc, template.path, template.first_line) from None
    if len(text) > MAX_OUTPUT:
        raise TemplateError(f"{template.path}: renders {len(text)} characters - far too long")
    return text


def _check_mention_target(template: MessageTemplate, context: dict) -> None:
    target = context.get("target") if isinstance(context, dict) else None
    handle = target.get("handle") if isinstance(target, dict) else None
    if template.mentions_target and not handle and "target.handle" in template.body:
        raise TemplateError(f"{template.path} @mentions the target, who has no handle")


def _template_error(exc: BaseException, path: str, first_line: int) -> TemplateError:
    line = _error_line(exc, path)
    where = f"{path} line {line + first_line - 1}" if line else path
    detail = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if not isinstance(exc, _jinja_errors()):
        detail = f"{type(exc).__name__}: {detail}"
    return TemplateError(f"{where}: {detail}")


def _error_line(exc: BaseException, path: str) -> int | None:
    """The template line from a syntax error, or from Jinja's rewritten traceback."""
    lineno = getattr(exc, "lineno", None)
    if lineno and getattr(exc, "filename", path) in (path, None):
        return lineno
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _jinja_errors():
    from jinja2 import TemplateError as JinjaTemplateError

    return JinjaTemplateError


def _bytes_note(text: str, network: str) -> str:
    size = len(text.encode("utf-8"))
    return f" ({size} bytes)" if network == "bluesky" and size > 3000 else ""


compiled.pin_key()  # the cache key names this code as loaded (see compiled.pin_key)
