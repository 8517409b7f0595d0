"""Linking updates, finals and news to the case they belong to."""

import datetime as dt
from pathlib import Path

import pytest

from advocate.ingest import CaseKey, ParsedDocument, match_case, parse_ua, read_document
from advocate.ingest.spelling import name_match
from fixtures.ua import builders

SEEDS = Path(__file__).parents[1] / "examples" / "ua-46-19"
FIXTURES = Path(__file__).parent / "fixtures" / "ua"



def parse_file(path):
    return parse_ua(read_document(path).text)


def case_from(case_id, doc, status="open"):
    """What the lead stores when a case is created from an initial UA."""
    return CaseKey(case_id, doc.ua_number, doc.index_number, doc.person, doc.persons, doc.issued, status)


@pytest.fixture(scope="module")
def bilash():
    return case_from(1, parse_file(SEEDS / "ua-46-19-initial.txt"))


@pytest.fixture(scope="module")
def other_cases():
    return [
        CaseKey(2, "46/18", None, "Maks Bokaev", ["Maks Bokaev"], dt.date(2018, 3, 1), "open"),
        CaseKey(3, "12/19", "ASA 17/0001/2019", "Sayragul Sautybai", ["Sayragul Sautybai"],
                dt.date(2019, 1, 5), "closed"),
    ]


def test_final_seed_links_by_person_despite_the_misprinted_number(bilash, other_cases):
    final = parse_file(SEEDS / "ua-46-19-final.txt")
    result = match_case(final, other_cases + [bilash])
    assert result.case_id == 1
    assert result.confidence >= 0.8
    assert "Serikzhan Bilash" in result.reason


@pytest.mark.parametrize("news", ["ua-46-19-release-news.txt", "ua-46-19-un-wgad-news.txt"])
def test_news_seeds_link_by_person(bilash, other_cases, news):
    result = match_case(parse_file(SEEDS / news), [bilash] + other_cases)
    assert result.case_id == 1 and result.confidence >= 0.8


@pytest.mark.parametrize("spelling", ["Serikjan Bilash", "Bilash Serikzhan", "SERIKZHAN BILASH",
                                      "Sérikzhan Billash", "Serikzhan Bilash"])
def test_transliterations_of_a_name_match(bilash, spelling):
    doc = ParsedDocument(kind="news", person=spelling, persons=[spelling])
    assert match_case(doc, [bilash]).case_id == 1


def test_name_variants():
    assert name_match("Serikzhan Bilash", "Serikjan Bilash") == 1.0
    assert name_match("Niloufar Rahimi", "Nilufar Rahimy") == 1.0
    assert name_match("Pjotr Sokolow", "Pyotr Sokolov") == 1.0
    assert name_match("Mohammed al-Khawaja", "Mohamed Al Khawaja") == 1.0
    assert name_match("Nurdauletov Gizat Daurenbekovich", "Gizat Nurdauletov") == 0.85
    assert name_match("Bilash", "Serikzhan Bilash") == 0.5
    assert name_match("Maks Bokaev", "Serikzhan Bilash") == 0.0


def test_two_cases_for_the_same_name_are_not_guessed(bilash):
    second = CaseKey(7, "88/21", None, "Serikzhan Bilash", ["Serikzhan Bilash"], dt.date(2021, 5, 1), "open")
    first = CaseKey(3, bilash.ua_number, None, bilash.person, bilash.persons, bilash.issued, "open")
    news = parse_file(SEEDS / "ua-46-19-release-news.txt")
    result = match_case(news, [first, second])
    assert result.case_id is None
    assert result.candidates == [3, 7]
    assert result.reason == "matches cases 3 and 7 by name; attach it with --case ID"


def test_the_ua_number_settles_a_shared_name(bilash):
    second = CaseKey(7, "88/21", None, "Serikzhan Bilash", ["Serikzhan Bilash"], dt.date(2021, 5, 1), "open")
    doc = ParsedDocument(kind="update", ua_number="88/21", references=["88/21"],
                         person="Serikzhan Bilash", persons=["Serikzhan Bilash"])
    result = match_case(doc, [bilash, second])
    assert result.case_id == 7 and result.confidence >= 0.9


