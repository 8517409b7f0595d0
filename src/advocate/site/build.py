"""`advocate site build DIR`: the index of open cases and a page per case, per language.

Each case page is rendered only when its fingerprint changed: the case's
row and targets, its latest document, its local date (days left), and the
digest of the page and supporter templates and settings. Files are written
whole (a temporary file renamed over the old one), and only when their
bytes differ, so a web server never serves half a page and a sync tool
copies only what changed. DIR/.advocate-site.json remembers what was built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import models as m
from ..errors import AdvocateError
from ..messages import formats
from ..messages.guard import GuardSettings
from . import data, letters, variants
from .pages import PageKit, load_kit

SITE_VERSION = "1"  # bump when the code changes what pages say: every page is rebuilt
MANIFEST = ".advocate-site.json"
NETWORK_NAMES = {"x": "X", "bluesky": "Bluesky", "mastodon": "Mastodon"}
REASON_KEYS = {m.REASON_FINAL: "reason_final", m.REASON_DEADLINE: "reason_deadline", m.REASON_USER: "reason_user"}


@dataclass
class BuildResult:
    folder: Path
    written: list[str] = field(default_factory=list)   # paths relative to the folder
    unchanged: int = 0                                  # case pages whose fingerprint held
    removed: list[str] = field(default_factory=list)
    cases: int = 0
    open_cases: int = 0
    problems: list[str] = field(default_factory=list)   # texts refused, accessibility findings
    seconds: float = 0.0
    checked: int = 0                                    # pages given the accessibility check

    def as_json(self) -> dict:
        return {"folder": str(self.folder), "written": self.written, "unchanged": self.unchanged,
                "removed": self.removed, "cases": self.cases, "open_cases": self.open_cases,
                "problems": self.problems, "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class Settings:
    org: str
    base_url: str | None
    section_languages: tuple
    guard: GuardSettings
    check: bool = True  # run the accessibility basics on a few pages written
    photos: Path = Path(".")  # relative photo paths are read from here: the database's folder


def build_site(db, config, folder: Path, now: dt.datetime, *, base_url: str | None = None,
               check: bool = True, skip_unchanged: bool = False) -> BuildResult:
    """Build (or bring up to date) the site in `folder` from the database.

    With skip_unchanged (the daemon, every tick), a whole-database key is
    compared first: when no case, target, document, template, setting or
    local date changed since the last build, nothing is read further.
    """
    started = time.perf_counter()
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise AdvocateError(f"{folder} is a file; give a folder for the site")
    pages = pages_folder(config)
    key = quick_key(db, config, pages, now, normalise_base(base_url))
    if skip_unchanged and _load_manifest(folder).get("key") == key:
        return BuildResult(folder, seconds=time.perf_counter() - started)
    kit = load_kit(pages)
    result_notes: list[str] = []
    templates = supporter_templates(config.messages, result_notes)
    letter_templates = letters.load_letters(kit.folder)
    guard = GuardSettings(config.guard.max_hashtags, config.guard.max_mentions, False)
    settings = Settings(config.org, normalise_base(base_url), tuple(config.posting.languages), guard, check,
                        Path(config.database).parent)
    assets = _digest(kit.digest, SITE_VERSION, settings.org, settings.base_url or "", repr(settings.section_languages),
                     repr(guard), *(f"{t.path}\0{t.body}\0{t.optional}\0{t.networks}" for t in templates))
    result = BuildResult(folder, problems=result_notes)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _load_manifest(folder).get("cases", {})
    built, summaries = {}, []
    for row in data.all_cases(db):
        facts, files = _case(db, row, now, kit, templates, letter_templates, settings, assets, manifest, result)
        built[str(row["id"])] = files
        summaries.append(facts)
    _index(folder, kit, summaries, settings, result)
    _remove_stale(folder, manifest, built, result)
    _save_manifest(folder, built, key)
    result.cases = len(summaries)
    result.open_cases = sum(1 for f in summaries if f["open"])
    result.seconds = time.perf_counter() - started
    return result


def quick_key(db, config, pages: Path, now: dt.datetime, base_url: str | None) -> str:
    """Everything a build reads, hashed cheaply: rows, not rendered pages (~30 ms for 1,000 cases)."""
    from .pages import folder_digest

    digest = hashlib.sha256()
    for table in ("cases", "targets"):
        for row in db.execute(f"SELECT * FROM {table} ORDER BY id"):
            digest.update(repr(tuple(row)).encode("utf-8"))
    digest.update(repr(db.execute("SELECT max(id), count(*) FROM documents").fetchone()).encode())
    zones = sorted({row[0] or "" for row in db.execute("SELECT DISTINCT timezone FROM cases")})
    digest.update(repr([(zone, data.local_today(now, zone or None).isoformat()) for zone in zones]).encode())
    for part in (folder_digest(pages), folder_digest(Path(config.messages), "*/*.j2"), base_url or "", config.org,
                 repr(config.posting.languages), repr(config.guard), SITE_VERSION):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def supporter_templates(messages: Path, notes: list) -> list:
    """The coordinator's supporter templates; the shipped ones when their messages/ predates them."""
    from ..defaults import default_file
    from ..messages.templates import load_templates

    found = [t for t in load_templates(messages) if t.kind == "supporter"]
    if found:
        return found
    shipped = [t for t in load_templates(Path(str(default_file("messages")))) if t.kind == "supporter"]
    if shipped:
        notes.append(f"{messages} has no supporter templates (kind = \"supporter\"); using the ones shipped with advocate")
    return shipped


