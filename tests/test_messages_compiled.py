"""Compiled templates kept in the user's cache: a later run loads them and
behaves exactly as if it had compiled them itself."""

import datetime as dt

import pytest

from advocate.errors import TemplateError
from advocate.messages import compiled
from advocate.messages.context import build_context
from advocate.messages.render import _compile, render
from advocate.messages.templates import load_template

CASE = {"person": "Serikzhan Bilash", "pronouns": "he/him", "country": "Kazakhstan", "hashtags": ["#FreeBilash"]}


def _context():
    return build_context(CASE, None, deadline=dt.date(2019, 5, 21), days_left=5, url=None, org="Amnesty International")


def _write(folder, body):
    path = folder / "en" / "x.j2"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'+++\nkind = "appeal"\n+++\n{body}', encoding="utf-8")
    return path


def _as_a_new_run():
    _compile.cache_clear()  # a new process: nothing compiled in memory


def test_a_template_compiled_once_is_loaded_from_the_cache_and_renders_the_same(tmp_path, isolated_home, monkeypatch):
    from advocate.messages import render as render_module

    path = _write(tmp_path, "Free {{ case.person }} now\n{{ case.hashtags|join(' ') }}")
    first = render(load_template(path), _context())
    assert len(list((isolated_home / "advocate" / "templates").iterdir())) == 1
    _as_a_new_run()
    env, parsed = render_module._environment(), []
    real_parse = env.parse
    monkeypatch.setattr(env, "parse", lambda *a, **k: parsed.append(a) or real_parse(*a, **k))
    assert render(load_template(path), _context()) == first == "Free Serikzhan Bilash now #FreeBilash"
    assert parsed == []  # taken from the cache, not parsed again


def test_an_error_in_a_cached_template_still_names_its_line(tmp_path):
    path = _write(tmp_path, "Free {{ case.person }}\nand {{ foo }}\n")
    load_template(path)
    _as_a_new_run()
    with pytest.raises(TemplateError) as error:
        render(load_template(path), _context())
    assert str(error.value) == f"{path} line 5: 'foo' is undefined"


def test_an_edited_template_is_compiled_again(tmp_path):
    path = _write(tmp_path, "Free {{ case.person }}")
    assert render(load_template(path), _context()) == "Free Serikzhan Bilash"
    _write(tmp_path, "Release {{ case.person }}")
    _as_a_new_run()
    assert render(load_template(path), _context()) == "Release Serikzhan Bilash"


def test_a_damaged_cache_file_is_compiled_again(tmp_path, isolated_home):
    path = _write(tmp_path, "Free {{ case.person }}")
    load_template(path)
    for kept in (isolated_home / "advocate" / "templates").iterdir():
        kept.write_bytes(b"\xe3 not marshal")
    _as_a_new_run()
    assert render(load_template(path), _context()) == "Free Serikzhan Bilash"


def test_an_unwritable_cache_changes_nothing(tmp_path, isolated_home, monkeypatch):
    (isolated_home / "advocate").write_text("a file where the cache folder would go")
    path = _write(tmp_path, "Free {{ case.person }}")
    assert render(load_template(path), _context()) == "Free Serikzhan Bilash"
    assert compiled.load("Free {{ case.person }}", str(path)) is None


def test_a_refused_template_is_never_kept(tmp_path, isolated_home):
    with pytest.raises(TemplateError, match="loops inside loops"):
        load_template(_write(tmp_path, "{% for a in [1] %}{% for b in [2] %}{% endfor %}{% endfor %}"))
    assert not (isolated_home / "advocate" / "templates").exists()


def test_code_unused_for_months_is_removed_and_code_in_use_is_kept(tmp_path, isolated_home):
    import os
    import time

    folder = isolated_home / "advocate" / "templates"
    in_use = _write(tmp_path, "Free {{ case.person }}")
    load_template(in_use)
    [kept] = list(folder.iterdir())
    months_ago = time.time() - 60 * 24 * 3600
    os.utime(kept, (months_ago, months_ago))
    _as_a_new_run()
    load_template(in_use)  # used again: marked as used
    assert kept.stat().st_mtime > months_ago

    stale, leftover = folder / ("0" * 40), folder / "tmpk1lled"  # an edited template's old code; a killed write
    for path in (stale, leftover):
        path.write_bytes(b"old")
        os.utime(path, (time.time() - 100 * 24 * 3600,) * 2)
    load_template(_write(tmp_path / "other", "Release {{ case.person }}"))  # compiling something new prunes
    assert not stale.exists() and not leftover.exists() and kept.exists()
    assert len(list(folder.iterdir())) == 2  # the template in use and the one just compiled
