"""Parsing Urgent Actions: the seed case, every fixture, and the traps."""

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from advocate.ingest import parse_ua, read_document

SEEDS = Path(__file__).parents[1] / "examples" / "ua-46-19"
FIXTURES = Path(__file__).parent / "fixtures" / "ua"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text("utf-8"))


def _builders():
    spec = importlib.util.spec_from_file_location("ua_builders", FIXTURES / "builders.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return _builders().materialise(tmp_path_factory.mktemp("ua"))


def seed(name):
    return parse_ua(read_document(SEEDS / name).text)


# The seed case: Serikzhan Bilash, UA 46/19.

@pytest.fixture(scope="module")
def initial():
    return seed("ua-46-19-initial.txt")


def test_initial_seed_case_fields(initial):
    assert initial.kind == "initial"
    assert initial.language == "en"
    assert initial.person == "Serikzhan Bilash"
    assert initial.persons == ["Serikzhan Bilash"]
    assert initial.pronouns == "he/him"
    assert initial.country == "Kazakhstan"
    assert initial.issued == dt.date(2019, 4, 9)
    assert initial.deadline == dt.date(2019, 5, 21)
    assert initial.title == "HUMAN RIGHTS DEFENDER UNDER HOUSE ARREST"
    assert initial.ua_number is None  # the initial UA never prints its number
    assert initial.closure_line is None


def test_initial_seed_primary_target(initial):
    primary = initial.targets[0]
    assert primary.name == "Nurdauletov Gizat Daurenbekovich"
    assert primary.title == "Prosecutor General"
    assert primary.email == "press@prokuror.kz"
    assert primary.fax == "+7 7172 506 402"
    assert primary.handle == "@GenProkRK"
    assert primary.salutation == "Dear Prosecutor General"
    assert "Nur-Sultan" in primary.address
    assert primary.additional is False


def test_initial_seed_additional_target(initial):
    additional = [t for t in initial.targets if t.additional]
    assert len(additional) == 1
    embassy = additional[0]
    assert embassy.name == "Erlan Idrissov"
    assert embassy.title == "Ambassador, Embassy of the Republic of Kazakhstan"
    assert embassy.email == "London@mfa.kz"
    assert "Pall Mall" in embassy.address
    assert "send copies" not in (embassy.address or "")


def test_initial_seed_social_media(initial):
    assert initial.hashtags == ["#Bilash", "#KazakhsInChina"]
    assert initial.handles[:3] == ["@GenProkRK", "@struthers_marie", "@AmnestyEECA"]
    assert initial.languages == ["Kazakh", "Russian", "English"]
    assert initial.suggested_message == (
        "Serikzhan #Bilash has exposed violations against ethnic #KazakhsInChina, and now he is "
        "being held in detention because of his human rights work. @GenProkRK, Bilash is a "
        "prisoner of conscience and should be released immediately!")
    assert initial.url is None  # the link in the text is to a report, not to the UA


def test_initial_seed_sources_point_at_the_lines(initial):
    text = read_document(SEEDS / "ua-46-19-initial.txt").text.splitlines()
    deadline = initial.sources["deadline"]
    assert text[deadline.line - 1] == deadline.text
    assert "UNTIL: 21 May 2019" in deadline.text and deadline.confidence == 1.0
    assert initial.sources["pronouns"].text.startswith("NAME AND PREFFERED PRONOUN")
    assert initial.sources["country"].confidence < 1.0  # taken from an address
    expected = {"kind", "person", "pronouns", "country", "issued", "deadline", "targets",
                "hashtags", "handles", "languages", "suggested_message", "title"}
    assert expected <= set(initial.sources)
    assert initial.warnings == []


def test_final_seed_closes_the_case_despite_monitoring():
    final = seed("ua-46-19-final.txt")
    assert final.kind == "final"  # "We will continue to monitor this case" does not reopen it
    assert "NO FURTHER ACTION IS REQUESTED" in final.closure_line
    assert final.ua_number == "46/16" and final.ua_number_printed == "UA 46/16"
    assert any("46/16" in w and "typo" in w and "46/19" in w for w in final.warnings)
    assert final.person == "Serikzhan Bilash"
    assert final.pronouns == "he/his"
    assert final.deadline is None


@pytest.mark.parametrize("name", ["ua-46-19-release-news.txt", "ua-46-19-un-wgad-news.txt"])
def test_news_seeds_are_news_about_the_person(name):
    news = seed(name)
    assert news.kind == "news"
    assert news.person == "Serikzhan Bilash"
    assert news.targets == [] and news.deadline is None and news.closure_line is None


def test_release_news_headline_and_country():
    news = seed("ua-46-19-release-news.txt")
    assert news.title == "Kazakhstan: Prisoner of Conscience released, but at what cost?"
    assert news.country == "Kazakhstan"


def test_wgad_news_does_not_take_groups_for_people():
    news = seed("ua-46-19-un-wgad-news.txt")
    assert "Freedom Now" not in news.persons
    assert "Atazhurt Eriktileri" not in news.persons


# Every fixture against its expected fields.

FIELDS = ["kind", "language", "ua_number", "index_number", "title", "person", "persons",
          "pronouns", "country", "issued", "deadline", "hashtags", "handles", "languages",
          "suggested_message", "url", "closure_line", "references"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_fields(built, name):
    expected = EXPECTED[name]
    document = read_document(built[name])
    assert document.format == expected["format"]
    parsed = parse_ua(document.text)
    for field in FIELDS:
        value = getattr(parsed, field)
        value = value.isoformat() if isinstance(value, dt.date) else value
        assert value == expected.get(field, [] if isinstance(value, list) else None), field
    targets = [{k: v for k, v in vars(t).items() if v is not None} for t in parsed.targets]
    assert targets == expected.get("targets", [])


def test_fixture_set_covers_the_variety():
    kinds = {e["kind"] for e in EXPECTED.values()}
    languages = {e["language"] for e in EXPECTED.values()}
    formats = {e["format"] for e in EXPECTED.values()}
    assert len(EXPECTED) >= 12
    assert kinds == {"initial", "update", "final", "news", "unknown"}
    assert {"en", "es", "fr", "de"} <= languages
    assert formats == {"text", "html", "docx", "pdf"}


def test_multi_person_update_is_not_final(built):
    update = parse_ua(read_document(built["a2-egypt-update.docx"]).text)
    assert update.kind == "update"
    assert update.closure_line is None
    assert update.deadline == dt.date(2021, 8, 30)
    assert any("Yara Nabil" in w and "update" in w for w in update.warnings)


def test_two_column_pdf_final(built):
    final = parse_ua(read_document(built["a3-egypt-final.pdf"]).text)
    assert final.kind == "final"
    assert final.closure_line == "No further action is requested from the UA network."
    assert final.person == "Karim Mansour" and final.pronouns == "he/him"
    assert final.title == "LABOUR LAWYER KARIM MANSOUR FREED"


def test_unknown_text_names_nobody(built):
    parsed = parse_ua(read_document(built["u1-newsletter.txt"]).text)
    assert parsed.kind == "unknown" and parsed.person is None


# Numbers, closures and kinds in small documents.

@pytest.mark.parametrize("printed, number", [
    ("UA 46/19", "46/19"), ("UA-046/2019", "46/19"), ("UA 103.22", "103/22"),
    ("AU 105/25", "105/25"), ("UA: 229/10", "229/10"), ("Urgent Action 103.22", "103/22"),
    ("AU: 12/24", "12/24"), ("UA Nr. 77/2022", "77/22"),
])
def test_ua_numbers_are_normalised(printed, number):
    parsed = parse_ua(f"URGENT ACTION\n{printed}\nJournalist Ana Pérez was arrested.\n")
    assert parsed.ua_number == number
    assert parsed.ua_number_printed == printed


def test_dates_are_not_ua_numbers():
    parsed = parse_ua("URGENT ACTION\nDate: 12.05.2024\nJournalist Ana Pérez was arrested.\n")
    assert parsed.ua_number is None
    assert parsed.issued == dt.date(2024, 5, 12)


def test_old_layout_further_information_is_an_update():
    text = ("Further information on UA: 97/10 Index: AMR 19/012/2010 Brazil Date: 29 October 2010\n"
            "URGENT ACTION\nTHREATS CONTINUE\n"
            "Further information on UA 97/10 (28 April 2010) and follow-up (10 August 2010)\n"
            "PLEASE SEND APPEALS BEFORE 10 DECEMBER 2010 TO:\n")
    parsed = parse_ua(text)
    assert parsed.kind == "update"
    assert parsed.references == ["97/10"]
    assert parsed.index_number == "AMR 19/012/2010"
    assert parsed.country == "Brazil"
    assert parsed.deadline == dt.date(2010, 12, 10)


@pytest.mark.parametrize("closure", [
    "NO FURTHER ACTION IS REQUESTED.",
    "No further action is requested from the UA network.",
    "There will be no further action from the Urgent Action Network.",
    "No se requieren más acciones.",
    "Aucune action complémentaire n'est requise.",
    "Keine weiteren Appelle erforderlich.",
])
def test_closure_phrases_make_a_final(closure):
    parsed = parse_ua(f"URGENT ACTION\nACTIVIST RELEASED\nAna Pérez was freed on 2 May.\n{closure}\n")
    assert parsed.kind == "final"
    assert parsed.closure_line.rstrip(".") in closure


@pytest.mark.parametrize("header, deadline, expected", [
    ("ACCIÓN URGENTE", "ENVÍEN LLAMAMIENTOS ANTES DEL 15 DE MAYO DE 2025", dt.date(2025, 5, 15)),
    ("ACTION URGENTE", "ENVOYEZ VOS APPELS AVANT LE 1er juin 2024", dt.date(2024, 6, 1)),
    ("EILAKTION", "Bitte schreiben Sie bis zum 21. Mai 2019", dt.date(2019, 5, 21)),
    ("URGENT ACTION", "This Urgent Action expires on June 1 2023.", dt.date(2023, 6, 1)),
    ("URGENT ACTION", "PLEASE SEND APPEALS BEFORE 10 DECEMBER 2010 TO:", dt.date(2010, 12, 10)),
])
def test_deadlines_in_every_language(header, deadline, expected):
    parsed = parse_ua(f"{header}\nAna Pérez\n{deadline}\n")
    assert parsed.kind == "initial"
    assert parsed.deadline == expected


def test_initial_without_deadline_warns():
    parsed = parse_ua("URGENT ACTION\nJOURNALIST HELD\nJournalist Ana Pérez was arrested.\n")
    assert parsed.kind == "initial"
    assert any("no deadline found" in w for w in parsed.warnings)


def test_text_that_is_not_a_ua_and_names_nobody_is_unknown():
    assert parse_ua("Shopping list\n\nmilk, eggs, bread\n").kind == "unknown"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_parse_never_raises_on_any_text(text):
    parsed = parse_ua(text)
    assert parsed.kind in ("initial", "update", "final", "news", "unknown")
    for source in parsed.sources.values():
        assert 0.0 <= source.confidence <= 1.0 and source.line >= 1