def pages_folder(config) -> Path:
    """The coordinator's pages/ (next to config.toml), else the defaults shipped with advocate."""
    folder = Path(config.site.pages)
    if folder.is_dir():
        return folder
    from ..defaults import default_file

    return Path(str(default_file("pages")))


def normalise_base(base_url: str | None) -> str | None:
    if not base_url:
        return None
    base = base_url.strip()
    if not base.lower().startswith(("https://", "http://")) or " " in base:
        raise AdvocateError(f"--base-url {base_url!r} must be an http(s) address like https://act.example.org/")
    return base if base.endswith("/") else base + "/"


def page_languages(kit: PageKit, case_languages: list, section: tuple) -> list[str]:
    """Every language the pages have, the section's first, then the case's, then English."""
    from ..scheduling import language_codes

    available = set(kit.strings)
    preferred = [*language_codes(list(section), available), *language_codes(list(case_languages), available)]
    return list(dict.fromkeys([*preferred, *(["en"] if "en" in available else []), *sorted(available)]))


def page_file(language: str, default: str) -> str:
    return "index.html" if language == default else f"index.{language}.html"


# --- one case ----------------------------------------------------------------------------------

def _case(db, row, now, kit, templates, letter_templates, settings: Settings, assets, manifest, result):
    targets = data.targets_of(db, row["id"])
    document = data.latest_document(db, row["id"])
    today = data.local_today(now, row.get("timezone"))
    facts = data.case_facts(row, targets, document, today)
    languages = page_languages(kit, facts["languages"], settings.section_languages)
    fingerprint = _digest(assets, json.dumps(row, sort_keys=True, default=str), json.dumps(targets, sort_keys=True),
                          str((document or {}).get("id")), today.isoformat(), repr(languages))
    facts["languages_built"] = languages
    old = manifest.get(str(row["id"]), {})
    case_dir = Path("cases") / facts["slug"]
    files = [str(case_dir / page_file(lang, languages[0])) for lang in languages]
    if old.get("fingerprint") == fingerprint and all((result.folder / f).is_file() for f in old.get("files", [])):
        result.unchanged += 1
        return facts, old
    photo_file = _copy_photo(facts, result.folder / case_dir, settings.photos, result)
    for language in languages:
        page = _case_page(facts, language, languages, kit, templates, letter_templates, settings, result)
        _write(result, str(case_dir / page_file(language, languages[0])), page)
    return facts, {"fingerprint": fingerprint, "files": files + ([str(case_dir / photo_file)] if photo_file else [])}


