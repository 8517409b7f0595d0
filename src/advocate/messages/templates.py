"""Message templates: `messages/<language>/<name>.j2` files, loaded and checked.

Each file starts with TOML front matter between `+++` lines, then the Jinja
body (see messages/README.md for the keys). Everything that can be checked
without a case is checked at load, so a bad file fails `advocate` early
with its name, key and line rather than at posting time.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import TemplateError

# "supporter": texts the case page offers supporters to post from their own accounts; never scheduled.
KINDS = ("appeal", "reminder", "last-call", "thanks", "supporter")
NETWORKS = ("x", "mastodon", "bluesky")
_KEYS = {"kind", "networks", "weight", "window", "mentions_target", "optional", "photo", "link"}
_USES_URL = re.compile(r"\burl\b")
_WINDOW_KEYS = {"days_before_deadline_min", "days_before_deadline_max"}
_FENCE = "+++"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEEP_USE = re.compile(r"\bkeep\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")
_TARGET_HANDLE = re.compile(r"\btarget\s*(?:\.\s*(?:handle|mention)\b|\[\s*['\"](?:handle|mention)['\"])")
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


@dataclass(frozen=True)
class MessageTemplate:
    name: str
    language: str
    kind: str
    networks: tuple
    weight: int
    days_before_deadline_min: int | None
    days_before_deadline_max: int | None
    mentions_target: bool
    optional: tuple
    body: str
    path: str
    first_line: int = 1  # file line where the body starts, for error messages
    photo: bool = False  # show the case photo (never without its alt text)
    link: bool = False   # the body carries the action link; Bluesky gets it as a card too

    def applies_to(self, network: str) -> bool:
        """Whether it may go to `network`; dryrun stands in for x."""
        return network in self.networks or (network == "dryrun" and "x" in self.networks)

    def in_window(self, days_left: int | None) -> bool:
        """Whether `days_left` falls inside the template's window (if it has one)."""
        if days_left is None:
            return self.days_before_deadline_min is None and self.days_before_deadline_max is None
        low, high = self.days_before_deadline_min, self.days_before_deadline_max
        return (low is None or days_left >= low) and (high is None or days_left <= high)


def load_templates(directory: Path) -> list[MessageTemplate]:
    """Every `<language>/<name>.j2` under `directory`, sorted by (language, name)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise TemplateError(f"No templates folder at {directory} - create it or fix the path")
    files = sorted(directory.glob("*/*.j2"))
    return sorted((load_template(f) for f in files), key=lambda t: (t.language, t.name))


def load_template(path: Path) -> MessageTemplate:
    """One template file, its front matter validated and its body compiled."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read it ({exc})") from None
    meta, body, first_line = split_front_matter(text, str(path))
    fields = parse_front_matter(meta, str(path))
    template = MessageTemplate(
        name=path.stem, language=path.parent.name, body=body, path=str(path),
        first_line=first_line, **fields,
    )
    check_body(template)
    return template


def split_front_matter(text: str, where: str) -> tuple[str, str, int]:
    """(front matter, body, file line of the body's first line)."""
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != _FENCE:
        raise TemplateError(f"{where} line 1: must start with a '+++' line (TOML front matter)")
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == _FENCE:
            return "\n".join(lines[1:number - 1]), "\n".join(lines[number:]), number + 1
    raise TemplateError(f"{where}: front matter has no closing '+++' line")


def parse_front_matter(meta: str, where: str) -> dict:
    """The MessageTemplate fields from TOML front matter, validated."""
    try:
        data = tomllib.loads(meta)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{where}: front matter is not valid TOML ({exc})") from None
    for key in data:
        if key not in _KEYS:
            raise TemplateError(f"{where}: unknown front-matter key {key!r} (known: {', '.join(sorted(_KEYS))})")
    low, high = _window(data.get("window", {}), where)
    return {
        "kind": _kind(data, where),
        "networks": _networks(data.get("networks", list(NETWORKS)), where),
        "weight": _weight(data.get("weight", 1), where),
        "days_before_deadline_min": low,
        "days_before_deadline_max": high,
        "mentions_target": _bool(data.get("mentions_target", False), "mentions_target", where),
        "optional": _optional(data.get("optional", []), where),
        "photo": _bool(data.get("photo", False), "photo", where),
        "link": _bool(data.get("link", False), "link", where),
    }


