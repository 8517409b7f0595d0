"""The Jinja2 environment templates run in: sandboxed, strict, bounded.

Jinja's sandbox stops attribute tricks (`''.__class__`) and caps range(),
but not size or time: `'x' * 10**9`, `'x'.center(10**9)` or `'%9999999d' % 1`
would build a gigabyte, and loops inside loops (or a macro calling itself
in a loop) can run for ever. Templates are short posts, so we refuse big
integer arguments, repetitions, powers and format widths, and allow no
macros, call blocks, recursive loops or loops inside loops (check_structure).
"""

from __future__ import annotations

import functools
import re

from jinja2 import StrictUndefined, nodes, pass_context
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from .formats import days, longdate, pronoun_set

MAX_INT_ARGUMENT = 100_000   # same bound as the sandbox's range()
MAX_REPEAT = 10_000          # items or characters from `seq * n`
MAX_POWER_BITS = 4096        # 2**4096 has 1,234 digits: plenty for a post
_WIDE_FORMAT = re.compile(r"%[^a-zA-Z%]*?(\*|\d{4,})|\{[^{}]*:[^{}]*?\d{4,}")
_SIZED_FILTERS = ("center", "indent", "format", "wordwrap", "truncate", "batch", "slice")


class BoundedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_repeat(left, right)
        elif operator == "%":
            _check_format(left)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        _check_arguments(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)  # None unless value is str.format(_map)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped


def make_environment() -> BoundedSandbox:
    env = BoundedSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.globals.pop("lipsum", None)  # generates text of any size; no use in a post
    for name in _SIZED_FILTERS:
        env.filters[name] = _bounded(env.filters[name])
    env.filters["longdate"] = _longdate_filter
    env.filters["days"] = _days_filter
    env.globals["by_pronoun"] = _by_pronoun
    return env


@pass_context
def _longdate_filter(context, value):
    return longdate(value, context.get("language", "en"))


@pass_context
def _days_filter(context, value):
    return days(value, context.get("language", "en"))


@pass_context
def _by_pronoun(context, he, she, they):
    """The word agreeing with the person's pronouns (he/she/they forms)."""
    case = context.get("case")
    pronouns = case.get("pronouns") if isinstance(case, dict) else None
    return {"he": he, "she": she, "they": they}[pronoun_set(pronouns)]


def _bounded(filter_func):
    @functools.wraps(filter_func)
    def wrapper(*args, **kwargs):
        _check_arguments(args, kwargs)
        if filter_func.__name__ == "do_format" and args:
            _check_format(args[0])
        return filter_func(*args, **kwargs)

    return wrapper  # functools.wraps keeps jinja_pass_arg


def _check_arguments(args, kwargs) -> None:
    for value in (*args, *kwargs.values()):
        if _is_int(value) and abs(value) > MAX_INT_ARGUMENT:
            raise SecurityError(f"argument {value} is too large (at most {MAX_INT_ARGUMENT})")


def check_structure(tree: nodes.Template) -> None:
    """Refuse the constructs that let a template run without end (see above)."""
    for node in tree.find_all((nodes.Macro, nodes.CallBlock)):
        raise _structure_error(node, "macros and call blocks are not allowed in message templates")
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        raise _structure_error(node, "a message template cannot extend, include or import another")
    for loop in tree.find_all(nodes.For):
        if loop.recursive:
            raise _structure_error(loop, "recursive loops are not allowed in message templates")
        for inner in loop.find_all(nodes.For):
            raise _structure_error(inner, "loops inside loops are not allowed in message templates")


def _structure_error(node: nodes.Node, message: str) -> SecurityError:
    error = SecurityError(message)
    error.lineno = node.lineno  # read by render._error_line
    return error


def _check_power(left, right) -> None:
    if _is_int(left) and _is_int(right) and abs(left) > 1 and abs(right) > 1:
        if left.bit_length() * abs(right) > MAX_POWER_BITS:
            raise SecurityError(f"power {left}**{right} is too large")


def _check_repeat(left, right) -> None:
    for seq, n in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and _is_int(n) and len(seq) * n > MAX_REPEAT:
            raise SecurityError(f"repetition would make {len(seq) * n} items")


def _check_format(text) -> None:
    if isinstance(text, str) and _WIDE_FORMAT.search(text):
        raise SecurityError("format width too large")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