def _case_page(facts, language, languages, kit, templates, letter_templates, settings: Settings, result) -> str:
    t = kit.strings[language]
    base = settings.base_url
    here = f"{base}cases/{facts['slug']}/" if base else None
    canonical = here + ("" if language == languages[0] else page_file(language, languages[0])) if here else None
    case = _display(facts, language, t)
    if case["photo"]:
        case["photo"] = {**case["photo"], "absolute": (here or "") + case["photo"]["src"]}
    context_case = _context_case(facts)
    deadline, days_left = facts["deadline"], facts["days_left"]
    link = canonical or facts["url"]
    networks = []
    if facts["open"]:
        for code in variants.NETWORKS:
            found = variants.variants(context_case, facts["targets"], templates, language, code, deadline=deadline,
                                      days_left=days_left, url=link, org=settings.org, guard=settings.guard,
                                      suggestion=facts.get("suggested_message"), problems=result.problems)
            if found:
                networks.append({"code": code, "name": NETWORK_NAMES[code], "variants": found})
        case["targets"] = [_with_letters(tg, facts, language, kit, letter_templates, settings, link) for tg in facts["targets"]]
        case["copies"] = [_with_letters(tg, facts, language, kit, letter_templates, settings, link) for tg in facts["copies"]]
    values = {
        "lang": language, "t": t, "org": settings.org, "case": case, "networks": networks,
        "canonical": canonical, "home": (base + page_file(language, _site_default(kit, settings))) if base
        else "../../" + page_file(language, _site_default(kit, settings)),
        "switch": [{"code": code, "name": kit.strings[code]["language_name"], "current": code == language,
                    "href": (here + ("" if code == languages[0] else page_file(code, languages[0]))) if here
                    else page_file(code, languages[0])} for code in languages],
        "description": (facts["why"] or facts["title"] or facts["name"])[:200],
    }
    html = kit.render("case.html.j2", values)
    _check(html, f"cases/{facts['slug']}/{page_file(language, languages[0])}", settings, result)
    return html


def _display(facts: dict, language: str, t: dict) -> dict:
    """The facts with dates and reasons written out in `language`."""
    title = facts["title"]
    if title and title.isupper():
        title = title.capitalize()
    photo = facts["photo"]
    return {
        **facts,
        "title": title,
        "title_language": facts["why_language"],
        "deadline_text": formats.longdate(facts["deadline"], language) if facts["deadline"] else None,
        "days_left_text": formats.days(facts["days_left"], language) if facts["days_left"] is not None else None,
        "closed_text": formats.longdate(facts["closed_on"], language) if facts["closed_on"] else None,
        "reason_text": t.get(REASON_KEYS.get(facts["closed_reason"] or "", ""), facts["closed_reason"]),
        "photo": photo if photo and photo.get("src") else None,
        "targets": facts["targets"], "copies": facts["copies"],
    }


def _context_case(facts: dict) -> dict:
    """The case as the message context expects it (the shape of `advocate case show --json`)."""
    return {"person": facts["person"], "subject_name": facts["name"], "subject_kind": facts["kind"],
            "role": facts["role"], "country": facts["country"], "ua_number": facts["ua_number"],
            "pronouns": facts.get("pronouns"), "hashtags": facts["hashtags"], "handles": facts["follow"],
            "languages": facts["languages"]}


def _with_letters(target, facts, language, kit, letter_templates, settings: Settings, link) -> dict:
    chosen = letters.letter_languages(facts["languages"], language, set(letter_templates))
    written = []
    for code in chosen:
        item = letters.letter(letter_templates[code], _context_case(facts), target, deadline=facts["deadline"],
                              days_left=facts["days_left"], url=link, org=settings.org)
        name = kit.strings[code]["language_name"] if code in kit.strings else code
        written.append({**item, "language_name": name, "paragraphs": item["body"].split("\n\n")})
    return {**target, "letters": written}


