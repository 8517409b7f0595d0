"""Ingest at scale: a document's candidate cases are looked up by key (index
number, UA serial, folded name word) instead of read from every case, and
the lookup never answers from a case's old keys, however the case changed.
No timings here: benchmarks/ingest.py measures the speed."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from advocate import cases
from advocate.cli import cli
from advocate.db import open_db, write
from advocate.ingest.model import ParsedDocument
from advocate.link_index import candidates

APRIL_10 = "--now 2019-04-10T09:00+05:00"
CORPUS = Path(__file__).parent / "fixtures" / "corpus" / "docs"
NOW = dt.datetime(2019, 4, 10, 4, 0, tzinfo=dt.UTC)

FINAL_FOR_46_19 = """URGENT ACTION

FINAL UPDATE ON UA 46/19

NO FURTHER ACTION IS REQUESTED. MANY THANKS TO ALL WHO SENT APPEALS.

The human rights defender was released on 17 August.
"""


def _case(db, **fields) -> int:
    return cases.create_case(db, NOW, {"deadline": "2019-05-21", **fields}, [], {}, {}, "UTC")


def _ids(db, **fields) -> list[int]:
    with write(db):
        return [c.id for c in candidates(db, ParsedDocument(kind="update", **fields))]


def test_only_cases_sharing_a_number_an_index_or_a_name_word_are_candidates(tmp_path):
    db = open_db(tmp_path / "a.db")
    with write(db):
        bilash = _case(db, ua_number="46/19", person="Serikzhan Bilash", persons=["Serikzhan Bilash"])
        indexed = _case(db, index_number="EUR 57/0226/2019", person="Ana Pérez")
        group = _case(db, subject_kind="group", subject_name="Twelve protesters")
        _case(db, ua_number="12/20", person="Someone Else")
    assert _ids(db, person="BILASH Serikjan") == [bilash]  # transliterated, reversed, capitals
    assert _ids(db, ua_number="46/16") == [bilash]  # the serial: a misprinted year is still weighed
    assert _ids(db, references=["46/19"]) == [bilash]
    assert _ids(db, index_number="eur 57/0226/2019") == [indexed]
    assert _ids(db, subject_name="twelve protesters") == [group]
    assert _ids(db, person="Nobody Known", ua_number="99/19") == []
    assert _ids(db) == []


def test_a_case_changed_by_any_path_is_looked_up_by_its_new_keys_only(tmp_path):
    db = open_db(tmp_path / "a.db")
    with write(db):
        case_id = _case(db, ua_number="46/19", person="Serikzhan Bilash", persons=["Serikzhan Bilash"])
    assert _ids(db, person="Serikzhan Bilash") == [case_id]
    with write(db):  # through the library, as 'case edit' does
        cases.update_case(db, NOW, case_id, {"person": "Maks Bokaev", "persons": ["Maks Bokaev"]}, None, {})
    assert _ids(db, person="Maks Bokaev") == [case_id]
    assert _ids(db, person="Serikzhan Bilash") == []
    db.close()
    plain = sqlite3.connect(tmp_path / "a.db")  # and by plain SQL, as an operator might
    with plain:
        plain.execute("UPDATE cases SET ua_number = '7/20', person = NULL, persons = '[]' WHERE id = ?", [case_id])
    plain.close()
    db = open_db(tmp_path / "a.db")
    assert _ids(db, ua_number="7/20") == [case_id]
    assert _ids(db, ua_number="46/19") == [] and _ids(db, person="Maks Bokaev") == []


def test_a_final_links_by_a_ua_number_set_with_case_edit(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")  # the seed prints no UA number
    final = workspace.root / "final.txt"
    final.write_text(FINAL_FOR_46_19, encoding="utf-8")
    workspace.run(f"{APRIL_10} case edit 1 --set ua_number=46/19")
    [result] = workspace.json(f"{APRIL_10} ingest {final}")
    assert (result["action"], result["case"]["id"], result["case"]["status"]) == ("closed", 1, "closed")


def test_a_deleted_case_is_no_candidate(tmp_path):
    db = open_db(tmp_path / "a.db")
    with write(db):
        kept = _case(db, person="Serikzhan Bilash")
        gone = _case(db, person="Serikzhan Bilash")
    assert _ids(db, person="Serikzhan Bilash") == [kept, gone]
    with write(db):
        db.execute("DELETE FROM cases WHERE id = ?", [gone])
    assert _ids(db, person="Serikzhan Bilash") == [kept]


def test_cases_stored_before_the_index_existed_are_filed_when_it_is_made(tmp_path):
    db = open_db(tmp_path / "a.db")
    with write(db):
        case_id = _case(db, index_number="EUR 57/0226/2019", person="Serikzhan Bilash")
        for statement in ("DROP TRIGGER link_case_added", "DROP TRIGGER link_case_changed", "DROP TRIGGER link_case_removed",
                          "DROP TABLE link_keys", "DROP TABLE link_stale", "DROP INDEX documents_case",
                          "DELETE FROM _sqlite_migrations WHERE name = 'm008_link_index'"):
            db.execute(statement)  # the database as version m007 left it
    db.close()
    db = open_db(tmp_path / "a.db")
    assert _ids(db, index_number="EUR 57/0226/2019") == [case_id]
    assert _ids(db, person="Bilash") == [case_id]


def _dateparser(text: str, language: str) -> dt.date | None:
    """What parse_date answered before its fast path: dateparser alone."""
    import dateparser

    from advocate.ingest.dates import _OTHER_LANGUAGES, _SETTINGS

    for languages in ([language] if language == "en" else [language, "en"], _OTHER_LANGUAGES):
        parsed = dateparser.parse(text, languages=languages, settings=_SETTINGS)
        if parsed:
            return parsed.date()
    return None


def test_dates_read_without_dateparser_are_the_dates_dateparser_reads():
    from advocate.ingest.dates import _MONTH_NAMES, _fast_date

    forms = {language: ["{d} {m} {y}", "{d}. {M} {y}", "{m} {d}, {y}"] for language in _MONTH_NAMES}
    forms["es"] = forms["pt"] = ["{d} {m} {y}", "{d} de {m} de {y}", "{d} DE {M} DE {y}"]
    forms["fr"] = ["{d} {m} {y}", "1er {m} {y}"]
    compared = 0
    for language, months in _MONTH_NAMES.items():
        for number, words in enumerate(months.split("|"), 1):
            for word in words.split():
                for form in forms[language]:
                    text = form.format(d=28 if number != 2 else 9, m=word, M=word.upper(), y=2019)
                    fast = _fast_date(text)
                    assert fast is not None and fast.month == number, text
                    for read_as in {"en", language}:
                        assert fast == _dateparser(text, read_as), (text, read_as)
                        compared += 1
    for text in ("30 February 2019", "21 Sept. 2019", "1st May 2019", "21 de May del 2019", "Friday 21 2019"):
        assert _fast_date(text) is None  # left to dateparser, as before
    assert compared > 500


def test_a_country_of_two_words_is_no_ones_name(workspace):
    """Found by the benchmark's generated UAs: 'Embassy of the People's Republic of Saudi Arabia'
    made 'Saudi Arabia' one of the persons, and the next UA naming the country was linked to it."""
    text = (CORPUS / "en-2008-china-initial.txt").read_text("utf-8").replace("China", "Saudi Arabia")
    paths = []
    for name, surname in (("Ali", "Hassan"), ("Omar", "Said")):
        paths.append(workspace.root / f"{name}.txt")
        paths[-1].write_text(text.replace("Lobsang", name).replace("Dorje", surname).replace("87/08", f"{len(name)}/08")
                             .replace("061/2008", f"06{len(paths)}/2008"), encoding="utf-8")
    results = workspace.json(f"--now 2008-04-01T09:00+00:00 ingest {paths[0]} {paths[1]}")
    assert [r["action"] for r in results] == ["created", "created"]
    assert [r["case"]["person"] for r in results] == ["Ali Hassan", "Omar Said"]


# --- many documents: parsed in worker processes, stored and reported in order ----

NAMES = ["Ana Pérez", "Omar Said", "Li Wei", "Maria Lopes", "Ivan Petrov", "Amina Bello", "Jon Berg",
         "Sara Costa", "Yusuf Kaya", "Nadia Haddad", "Pablo Ruiz", "Elif Demir"]


def _many_documents(root: Path, seeds: Path) -> list[Path]:
    """Twelve UAs about different people, an update and a final for the first, the same file
    twice, and a text that is no UA: every path ingest takes, in one call."""
    initial = (seeds / "ua-46-19-initial.txt").read_text("utf-8")
    paths = []
    for number, name in enumerate(NAMES, 1):
        first, last = name.split()
        text = initial.replace("Serikzhan Bilash", name).replace("Serikzhan", first).replace("Bilash", last)
        paths.append(root / f"ua-{number:02d}.txt")
        paths[-1].write_text(f"UA {number}/19\n" + text, encoding="utf-8")
    update = paths[0].read_text("utf-8").replace("UA 1/19\nURGENT ACTION", "URGENT ACTION\n\nFURTHER INFORMATION ON UA 1/19")
    final = (seeds / "ua-46-19-final.txt").read_text("utf-8").replace("Serikzhan Bilash", NAMES[0]).replace("46/16", "1/19")
    extra = {"update.txt": update.replace("21 May 2019", "28 May 2019"), "final.txt": final,
             "notes.txt": "Shopping list: bread, milk, two lemons.\n"}
    for name, text in extra.items():
        paths.append(root / name)
        paths[-1].write_text(text, encoding="utf-8")
    return [*paths[:3], paths[1], *paths[3:]]  # ua-02 twice: 'ingested before; nothing changed'


def _ingest(workspace, paths, monkeypatch, *, parallel: bool, as_json: str = ""):
    from advocate import workers
    from advocate.commands import ingest_cmd

    forked = []
    collect = workers._collect
    monkeypatch.setattr(workers, "_collect", lambda *a: forked.append(1) or collect(*a))
    monkeypatch.setattr(workers, "cpus", lambda: 2)  # workers even on a one-CPU test machine
    monkeypatch.setattr(ingest_cmd, "PARALLEL_FROM", 8 if parallel else 10**6)
    args = ["--config", str(workspace.config), *APRIL_10.split(), "ingest", *([as_json] if as_json else []), *map(str, paths)]
    result = workspace.runner.invoke(cli, args)
    assert bool(forked) == (parallel and hasattr(os, "fork"))
    return result


def _state(workspace) -> tuple:
    cases_now = workspace.json("case list")
    documents = sqlite3.connect(workspace.root / "advocate.db").execute(
        "SELECT filename, kind, action, case_id, link_reason FROM documents ORDER BY id").fetchall()
    return cases_now, documents


def test_documents_parsed_in_workers_give_the_output_cases_and_status_of_one_process(tmp_path, monkeypatch, seeds):
    from conftest import Workspace

    outputs = {}
    for parallel in (True, False):
        workspace = Workspace(tmp_path / f"parallel-{parallel}")
        workspace.root.mkdir()
        workspace.run("init")
        paths = _many_documents(tmp_path, seeds)
        text = _ingest(workspace, paths, monkeypatch, parallel=parallel)
        outputs[parallel] = (text.exit_code, text.output, _state(workspace))
    assert outputs[True] == outputs[False]
    code, output, (cases_now, documents) = outputs[True]
    assert code == 0 and len(cases_now) == 12
    assert [d[2] for d in documents] == ["created"] * 3 + ["created"] * 9 + ["updated", "closed", "recorded"]
    assert "ingested before; nothing changed" in output


class ParserBug(Exception):
    pass


def parse_or_fail(text: str):
    from advocate.ingest.parse import _real_parse_ua  # type: ignore[attr-defined]

    if "Ivan Petrov" in text:
        raise ParserBug("the parser tripped on Ivan Petrov")
    return _real_parse_ua(text)


def test_a_document_that_fails_in_a_worker_fails_at_its_turn_as_in_one_process(tmp_path, monkeypatch, seeds):
    from advocate.ingest import parse
    from conftest import Workspace

    monkeypatch.setattr(parse, "_real_parse_ua", parse.parse_ua, raising=False)
    monkeypatch.setattr(parse, "parse_ua", parse_or_fail)
    outcomes = {}
    for parallel in (True, False):
        workspace = Workspace(tmp_path / f"parallel-{parallel}")
        workspace.root.mkdir()
        workspace.run("init")
        result = _ingest(workspace, _many_documents(tmp_path, seeds), monkeypatch, parallel=parallel)
        outcomes[parallel] = (result.exit_code, type(result.exception), str(result.exception), result.output, _state(workspace))
    assert outcomes[True] == outcomes[False]
    code, kind, message, _, (cases_now, _) = outcomes[True]
    assert (code, kind, message) == (1, ParserBug, "the parser tripped on Ivan Petrov")
    assert [c["person"] for c in cases_now] == NAMES[:4]  # the documents before it are stored, none after


def test_the_stored_table_of_language_names_is_what_pycountry_says():
    """labels/iso_language_names.json is built from pycountry so that ingest need not load
    pycountry's languages every time; after a pycountry upgrade, write it again (see the function)."""
    from advocate.ingest.fields import _iso_language_names, build_iso_language_names

    assert _iso_language_names() == build_iso_language_names()
    assert _iso_language_names()["aserbaidschanisch"] == "Azerbaijani"
