import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advocate.errors import TemplateError
from advocate.messages.context import build_context
from advocate.messages.render import render, render_fitting, tidy
from advocate.messages.templates import MessageTemplate, load_template, template_from_suggestion

CASE = {"person": "Serikzhan Bilash", "pronouns": "he/him", "country": "Kazakhstan",
        "ua_number": "UA 46/19", "hashtags": ["#Bilash", "#KazakhsInChina"],
        "handles": ["@GenProkRK"], "languages": ["Kazakh", "Russian", "English"]}
TARGET = {"name": "Nurdauletov Gizat Daurenbekovich", "title": "Prosecutor General",
          "handle": "@GenProkRK"}


def context(case=CASE, **changes):
    values = dict(deadline=dt.date(2019, 5, 21), days_left=5, url=None, org="Amnesty International")
    return build_context(case, TARGET, **{**values, **changes})


def template(body, language="en", optional=(), path="messages/en/test.j2", **fields):
    return MessageTemplate(
        name="test", language=language, kind="appeal", networks=("x", "mastodon", "bluesky"),
        weight=1, days_before_deadline_min=None, days_before_deadline_max=None,
        mentions_target=False, optional=tuple(optional), body=body, path=path, **fields)


def write(tmp_path, body, front='kind = "appeal"'):
    path = tmp_path / "en" / "x.j2"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"+++\n{front}\n+++\n{body}", encoding="utf-8")
    return load_template(path)


def test_render_uses_the_case():
    text = render(template("Free {{ case.person }} - {{ case.he }} is in {{ case.country }}"), context())
    assert text == "Free Serikzhan Bilash - he is in Kazakhstan"


def test_missing_variable_names_file_line_and_variable(tmp_path):
    loaded = write(tmp_path, "Free {{ case.person }}\nand {{ foo }}\n")
    with pytest.raises(TemplateError) as error:
        render(loaded, context())
    assert str(error.value) == f"{tmp_path}/en/x.j2 line 5: 'foo' is undefined"


def test_syntax_error_at_load_names_file_line(tmp_path):
    with pytest.raises(TemplateError, match=r"x\.j2 line 6: .*"):
        write(tmp_path, "Free\n{{ case.person }}\n{% if %}\n")