def check_body(template: MessageTemplate) -> None:
    """Compile the body, and check its optional parts and target mention agree
    with the front matter."""
    from .render import compile_body

    compile_body(template.body, template.path, template.first_line)
    used = {a or b for a, b in _KEEP_USE.findall(template.body)}
    undeclared = sorted(used - set(template.optional))
    if undeclared:
        raise TemplateError(f"{template.path}: uses keep.{undeclared[0]} but 'optional' does not list it")
    unused = [name for name in template.optional if name not in used]
    if unused:
        raise TemplateError(f"{template.path}: key 'optional' lists {unused[0]!r} but the body has no keep.{unused[0]}")
    if template.link and not _USES_URL.search(template.body):
        raise TemplateError(f"{template.path}: link = true but the body never writes {{{{ url }}}}; add it or drop the key")
    if _TARGET_HANDLE.search(template.body) and not template.mentions_target:
        raise TemplateError(f"{template.path}: uses target.handle or target.mention - set mentions_target = true")


def template_from_suggestion(message: str, language: str = "en") -> MessageTemplate:
    """A case's own suggested post (from the UA) as a template.

    The text is used literally: any '{{', '{%' or '{#' in it is escaped, so
    it renders exactly as written. An @handle in it is kept, and marks the
    template as one that mentions (so it goes through review). UAs write
    these for Twitter/X: on Mastodon or Bluesky the same @handle would name
    someone else, so the template is for X alone.
    """
    from .entities import extract_mentions

    body = _JINJA_OPEN.sub('{{ "{" }}', message.strip())
    return MessageTemplate(
        name="suggested", language=language, kind="appeal", networks=("x",),
        weight=2, days_before_deadline_min=None, days_before_deadline_max=None,
        mentions_target=bool(extract_mentions(message)), optional=(),
        body=body, path="<case suggestion>",
    )


def _kind(data: dict, where: str) -> str:
    kind = data.get("kind")
    if kind not in KINDS:
        raise TemplateError(f"{where}: key 'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
    return kind


def _networks(value, where: str) -> tuple:
    if not isinstance(value, list) or not value or not all(v in NETWORKS for v in value):
        raise TemplateError(f"{where}: key 'networks' must be a list drawn from {', '.join(NETWORKS)}")
    return tuple(dict.fromkeys(value))


def _weight(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TemplateError(f"{where}: key 'weight' must be a whole number of 1 or more")
    return value


def _window(value, where: str) -> tuple[int | None, int | None]:
    if not isinstance(value, dict):
        raise TemplateError(f"{where}: key 'window' must be a table, e.g. {{ days_before_deadline_max = 2 }}")
    for key, bound in value.items():
        if key not in _WINDOW_KEYS:
            raise TemplateError(f"{where}: unknown key 'window.{key}' (known: {', '.join(sorted(_WINDOW_KEYS))})")
        if isinstance(bound, bool) or not isinstance(bound, int) or bound < 0:
            raise TemplateError(f"{where}: key 'window.{key}' must be a whole number of 0 or more")
    low, high = value.get("days_before_deadline_min"), value.get("days_before_deadline_max")
    if low is not None and high is not None and low > high:
        raise TemplateError(f"{where}: key 'window' has days_before_deadline_min above its max")
    return low, high


def _bool(value, key: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise TemplateError(f"{where}: key {key!r} must be true or false")
    return value


def _optional(value, where: str) -> tuple:
    if not isinstance(value, list) or not all(isinstance(v, str) and _NAME.match(v) for v in value):
        raise TemplateError(f"{where}: key 'optional' must be a list of part names like [\"tags\"]")
    if len(set(value)) != len(value):
        raise TemplateError(f"{where}: key 'optional' names a part twice")
    return tuple(value)