# --- the index ---------------------------------------------------------------------------------

def _site_default(kit: PageKit, settings: Settings) -> str:
    return page_languages(kit, [], settings.section_languages)[0]


def _index(folder, kit: PageKit, summaries, settings: Settings, result) -> None:
    languages = page_languages(kit, [], settings.section_languages)
    base = settings.base_url
    for language in languages:
        def href(facts, language=language):
            own = facts["languages_built"]
            chosen = language if language in own else own[0]
            path = f"cases/{facts['slug']}/" + ("" if chosen == own[0] else page_file(chosen, own[0]))
            return (base or "") + path

        listed = [{**_display(f, language, kit.strings[language]), "href": href(f)} for f in summaries]
        values = {
            "lang": language, "t": kit.strings[language], "org": settings.org,
            "open_cases": sorted((c for c in listed if c["open"]), key=lambda c: (c["deadline"] or dt.date.max, c["id"])),
            "closed_cases": sorted((c for c in listed if not c["open"]), key=lambda c: c["id"], reverse=True),
            "canonical": (base + ("" if language == languages[0] else page_file(language, languages[0]))) if base else None,
            "home": (base or "") + page_file(language, languages[0]),
            "switch": [{"code": code, "name": kit.strings[code]["language_name"], "current": code == language,
                        "href": (base or "") + page_file(code, languages[0])} for code in languages],
        }
        html = kit.render("index.html.j2", values)
        _check(html, page_file(language, languages[0]), settings, result)
        _write(result, page_file(language, languages[0]), html)


# --- files -------------------------------------------------------------------------------------

def _write(result: BuildResult, relative: str, text: str) -> None:
    path = result.folder / relative
    content = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    result.written.append(relative)


def _copy_photo(facts: dict, case_dir: Path, photos: Path, result: BuildResult) -> str | None:
    photo = facts["photo"]
    if not photo:
        return None
    source = photos / Path(photo["path"]).expanduser()  # an absolute path stays as it is
    if not source.is_file():
        result.problems.append(f"case {facts['id']}: photo {source} is missing; the page is built without it")
        facts["photo"] = None
        return None
    name = "photo" + source.suffix.lower()
    case_dir.mkdir(parents=True, exist_ok=True)
    if not (case_dir / name).is_file() or (case_dir / name).read_bytes() != source.read_bytes():
        shutil.copyfile(source, case_dir / name)
        result.written.append(str(Path("cases") / facts["slug"] / name))
    facts["photo"] = {**photo, "src": name}
    return name


def _remove_stale(folder: Path, manifest: dict, built: dict, result: BuildResult) -> None:
    keep = {f for entry in built.values() for f in entry.get("files", [])}
    for entry in manifest.values():
        for relative in entry.get("files", []):
            if relative not in keep and (folder / relative).is_file():
                (folder / relative).unlink()
                result.removed.append(relative)
                parent = (folder / relative).parent
                if parent != folder and not any(parent.iterdir()):
                    parent.rmdir()


def _load_manifest(folder: Path) -> dict:
    try:
        data_ = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return data_ if isinstance(data_, dict) and isinstance(data_.get("cases"), dict) else {}
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: build everything again


def _save_manifest(folder: Path, built: dict, key: str) -> None:
    text = json.dumps({"version": SITE_VERSION, "key": key, "cases": built}, sort_keys=True, indent=1)
    scratch = BuildResult(folder)
    _write(scratch, MANIFEST, text)


CHECKED_PER_BUILD = 6  # pages share their templates: a few per build find a template's faults at a fraction of the cost


def _check(html: str, where: str, settings: Settings, result: BuildResult) -> None:
    if settings.check and result.checked < CHECKED_PER_BUILD:
        result.checked += 1
        from .check import check_page

        result.problems += [f"{where}: {problem}" for problem in check_page(html)]


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()