@pytest.mark.parametrize("body, message", [
    ("{{ ''.__class__ }}", "unsafe"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
    ("{{ range(10**9)|list }}", "too large"),
    ("{% for i in range(10**6) %}{% endfor %}", "too large"),
    ("{{ 1/0 }}", "ZeroDivisionError"),
    ("{{ 'x' * 10**9 }}", "repetition"),
    ("{{ 9**(9**9) }}", "power"),
    ("{{ 'x'.center(10**9) }}", "too large"),
    ("{{ 'x'|center(10**9) }}", "too large"),
    ("{{ '%999999999d' % 1 }}", "format width"),
    ("{{ '%999999999d'|format(1) }}", "format width"),
    ("{{ '{:999999999}'.format(1) }}", "format width"),
    ("{{ lipsum(10**5) }}", "undefined"),
    ("{{ 10**64**64 }}", "power"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "macros"),
    ("{% for a in org %}{% for b in org %}{% endfor %}{% endfor %}", "loops inside loops"),
    ("{% for a in [1] recursive %}{{ loop([]) }}{% endfor %}", "recursive"),
    ("{% call x() %}{% endcall %}", "call blocks"),
    ("{{ 'abc'.index('z') }}", "ValueError"),
    ("{{ [] + 1 }}", "TypeError"),
    ("{{ deadline|longdate(1) }}", "TypeError"),
    ("{% include 'other.j2' %}", "cannot extend, include"),
    ("{{ case.person|days }}", "days needs a whole number"),
])
def test_template_misbehaviour_becomes_template_error(body, message):
    with pytest.raises(TemplateError, match=message) as error:
        render(template(body), context())
    assert str(error.value).startswith("messages/en/test.j2")


def test_whitespace_is_collapsed():
    assert tidy("  a\n  b   c \n\n\n  #x  \n") == "a b c\n\n#x"
    assert tidy("\n\n") == ""


def test_output_is_nfc():
    assert render(template("e\u0301"), context()) == "\u00e9"


def test_dates_and_days_follow_the_language():
    body = "{{ deadline|longdate }}, {{ days_left|days }}"
    assert render(template(body), context(days_left=1)) == "21 May 2019, 1 day"
    assert render(template(body, "ru"), context(days_left=1)) == "21 мая 2019, 1 день"
    ru = [render(template("{{ days_left|days }}", "ru"), context(days_left=n)) for n in (2, 5, 11, 21, 22, 25)]
    assert ru == ["2 дня", "5 дней", "11 дней", "21 день", "22 дня", "25 дней"]
    assert render(template(body, "xx"), context(days_left=3)) == "2019-05-21, 3 days"


@pytest.mark.parametrize("pronouns, en, ru", [
    ("he/him", "he him his is", "он его его задержан"),
    ("she/her", "she her her is", "она её её задержана"),
    ("they/them", "they them their are", "они их их задержаны"),
    ("", "they them their are", "они их их задержаны"),
    ("ze/hir", "ze hir hir are", "они их их задержаны"),
])
def test_pronouns(pronouns, en, ru):
    ctx = context(case={**CASE, "pronouns": pronouns})
    body = "{{ case.he }} {{ case.him }} {{ case.his }} {{ by_pronoun(%s) }}"
    assert render(template(body % "'is', 'is', 'are'"), ctx) == en
    assert render(template(body % "'задержан', 'задержана', 'задержаны'", "ru"), ctx) == ru


def test_a_name_in_another_script_is_used_for_that_language():
    ctx = context(case={**CASE, "names": {"ru": "Серикжан Билаш"}})
    assert render(template("{{ case.person }}", "ru"), ctx) == "Серикжан Билаш"
    assert render(template("{{ case.person }}"), ctx) == "Serikzhan Bilash"


def test_render_fitting_drops_optional_parts_in_order():
    body = ("{{ 'a' * 200 }}{% if keep.one %} {{ 'b' * 50 }}{% endif %}"
            "{% if keep.two %} {{ 'c' * 50 }}{% endif %}")
    tpl = template(body, optional=("one", "two"))
    assert render_fitting(tpl, context(), "mastodon").count("b") == 50
    on_x = render_fitting(tpl, context(), "x")
    assert "b" not in on_x and on_x.endswith(" " + "c" * 50)
    assert render(tpl, context()).count("b") == 50


def test_render_fitting_refuses_what_cannot_fit():
    tpl = template("{{ 'a' * 300 }}{% if keep.tail %} more{% endif %}", optional=("tail",))
    with pytest.raises(TemplateError, match="is 300 of 280 on x even without its optional parts"):
        render_fitting(tpl, context(), "x")
    assert render_fitting(tpl, context(), "mastodon").endswith("more")
    assert render_fitting(tpl, context(), "bluesky") == "a" * 300


def test_render_fitting_refuses_other_networks():
    tpl = dataclasses.replace(template("hi"), networks=("mastodon",))
    with pytest.raises(TemplateError, match="not written for x"):
        render_fitting(tpl, context(), "x")


def test_mention_template_without_a_handle_is_refused():
    tpl = dataclasses.replace(template("{{ target.handle }}, free them"), mentions_target=True)
    ctx = build_context(CASE, {**TARGET, "handle": None}, deadline=None, days_left=None,
                        url=None, org="AI")
    with pytest.raises(TemplateError, match="no handle"):
        render(tpl, ctx)


def test_compiled_templates_are_cached():
    from advocate.messages.render import _compile

    tpl = template("cached {{ org }}")
    render(tpl, context())
    hits = _compile.cache_info().hits
    render(tpl, context())
    assert _compile.cache_info().hits == hits + 1


SEED_SUGGESTION = (
    "Serikzhan #Bilash has exposed violations against ethnic #KazakhsInChina, and now he is "
    "being held in detention because of his human rights work. @GenProkRK, Bilash is a "
    "prisoner of conscience and should be released immediately!")


def test_suggestion_renders_literally_and_keeps_its_mention():
    tpl = template_from_suggestion(SEED_SUGGESTION)
    assert (tpl.name, tpl.kind, tpl.path, tpl.mentions_target) == (
        "suggested", "appeal", "<case suggestion>", True)
    assert render_fitting(tpl, context(), "x") == SEED_SUGGESTION


@pytest.mark.parametrize("message", [
    "Free {{ case.person }} now {% if %} {# x #} {{{ }}} {%- raw %}",
    "{{", "{%", "{#", "}}", "{{{{", "{", "%}{{ '' }}", "{% endraw %}",
])
def test_suggestion_with_jinja_syntax_is_literal(message):
    tpl = template_from_suggestion(message, "ru")
    assert not tpl.mentions_target and tpl.language == "ru"
    assert render(tpl, context()) == tidy(message)


# Property: whatever the body and the values, only TemplateError comes out.
FRAGMENTS = st.sampled_from([
    "{{ case.person }}", "{{ case.he|capitalize }}", "{{ foo }}", "{{ case }}", "{{ target.handle }}",
    "{{ deadline|longdate }}", "{{ days_left|days }}", "{{ url ~ org }}", "{{ 1/0 }}",
    "{{ days_left + 1 }}", "{{ org * 3 }}", "{{ org * days_left }}", "{{ case.hashtags[:2]|join(' ') }}",
    "{{ case.hashtags[5] }}", "{{ ''.__class__ }}", "{{ range(days_left)|list }}",
    "{{ by_pronoun('a', 'b', 'c') }}", "{% if keep.tail %}", "{% endif %}", "{% for x in case %}",
    "{% endfor %}", "{{ x }}", "{{", "}}", "{%", "%}", "{#", "#}", "{% set y = org|int %}",
    "{{ org|int ** 9 }}", "{{ org.upper() }}", "{{ url|length }}", "{{ org|format(1) }}",
    "{{ '%s' % org }}", "{{ org[0] }}", "{% raw %}", "{% endraw %}", "{{ case.person|days }}",
    "\n\n", " ", "Free ", "#Bilash", "@GenProkRK",
])
BODIES = st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=12).map("".join)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.dates() | st.datetimes(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
CONTEXTS = st.fixed_dictionaries({
    "case": st.one_of(VALUES, st.fixed_dictionaries({"person": VALUES, "pronouns": VALUES,
                                                     "hashtags": VALUES, "names": VALUES})),
    "target": VALUES, "deadline": VALUES, "days_left": VALUES, "url": VALUES, "org": VALUES,
})


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES, ctx=CONTEXTS, language=st.sampled_from(["en", "ru", "de", "zz"]))
def test_rendering_anything_raises_only_template_error(body, ctx, language):
    tpl = template(body, language, optional=("tail",))
    try:
        text = render(tpl, ctx)
    except TemplateError:
        return
    assert isinstance(text, str)
