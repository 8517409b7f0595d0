"""The shipped templates, the loader's checks, and a deliberately bad set."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from advocate.errors import TemplateError
from advocate.messages.context import TEMPLATE_VARIABLES, build_context
from advocate.messages.guard import GuardSettings, check_post, extract_mentions
from advocate.messages.length import measure
from advocate.messages.render import render, render_fitting
from advocate.messages.templates import MessageTemplate, load_templates, template_from_suggestion

SHIPPED = Path(__file__).resolve().parents[1] / "messages"
SEED = Path(__file__).resolve().parents[1] / "examples" / "ua-46-19" / "ua-46-19-initial.txt"
NETWORKS = ("x", "mastodon", "bluesky")
CASE = {"person": "Serikzhan Bilash", "pronouns": "he/him", "country": "Kazakhstan",
        "ua_number": "UA 46/19", "hashtags": ["#Bilash", "#KazakhsInChina"],
        "handles": ["@GenProkRK"], "languages": ["Kazakh", "Russian", "English"]}
TARGET = {"name": "Nurdauletov Gizat Daurenbekovich", "title": "Prosecutor General",
          "handle": "@GenProkRK"}
URLS = (None, "https://www.amnesty.org/en/documents/eur57/0123/2019/en/")
DEADLINE = dt.date(2019, 5, 21)


def seed_context(days_left, url=URLS[1], case=CASE):
    return build_context(case, TARGET, deadline=DEADLINE, days_left=days_left, url=url,
                         org="Amnesty International")


@pytest.fixture(scope="module")
def shipped():
    return load_templates(SHIPPED)


def test_shipped_set_covers_every_kind_in_both_languages(shipped):
    for language in ("en", "ru"):
        mine = [t for t in shipped if t.language == language and t.kind != "supporter"]
        assert 6 <= len(mine) <= 8
        assert len([t for t in shipped if t.language == language and t.kind == "supporter"]) >= 3  # the case pages' texts
        kinds = [t.kind for t in mine]
        assert kinds.count("appeal") >= 3
        assert {"reminder", "last-call", "thanks"} <= set(kinds)
    assert [(t.language, t.name) for t in shipped] == sorted((t.language, t.name) for t in shipped)


def test_last_call_windows_are_the_last_two_days(shipped):
    for t in shipped:
        if t.kind == "last-call":
            assert (t.days_before_deadline_min, t.days_before_deadline_max) == (None, 2)
            assert t.in_window(0) and t.in_window(2) and not t.in_window(3)


@pytest.mark.parametrize("url", URLS)
def test_every_shipped_template_fits_every_network_every_day(shipped, url):
    for t in shipped:
        for days_left in range(42):
            for network in NETWORKS:
                text = render_fitting(t, seed_context(days_left, url), network)
                assert measure(text, network).ok, (t.path, days_left, network)
                assert "None" not in text and "  " not in text


@pytest.mark.parametrize("case", [
    CASE,
    {**CASE, "pronouns": "she/her", "names": {"ru": "Серикжан Билаш"}},
    {**CASE, "pronouns": "they/them", "hashtags": []},
])
def test_shipped_templates_pass_the_guard(shipped, case):
    settings = GuardSettings()
    for t in shipped:
        text = render(t, seed_context(3, case=case))
        assert check_post(text, settings, approved=True) == [], t.path
        mentions = extract_mentions(text)
        assert len(mentions) == (1 if t.mentions_target else 0), t.path
        if mentions:
            assert check_post(text, settings) != []  # waits for a person's approval


def test_shipped_templates_vary(shipped):
    texts = [render(t, seed_context(10)) for t in shipped if t.kind != "thanks"]
    assert len(set(texts)) == len(texts)


def test_rendered_samples_read_right(shipped):
    by_name = {(t.language, t.name): t for t in shipped}
    last_ru = render(by_name["ru", "last-call"], seed_context(0, None))
    assert last_ru.startswith("Сегодня последний день акции. Serikzhan Bilash по-прежнему лишён")
    take_ru = render(by_name["ru", "appeal-take-action"], seed_context(9, None))
    assert "До 21 мая 2019 года напишите властям" in take_ru
    reminder_ru = render(by_name["ru", "reminder"], seed_context(21, None))
    assert "Акция продлится ещё 21 день." in reminder_ru
    assert render(by_name["en", "last-call"], seed_context(2, None)).startswith("Only 2 days left")


def test_suggested_message_from_the_seed_fits_x():
    text = SEED.read_text(encoding="utf-8")
    message = text.split("Messaging:", 1)[1].split("To follow/retweet:", 1)[0].strip()
    tpl = template_from_suggestion(message)
    assert tpl.mentions_target
    out = render_fitting(tpl, seed_context(5), "x")
    assert out == message and measure(out, "x").ok
    assert check_post(out, GuardSettings(), approved=True) == []


def test_template_variables_are_documented():
    names = [name for name, _ in TEMPLATE_VARIABLES]
    for required in ("case.person", "case.he", "case.him", "case.his", "target.handle",
                     "deadline", "days_left", "url", "org", "deadline|longdate"):
        assert required in names


def test_loading_templates_does_not_import_twitter_text():
    code = ("import sys, pathlib; from advocate.messages.templates import load_templates; "
            f"load_templates(pathlib.Path({str(SHIPPED)!r})); print('twitter_text' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- the loader's checks ---------------------------------------------------

def write(root, name, text, language="en"):
    path = root / language / f"{name}.j2"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("front, message", [
    ('kind = "appeal"\ncolour = "red"', "unknown front-matter key 'colour'"),
    ('kind = "petition"', "key 'kind' must be one of"),
    ('networks = ["x"]', "key 'kind'"),
    ('kind = "appeal"\nnetworks = "x"', "key 'networks'"),
    ('kind = "appeal"\nnetworks = ["x", "facebook"]', "key 'networks'"),
    ('kind = "appeal"\nweight = "2"', "key 'weight'"),
    ('kind = "appeal"\nweight = 0', "key 'weight'"),
    ('kind = "appeal"\nweight = true', "key 'weight'"),
    ('kind = "appeal"\nmentions_target = "yes"', "key 'mentions_target'"),
    ('kind = "appeal"\nwindow = 3', "key 'window'"),
    ('kind = "appeal"\nwindow = { days_max = 3 }', "unknown key 'window.days_max'"),
    ('kind = "appeal"\nwindow = { days_before_deadline_max = -1 }', "window.days_before_deadline_max"),
    ('kind = "appeal"\nwindow = { days_before_deadline_min = 5, days_before_deadline_max = 2 }', "above its max"),
    ('kind = "appeal"\noptional = "tags"', "key 'optional'"),
    ('kind = "appeal"\noptional = ["tags", "tags"]', "twice"),
    ('kind = "appeal"\noptional = ["nowhere"]', "has no keep.nowhere"),
    ('kind = "appeal" kind', "not valid TOML"),
])
def test_bad_front_matter_names_file_and_key(tmp_path, front, message):
    path = write(tmp_path, "bad", f"+++\n{front}\n+++\nFree {{{{ case.person }}}}\n")
    with pytest.raises(TemplateError, match=message) as error:
        load_templates(tmp_path)
    assert str(error.value).startswith(str(path))


@pytest.mark.parametrize("text, message", [
    ("no front matter", "line 1: must start with a '\\+\\+\\+' line"),
    ('+++\nkind = "appeal"\nFree', "no closing"),
    ('+++\nkind = "appeal"\n+++\nFree {{ case.person }\n', "line 4"),
    ('+++\nkind = "appeal"\n+++\n\n{% if keep.tail %}x{% endif %}', "keep.tail but 'optional'"),
    ('+++\nkind = "appeal"\n+++\n{{ target.handle }}, free them', "set mentions_target = true"),
])
def test_bad_files_are_refused(tmp_path, text, message):
    write(tmp_path, "bad", text)
    with pytest.raises(TemplateError, match=message):
        load_templates(tmp_path)


def test_missing_folder(tmp_path):
    with pytest.raises(TemplateError, match="No templates folder"):
        load_templates(tmp_path / "nowhere")


def test_template_fields(tmp_path):
    write(tmp_path, "b", '+++\nkind = "last-call"\nnetworks = ["x"]\nweight = 3\n'
          'window = { days_before_deadline_min = 1, days_before_deadline_max = 2 }\n'
          'optional = ["tags"]\n+++\nGo{% if keep.tags %} #x{% endif %}\n', language="ru")
    write(tmp_path, "a", '+++\nkind = "appeal"\n+++\nGo\n', language="ru")
    write(tmp_path, "z", '+++\nkind = "thanks"\n+++\nThanks\n')
    loaded = load_templates(tmp_path)
    assert [(t.language, t.name) for t in loaded] == [("en", "z"), ("ru", "a"), ("ru", "b")]
    b = loaded[2]
    assert isinstance(b, MessageTemplate)
    assert (b.kind, b.networks, b.weight, b.days_before_deadline_min, b.days_before_deadline_max,
            b.mentions_target, b.optional, b.first_line) == (
        "last-call", ("x",), 3, 1, 2, False, ("tags",), 8)
    assert b.applies_to("dryrun") and not b.applies_to("mastodon")
    assert loaded[1].networks == NETWORKS and loaded[1].weight == 1 and loaded[1].in_window(None)


# --- a deliberately bad set: what the checks refuse --------------------------

BAD_SET = {
    "hashtags": ('+++\nkind = "appeal"\n+++\n'
                 'Free {{ case.person }} #FreeBilash #Kazakhstan #HumanRights #Bilash\n'),
    "mentions": ('+++\nkind = "appeal"\nmentions_target = true\n+++\n'
                 '{{ target.handle }} @AmnestyEECA free {{ case.person }}\n'),
    "unknown-variable": ('+++\nkind = "appeal"\n+++\nFree {{ case.person }}\n'
                         'before {{ case.deadline }}\n'),
    "too-long": ('+++\nkind = "appeal"\noptional = ["tail"]\n+++\n'
                 '{{ case.person }} {{ "must be released. " * 16 }}'
                 '{% if keep.tail %}{{ case.hashtags|join(" ") }}{% endif %}\n'),
}


def refusals(root):
    """What checking the bad set refuses, one line per problem, as a CLI would report."""
    found = {}
    for t in load_templates(root):
        context = seed_context(10)
        try:
            text = render_fitting(t, context, "x")
        except TemplateError as error:
            found[t.name] = [str(error)]
            continue
        found[t.name] = check_post(text, GuardSettings())
    return found


def test_bad_set_is_refused(tmp_path):
    for name, text in BAD_SET.items():
        write(tmp_path, name, text)
    found = refusals(tmp_path)
    root = f"{tmp_path}/en"
    assert found["hashtags"] == ["4 hashtags; at most 2 allowed"]
    assert found["mentions"] == ["2 mentions; at most 1 allowed",
                                 "mentions @GenProkRK, @AmnestyEECA; a person must approve automated mentions"]
    assert found["unknown-variable"] == [f"{root}/unknown-variable.j2 line 5: 'dict object' has no attribute 'deadline'"]
    assert found["too-long"] == [f"{root}/too-long.j2 is 304 of 280 on x even without its optional parts - shorten the template"]
