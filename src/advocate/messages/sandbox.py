"""The Jinja2 environment templates run in: sandboxed, strict, bounded.

Jinja's sandbox stops attribute tricks (`''.__class__`) and caps range(),
but not size or time: `'x' * 10**9`, `'x'.center(10**9)` or `'%9999999d' % 1`
would build a gigabyte, and loops inside loops (or a macro calling itself
in a loop) can run for ever. Templates are short posts, so we refuse big
integer arguments, repetitions, powers and format widths, and allow no
macros, call blocks, recursive loops or loops inside loops (check_structure).

On top of that every rendering has a budget (render_bounded): each
operation the sandbox sees (a call, a filter, an operator, an attribute,
a loop's step, an output) costs 1 plus the size of what it makes, and a
rendering may spend MAX_WORK of it in MAX_SECONDS; no value it makes may
hold more than MAX_VALUE characters or items. instrument() wraps loops,
outputs, concatenations and literals of the parsed template so that none
of them escapes the count. Over budget is a TemplateError naming the file
and line, and a template once over budget is refused at once after that.
"""

from __future__ import annotations

import contextvars
import functools
import re
import time
import weakref

from jinja2 import StrictUndefined, nodes, pass_context
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from .formats import days, longdate, pronoun_set

MAX_INT_ARGUMENT = 100_000   # same bound as the sandbox's range()
MAX_REPEAT = 10_000          # items or characters from `seq * n`
MAX_POWER_BITS = 4096        # 2**4096 has 1,234 digits: plenty for a post
_WIDE_FORMAT = re.compile(r"%[^a-zA-Z%]*?(\*|\d{4,})|\{[^{}]*:[^{}]*?\d{4,}")
_SIZED_FILTERS = ("center", "indent", "format", "wordwrap", "truncate", "batch", "slice")
MAX_WORK = 1_000_000   # units: 1 per operation plus the size of what it makes
MAX_SECONDS = 0.5      # per rendering; a post renders in a few milliseconds
MAX_VALUE = 100_000    # characters or items in any one value
_DICT_ATTRIBUTES = frozenset(dir(dict))
_JINJA_INTERNAL = (Context, nodes.EvalContext)  # what Jinja passes a filter before its arguments
_REFUSED_METHODS = frozenset({"expandtabs", "translate", "maketrans"})  # output size set by an argument's contents


class BudgetError(SecurityError):
    """A rendering went over its budget of work, time or value size."""


