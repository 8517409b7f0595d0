"""A group's name is a description in its UA's language ("twelve protesters"):
posts in another language must not print it as it is inside their own
sentence. `schedule` says so, and `case edit --set name.ru=...` gives the
name those posts print, kept over later updates and re-planned at once."""

import json
import sqlite3

APRIL_10 = "--now 2019-04-10T09:00+05:00"


def _group_case(workspace, seeds):
    workspace.set_config("languages = []", 'languages = ["en", "ru"]')
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f'{APRIL_10} case edit 1 --set subject_kind=group --set "subject_name=twelve protesters"')


def _texts(workspace, language):
    with sqlite3.connect(workspace.root / "advocate.db") as conn:
        rows = conn.execute("SELECT text FROM posts WHERE language = ? AND status != 'cancelled'", [language]).fetchall()
    return [text for (text,) in rows]


def test_schedule_says_which_languages_print_a_group_name_untranslated(workspace, seeds):
    _group_case(workspace, seeds)
    planned = workspace.run(f"{APRIL_10} schedule")
    assert ("case 1: posts in 'ru' print the group's name as its UA wrote it ('twelve protesters'); "
            "give it in that language: advocate case edit 1 --set name.ru=\"...\"") in planned.output
    assert "posts in 'en'" not in planned.output  # the UA's own language
    assert any("twelve protesters" in text.lower() for text in _texts(workspace, "ru"))


def test_a_name_given_in_a_language_is_what_its_posts_print(workspace, seeds):
    _group_case(workspace, seeds)
    workspace.run(f"{APRIL_10} schedule")
    edited = workspace.run(f'{APRIL_10} case edit 1 --set "name.ru=двенадцать протестующих"')
    assert "name.ru: (not set) -> двенадцать протестующих" in edited.output
    assert "plan updated" in edited.output
    russian, english = _texts(workspace, "ru"), _texts(workspace, "en")
    assert russian and all("twelve protesters" not in text.lower() for text in russian)
    assert any("двенадцать протестующих" in text.lower() for text in russian)
    assert any("welve protesters" in text for text in english)
    assert json.loads(workspace.run("case show 1 --json").output)["names"] == {"ru": "двенадцать протестующих"}
    again = workspace.run(f"{APRIL_10} schedule --replan")
    assert "print the group's name" not in again.output


def test_a_name_in_a_language_can_be_cleared_and_is_checked(workspace, seeds):
    _group_case(workspace, seeds)
    workspace.run(f'{APRIL_10} case edit 1 --set "name.ru=двенадцать протестующих"')
    workspace.run(f"{APRIL_10} case edit 1 --set name.ru=")
    assert json.loads(workspace.run("case show 1 --json").output)["names"] == {}
    bad = workspace.run(f"{APRIL_10} case edit 1 --set name.russian=x", ok=False)
    assert bad.exit_code != 0 and len(bad.output.strip().splitlines()) == 1
    assert "name.LANG" in bad.output


def test_a_name_in_a_language_is_kept_over_a_later_update(workspace, seeds):
    from test_ingest_storage import update_text

    _group_case(workspace, seeds)
    workspace.run(f'{APRIL_10} case edit 1 --set "name.ru=двенадцать протестующих"')
    update = workspace.root / "update.txt"
    update.write_text(update_text(seeds, "28 May 2019"), encoding="utf-8")
    workspace.run(f"--now 2019-04-12T09:00+05:00 ingest {update}")
    case = json.loads(workspace.run("case show 1 --json").output)
    assert case["deadline"] == "2019-05-28" and case["names"] == {"ru": "двенадцать протестующих"}


def test_ingest_refuses_a_name_in_a_language_and_says_where_it_goes(workspace, seeds):
    refused = workspace.run(f'{APRIL_10} ingest {seeds / "ua-46-19-initial.txt"} --set "name.ru=Серикжан Билаш"', ok=False)
    assert refused.exit_code != 0 and len(refused.output.strip().splitlines()) == 1
    assert "advocate case edit CASE_ID --set name.ru=" in refused.output
    assert workspace.run("case list").output.count("Bilash") == 0  # nothing stored


def test_a_name_in_a_language_is_in_the_events_log(workspace, seeds):
    _group_case(workspace, seeds)
    workspace.run(f'{APRIL_10} case edit 1 --set "name.ru=двенадцать протестующих"')
    with sqlite3.connect(workspace.root / "advocate.db") as conn:
        messages = [m for (m,) in conn.execute("SELECT message FROM events WHERE kind = 'case-updated' ORDER BY id")]
    assert messages[-1] == "case 1 updated: name.ru"