def test_a_misprinted_year_alone_is_too_weak(other_cases):
    doc = ParsedDocument(kind="final", ua_number="46/16", references=["46/16"])
    result = match_case(doc, other_cases)
    assert result.case_id is None
    assert "46/16 looks like a typo for 46/18" in result.reason or result.candidates == []


def test_same_number_but_another_person_is_not_linked(other_cases):
    doc = ParsedDocument(kind="update", ua_number="46/18", person="Ana Pérez", persons=["Ana Pérez"])
    result = match_case(doc, other_cases)
    assert result.case_id is None
    assert result.candidates == [2]
    assert "names differ" in result.reason and "--case 2" in result.reason


def test_index_number_links(other_cases):
    doc = ParsedDocument(kind="update", index_number="ASA 17/0001/2019")
    result = match_case(doc, other_cases)
    assert result.case_id == 3 and result.confidence >= 0.9


def test_no_match_names_what_was_looked_for(bilash):
    doc = ParsedDocument(kind="update", ua_number="5/20", person="Ana Pérez", persons=["Ana Pérez"])
    result = match_case(doc, [bilash])
    assert result.case_id is None and result.candidates == []
    assert "no existing case matches (5/20, Ana Pérez)" in result.reason


def test_a_group_links_by_its_name():
    group = CaseKey(4, None, None, None, ["twelve protesters"], None, "open")
    doc = ParsedDocument(kind="final", subject_kind="group", subject_name="Twelve protesters")
    assert match_case(doc, [group]).case_id == 4


def test_no_cases_at_all():
    result = match_case(ParsedDocument(kind="news", person="Ana Pérez"), [])
    assert result.case_id is None and result.confidence == 0.0


# The fixture chains: every follow-up finds its initial among all the cases.

CHAINS = {
    "a2-egypt-update.docx": "a1-egypt-initial.txt",
    "a3-egypt-final.pdf": "a1-egypt-initial.txt",
    "b2-mexico-update.txt": "b1-mexico-initial.html",
    "b3-mexico-final.txt": "b1-mexico-initial.html",
    "c2-brazil-update.txt": "c1-brazil-initial.txt",
    "d2-algeria-final.txt": "d1-algeria-initial.txt",
    "e2-russia-final.txt": "e1-russia-initial.txt",
    "f2-iran-update.txt": "f1-iran-initial.html",
    "g1-iran-news.txt": "f1-iran-initial.html",
}


@pytest.fixture(scope="module")
def fixture_cases(tmp_path_factory):
    built = builders.materialise(tmp_path_factory.mktemp("ua"))
    initials = sorted(set(CHAINS.values()))
    cases = [case_from(i + 10, parse_file(built[name])) for i, name in enumerate(initials)]
    return built, dict(zip(initials, cases)), cases


@pytest.mark.parametrize("follow_up", sorted(CHAINS))
def test_fixture_chains_link(fixture_cases, follow_up):
    built, by_name, cases = fixture_cases
    result = match_case(parse_file(built[follow_up]), cases)
    assert result.case_id == by_name[CHAINS[follow_up]].id, result.reason
    assert result.confidence >= 0.8


def test_the_cheap_first_pass_never_changes_which_case_a_document_joins():
    """Linking weighs only cases with some evidence; the answer is the one weighing every case gives."""
    from advocate.ingest import link

    corpus = Path(__file__).parent / "fixtures" / "corpus"
    docs = [parse_file(p) for p in sorted([*SEEDS.glob("*.txt"), *FIXTURES.glob("*.txt"), *corpus.glob("*.txt")])]
    cases = [case_from(i, d) for i, d in enumerate(docs, 1) if d.kind in ("initial", "update")]
    for doc in docs:
        every = sorted((link._weigh(doc, case) for case in cases), key=lambda e: -e.score)
        chosen = [e.case.id for e in every if e.score >= link.ACT_ON]
        assert link.matching(doc, cases) == sorted(chosen)
        result = match_case(doc, cases)
        if result.case_id is not None:
            assert every[0].case.id == result.case_id