class Budget:
    """What one rendering may still spend; BudgetError once it is spent."""

    def __init__(self, work: int = MAX_WORK, seconds: float = MAX_SECONDS):
        self.left, self.deadline = work, time.monotonic() + seconds

    def spend(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise BudgetError(f"the template does too much work for a post (over {MAX_WORK:,} operations); "
                                "loop over less, or drop the loop")
        if time.monotonic() > self.deadline:
            raise BudgetError(f"the template takes too long to render (over {MAX_SECONDS} s); loop over less, or drop the loop")


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("advocate_template_budget", default=None)
_OVER_BUDGET: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # compiled template -> its BudgetError


def _made(value):
    """Charge the current rendering for `value` (1 + its size) and check its size; returns it."""
    size = len(value) if type(value) is str else _size(value)  # most values are strings: skip the walk
    if size > MAX_VALUE:
        raise BudgetError(f"the template makes a value of more than {MAX_VALUE:,} characters or items")
    budget = _BUDGET.get()
    if budget is not None:  # Budget.spend, written out: this runs for every operation of every rendering
        budget.left -= 1 + size
        if budget.left < 0 or time.monotonic() > budget.deadline:
            budget.spend(0)  # raises the error that says which limit
    return value


def _size(value, limit: int = MAX_VALUE, depth: int = 0) -> int:
    """Characters and items in `value`, looking into containers; stops counting once past `limit`."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, range):
        return len(value)
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, (list, tuple, set, frozenset)) and depth < 20:
        total = len(value)
        for item in value:
            if total > limit:
                break
            if isinstance(item, (str, bytes, list, tuple, dict, set, frozenset, range)):
                total += _size(item, limit - total, depth + 1)
        return total
    return 1


def render_bounded(compiled, values: dict) -> str:
    """compiled.render(values) within the budget; BudgetError (with the template line) when over it.

    A template over budget once is refused at once after that (`messages
    check` renders each template for many cases and networks).
    """
    if compiled in _OVER_BUDGET:
        raise _OVER_BUDGET[compiled]
    token = _BUDGET.set(Budget())
    try:
        return "".join(compiled.generate(values))
    except BudgetError as exc:
        exc.lineno = _template_line(exc, compiled.filename)  # type: ignore[attr-defined]  # read by render._error_line
        _OVER_BUDGET[compiled] = exc.with_traceback(None)
        raise
    finally:
        _BUDGET.reset(token)


def _template_line(exc: BaseException, filename: str | None) -> int | None:
    line, tb = getattr(exc, "lineno", None), exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class BoundedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+", "-", "/", "//"})
    intercepted_unops = frozenset({"-", "+"})

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_repeat(left, right)
        elif operator == "%":
            _check_format(left)
        return _made(super().call_binop(context, operator, left, right))

    def call_unop(self, context, operator, arg):
        return _made(super().call_unop(context, operator, arg))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        _check_arguments(args, kwargs)
        _check_method(__obj, args, kwargs)
        result = _made(super().call(__context, __obj, *args, **kwargs))
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, (list, dict, set)):  # l.append(x), l.extend(l): the list grew
            _made(owner)
        return result

    def getattr(self, obj, attribute):
        # A plain dict's key that is no dict attribute: Jinja would try the
        # attribute, catch AttributeError, then take the item; take it at once.
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES and attribute in obj:
            return _made(obj[attribute])
        return _made(super().getattr(obj, attribute))

    def getitem(self, obj, argument):
        return _made(super().getitem(obj, argument))

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)  # None unless value is str.format(_map)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped


def _refuse_none(value):
    """A field the case lacks (country, say) would print as 'None' in a post: an error instead."""
    if value is None:
        raise UndefinedError("prints a value this case does not have (it would read 'None'); guard it with {% if ... %}")
    return value


def make_environment() -> BoundedSandbox:
    env = BoundedSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False, finalize=_refuse_none)
    env.optimized = False  # no filter runs at compile time, outside the budget
    env.globals.pop("lipsum", None)  # generates text of any size; no use in a post
    for name in _SIZED_FILTERS:
        env.filters[name] = _bounded(env.filters[name])
    env.filters["longdate"] = _longdate_filter
    env.filters["days"] = _days_filter
    env.globals["by_pronoun"] = _by_pronoun
    for name in ("join", "replace", "indent", "wordwrap", "sum"):
        env.filters[name] = _prechecked(env.filters[name])
    for table in (env.filters, env.tests):
        for name, func in list(table.items()):
            table[name] = _charged(func)
    env.filters[_STEPS] = _steps
    env.filters[_MADE] = _made
    return env


def _charged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return _made(func(*args, **kwargs))

    return wrapper  # functools.wraps keeps jinja_pass_arg


def _prechecked(filter_func):
    """join, replace, indent, wordwrap, sum: refused before they would make a huge value or work quadratically."""
    @functools.wraps(filter_func)
    def wrapper(*args, **kwargs):
        _estimate(filter_func.__name__, [a for a in args if not _is_jinja_internal(a)], kwargs)
        return filter_func(*args, **kwargs)

    return wrapper


def _is_jinja_internal(value) -> bool:
    return isinstance(value, _JINJA_INTERNAL)


def _estimate(name: str, args: list, kwargs: dict) -> None:
    """Refuse the calls whose output is a product of their inputs' sizes when that product is too large."""
    if not args:
        return
    value, rest = args[0], args[1:]
    text = value if isinstance(value, str) else ""
    if name == "do_join":
        sep = rest[0] if rest else kwargs.get("d", "")
        count = len(value) if hasattr(value, "__len__") else MAX_VALUE
        product = len(str(sep)) * count
    elif name == "do_replace":
        old, new = (list(rest) + [kwargs.get("old", ""), kwargs.get("new", "")])[:2]
        old, new = str(old), str(new)
        product = (text.count(old) if old else len(text) + 1) * len(new)
    elif name == "do_indent":
        width = rest[0] if rest else kwargs.get("width", 4)
        product = (len(str(width)) if isinstance(width, str) else abs(int(width))) * (text.count("\n") + 1)
    elif name == "do_wordwrap":
        wrap = kwargs.get("wrapstring") or (rest[2] if len(rest) > 2 else "\n")
        product = len(str(wrap)) * (len(text) + 1)
    else:  # do_sum: numbers only; lists added up are copied again at every step
        start = kwargs.get("start", rest[1] if len(rest) > 1 else 0)
        if not isinstance(start, (int, float)) or isinstance(start, bool):
            raise BudgetError("sum() adds up numbers only")
        return
    if product > MAX_VALUE:
        raise BudgetError(f"the template makes a value of more than {MAX_VALUE:,} characters or items")


def _check_method(obj, args, kwargs) -> None:
    """str.join and str.replace are sized before they run; expandtabs and translate are refused."""
    owner, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
    if not isinstance(owner, str):
        return
    if name in _REFUSED_METHODS:
        raise SecurityError(f"str.{name} is not available in message templates")
    if name == "join" and args:
        items = args[0]
        if len(owner) * (len(items) if hasattr(items, "__len__") else MAX_VALUE) > MAX_VALUE:
            raise BudgetError(f"the template makes a value of more than {MAX_VALUE:,} characters or items")
    if name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        if (owner.count(old) if old else len(owner) + 1) * len(new) > MAX_VALUE:
            raise BudgetError(f"the template makes a value of more than {MAX_VALUE:,} characters or items")


# --- instrument: the parts of a template the sandbox does not see ------------------------
_STEPS, _MADE = "_advocate_steps", "_advocate_made"


def _steps(iterable, cost: int):
    """A loop's items, each charged `cost` (1 + the literal text its body writes)."""
    budget = _BUDGET.get()
    for item in iterable:
        if budget is not None:
            budget.spend(cost)
        yield item


def instrument(tree: nodes.Template) -> nodes.Template:
    """Route loops, outputs, concatenations and list/dict literals through the budget (in place)."""
    for loop in tree.find_all(nodes.For):
        literal = sum(len(data.data) for data in loop.find_all(nodes.TemplateData))
        loop.iter = _filter(loop.iter, _STEPS, [nodes.Const(1 + literal, lineno=loop.lineno)])
    for output in tree.find_all(nodes.Output):
        output.nodes = [n if isinstance(n, nodes.TemplateData) else _filter(n, _MADE) for n in output.nodes]
    for kind in (nodes.Concat, nodes.List, nodes.Tuple, nodes.Dict):
        for node in list(tree.find_all(kind)):
            _wrap_in_parent(tree, node)
    return tree


def _filter(node: nodes.Node, name: str, args: list | None = None) -> nodes.Filter:
    return nodes.Filter(node, name, args or [], [], None, None, lineno=node.lineno)


def _wrap_in_parent(tree: nodes.Node, target: nodes.Node) -> None:
    """Replace `target` where it appears as an expression by _MADE(target); assignment targets stay."""
    for parent in [tree, *tree.find_all(nodes.Node)]:
        for field in parent.fields:
            if isinstance(parent, (nodes.For, nodes.Assign, nodes.AssignBlock)) and field == "target":
                continue
            value = getattr(parent, field, None)
            if value is target:
                setattr(parent, field, _filter(target, _MADE))
                return
            if isinstance(value, list) and any(v is target for v in value):
                setattr(parent, field, [_filter(v, _MADE) if v is target else v for v in value])
                return


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
    error.lineno = node.lineno  # type: ignore[attr-defined]  # read by render._error_line
    return error


def _check_power(left, right) -> None:
    if (_is_int(left) and _is_int(right) and abs(left) > 1 and abs(right) > 1
            and left.bit_length() * abs(right) > MAX_POWER_BITS):
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
