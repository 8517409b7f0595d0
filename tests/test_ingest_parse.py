"""Parsing Urgent Actions: the seed case, every fixture, and the traps."""

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advocate.ingest import parse_ua, read_document
from fixtures.ua import builders

SEEDS = Path(__file__).parents[1] / "examples" / "ua-46-19"
FIXTURES = Path(__file__).parent / "fixtures" / "ua"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text("utf-8"))



@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return builders.materialise(tmp_path_factory.mktemp("ua"))


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


# Labels as data: every language's file loads, and its phrases read documents.

LABEL_LANGUAGES = ["en", "es", "fr", "de", "pt", "it", "ru"]


def test_every_label_file_has_every_key_and_compiles():
    from advocate.ingest import labels

    english = set(labels._data("en"))
    for language in LABEL_LANGUAGES:
        data = labels._data(language)
        missing = english - set(data) - {"countries"}
        assert not missing, (language, missing)
        for key, value in data.items():
            if isinstance(value, list):
                labels.search(key, (language,))  # every phrase compiles


@pytest.mark.parametrize("text, language, deadline, person", [
    ("СРОЧНАЯ АКЦИЯ\nЖУРНАЛИСТ ЗАДЕРЖАН\nЖурналист Пётр Соколов был задержан 2 марта 2022 года.\n"
     "ИМЯ И ПРЕДПОЧИТАЕМОЕ МЕСТОИМЕНИЕ: Пётр Соколов (он)\nНапишите обращения до 25 апреля 2022 года.\n",
     "ru", dt.date(2022, 4, 25), "Пётр Соколов"),
    ("AÇÃO URGENTE\nJORNALISTA DETIDA\nA jornalista Ana Souza foi detida em 2 de maio de 2025.\n"
     "NOME E PRONOME: Ana Souza (ela/dela)\nEnviem apelos até 15 de maio de 2025\n",
     "pt", dt.date(2025, 5, 15), "Ana Souza"),
    ("AZIONE URGENTE\nGIORNALISTA ARRESTATA\nLa giornalista Anna Rossi è stata arrestata il 2 maggio 2025.\n"
     "NOME E PRONOME: Anna Rossi (lei)\nInviate appelli entro il 15 maggio 2025\n",
     "it", dt.date(2025, 5, 15), "Anna Rossi"),
])
def test_russian_portuguese_and_italian_uas_are_read(text, language, deadline, person):
    parsed = parse_ua(text)
    assert parsed.kind == "initial"
    assert parsed.language == language
    assert parsed.deadline == deadline
    assert parsed.person == person and parsed.subject_kind == "person" and parsed.subject_name == person
    assert parsed.role == "journalist"  # normalised to English whatever the language


@pytest.mark.parametrize("closure", [
    "Não é necessária mais nenhuma ação da Rede de Ações Urgentes.",
    "Non sono richieste ulteriori azioni da parte della rete.",
    "Дальнейших действий от сети срочных акций не требуется.",
    "Amnesty International bittet nicht um weitere Appelle.",
])
def test_closure_phrases_in_more_languages(closure):
    parsed = parse_ua(f"URGENT ACTION\nACTIVIST RELEASED\nAna Pérez was freed on 2 May 2023.\n{closure}\n")
    assert parsed.kind == "final"


def test_update_headings_in_every_language_but_not_background_headings():
    update = parse_ua("ACTION URGENTE\nÉTUDIANT TOUJOURS DÉTENU\n"
                      "Complément d'information sur l'AU 112/24 – Index : AFR 17/8840/2024 – 2 septembre 2024\n"
                      "L'étudiant Armel Tchoupo est toujours détenu.\n")
    assert update.kind == "update" and update.ua_number == "112/24"
    # In French and Italian initial UAs the same words head the background section.
    initial = parse_ua("ACTION URGENTE\nAU 58/16 Index : MDE 30/3801/2016 Tunisie Date : 14 mars 2016\n"
                       "Une étudiante, Amira Ben Salah, doit comparaître le 29 mars.\n"
                       "COMPLÉMENT D'INFORMATION\nAmira Ben Salah a lu un poème.\n")
    assert initial.kind == "initial"
    assert initial.country == "Tunisia" and initial.issued == dt.date(2016, 3, 14)


# Dates: words in any language, US or day-first numbers, older deadline phrases.

@pytest.mark.parametrize("line, expected", [
    ("PLEASE SEND APPEALS BEFORE 10 DECEMBER 2010 TO:", dt.date(2010, 12, 10)),
    ("PLEASE SEND APPEALS IMMEDIATELY AND NO LATER THAN 05/21/2019", dt.date(2019, 5, 21)),
    ("Please send appeals until 21/05/2019", dt.date(2019, 5, 21)),
    ("PLEASE SEND APPEALS IMMEDIATELY. Check with your section if sending appeals after 26 April 2007.",
     dt.date(2007, 4, 26)),
    ("ENVÍEN LLAMAMIENTOS INMEDIATAMENTE. Consulten si van a enviarlos después del 7 de octubre de 2008.",
     dt.date(2008, 10, 7)),
    ("AJA O MAIS RÁPIDO POSSÍVEL ATÉ: 26 de agosto de 2019", dt.date(2019, 8, 26)),
    ("Verificate con la vostra Sezione se inviate gli appelli dopo il 30 luglio 2009.", dt.date(2009, 7, 30)),
])
def test_deadline_phrases_old_and_new(line, expected):
    parsed = parse_ua(f"URGENT ACTION\nAna Pérez\n{line}\n")
    assert parsed.deadline == expected


def test_a_deadline_may_be_absent():
    parsed = parse_ua("URGENT ACTION\nJOURNALIST HELD\nJournalist Ana Pérez was arrested on 2 May 2021.\n")
    assert parsed.kind == "initial" and parsed.deadline is None


def test_issue_date_wrapped_and_on_the_number_line():
    wrapped = parse_ua("AÇÃO URGENTE\nInformação adicional sobre a AU 88/24 – Angola – Data: 21 de\n"
                       "novembro de 2024\nO jornalista Manuel Kiala foi libertado.\n")
    assert wrapped.issued == dt.date(2024, 11, 21)
    # A date in brackets dates the UA referred to, not this one.
    update = parse_ua("PUBLIC AI Index: MDE 11/022/2007\n3 May 2007\n\n"
                      "Further information on UA 88/07 (MDE 11/014/2007, 15 March 2007) - Fear of torture\n")
    assert update.issued == dt.date(2007, 5, 3) and update.kind == "update"


# The misreads of the issue.

def test_wrapped_model_letter_heading_is_no_target_name():
    parsed = parse_ua("URGENT ACTION\nJOURNALIST DETAINED\nJournalist Ana Pérez was detained on 2 May 2021.\n"
                      "TAKE ACTION: WRITE AN APPEAL IN YOUR OWN WORDS OR\nUSING THIS MODEL LETTER\n"
                      "President\nAbdel Fattah al-Sisi\nOffice of the President, Cairo, Egypt\n"
                      "Email: p@pres.example.eg\nDear President,\n")
    assert [t.name for t in parsed.targets] == ["Abdel Fattah al-Sisi"]
    assert parsed.targets[0].email == "p@pres.example.eg"


@pytest.mark.parametrize("handle_line", ["X: @EgyptJustice", "Twitter: EgyptJustice",
                                         "twitter.com/EgyptJustice", "https://x.com/EgyptJustice"])
def test_target_handle_under_another_label_or_as_a_link(handle_line):
    parsed = parse_ua("URGENT ACTION\nAna Pérez was detained.\nTAKE ACTION: WRITE AN APPEAL\n"
                      "Minister of Justice\nOmar Marwan\nMinistry of Justice, Cairo, Egypt\n"
                      f"Email: m@just.example.eg\nDear Minister,\n{handle_line}\n")
    assert len(parsed.targets) == 1
    assert parsed.targets[0].handle == "@EgyptJustice"


def test_news_without_a_ua_heading_names_its_people():
    parsed = parse_ua("Egypt: Journalist Ana Pérez released after two years\n"
                      "Egyptian journalist Ana Pérez was released on 3 May 2023 after two years in detention. "
                      "Ana Pérez thanked everyone who wrote letters.\n"
                      "Ana Pérez had been held since May 2021 on charges of spreading false news.\n")
    assert parsed.kind == "news"
    assert parsed.person == "Ana Pérez" and parsed.persons == ["Ana Pérez"]
    assert parsed.role == "journalist"


@pytest.mark.parametrize("lines, printed", [
    ("UA number | 46/19 | Index | EUR 57/0123/2019", "UA number | 46/19"),
    ("UA number\n46/19", "46/19"),
    ("AMNESTY INTERNATIONAL URGENT ACTION · UA 46/19 · Page 1", "UA 46/19"),
])
def test_ua_number_in_tables_headers_and_footers(lines, printed):
    parsed = parse_ua(f"URGENT ACTION\nJournalist Ana Pérez was arrested.\n{lines}\n")
    assert parsed.ua_number == "46/19"
    assert parsed.ua_number_printed == printed


def test_heading_words_are_never_names():
    parsed = parse_ua("EILAKTION\nStudentin Shirin Alavi in Haft\n"
                      "Die Studentin Shirin Alavi wurde am 2. März 2022 festgenommen. Schreiben Sie bitte. "
                      "Fordern Sie die Freilassung von Shirin Alavi. Shirin Alavi ist in Haft.\n")
    assert parsed.person == "Shirin Alavi"
    assert not any("Sie" in p or "Studentin" in p for p in parsed.persons)
    assert parsed.role == "student"


# Subjects that are not one person.

def test_a_group_in_the_headline_is_the_subject():
    parsed = parse_ua("URGENT ACTION\nTWELVE PROTESTERS DETAINED\n"
                      "Twelve protesters were arrested in Minsk on 2 May 2021 after a peaceful march.\n")
    assert (parsed.subject_kind, parsed.subject_name, parsed.role) == ("group", "twelve protesters", "protester")
    assert parsed.sources["subject_name"].text == "TWELVE PROTESTERS DETAINED"
    assert not any("no person found" in w for w in parsed.warnings)


def test_a_group_opening_the_story_keeps_what_its_noun_needs():
    parsed = parse_ua("URGENT ACTION\nLAND DEFENDERS FACE EVICTION\n"
                      "Five members of the Garifuna community of Punta Piedra, who lead its defence of land, "
                      "have received death threats since a court ordered the eviction. They are Nelly Castillo "
                      "and Marcos Bernárdez.\n")
    assert parsed.subject_kind == "group"
    assert parsed.subject_name == "five members of the Garifuna community"


@pytest.mark.parametrize("text, name", [
    ("URGENT ACTION\nRIGHTS GROUP ORDERED TO SHUT DOWN\nThe authorities have ordered the Coast Centre for "
     "Rights Education (CCRE), a human rights organisation in Mombasa, to close within 14 days.\n",
     "Coast Centre for Rights Education"),
    ("URGENT ACTION\nMenschenrechtsorganisation als extremistisch eingestuft\nDas Innenministerium hat am "
     "8. Mai 2025 die Menschenrechtsorganisation Rechtshilfezentrum \"Prawo\" als extremistisch eingestuft.\n",
     "Rechtshilfezentrum \"Prawo\""),
    ("AZIONE URGENTE\nONG PER I DIRITTI UMANI SCIOLTA\nLa Corte ha ordinato lo scioglimento dell'associazione "
     "per i diritti umani \"Centro Dialogo\", che dal 1998 monitora i processi.\n", "Centro Dialogo"),
])
def test_an_organisation_is_the_subject(text, name):
    parsed = parse_ua(text)
    assert parsed.subject_kind == "organisation"
    assert parsed.subject_name == name
    assert parsed.role is None and "subject_name" in parsed.sources


def test_seed_subject_is_the_person_with_the_role_printed_by_the_name(initial):
    assert (initial.subject_kind, initial.subject_name) == ("person", "Serikzhan Bilash")
    assert initial.role == "human rights defender"
    assert "Human rights defender Serikzhan Bilash" in initial.sources["role"].text


@pytest.mark.parametrize("line, country", [
    ("País: Moçambique", "Mozambique"), ("Paese: Bielorussia", "Belarus"),
    ("UA: 301/13 Индекс: EUR 46/040/2013 Россия Дата: 12 ноября 2013 г.", "Russia"),
])
def test_countries_named_in_the_documents_language(line, country):
    assert parse_ua(f"URGENT ACTION\n{line}\nAna Pérez was arrested.\n").country == country


# Bounded time: no pattern backtracks on long lines.

@pytest.mark.parametrize("line", [
    "a" * 100_000, "1." * 50_000, "-" * 100_000, "http://" + "a" * 100_000, "Ana Pérez " * 10_000,
    '"A' * 50_000, "l'" * 50_000, "(a) " * 25_000, "1" * 100_000, "a.b" * 33_000 + "@",
])
def test_a_100000_character_line_parses_quickly(line):
    import time

    parse_ua("URGENT ACTION\nbefore 21 May 2019\n")  # compile the patterns once
    start = time.perf_counter()
    parse_ua(line)
    assert time.perf_counter() - start < 5.0  # measured: under 0.1 s each


def test_five_megabytes_on_one_line_parse_in_bounded_time():
    import time

    words = ["Urgent", "Action", "Ana", "Pérez", "appeal", "before", "21", "May", "2019", "take", "action:",
             "NO", "FURTHER", "ACTION", "@name", "#tag", "e-mail:", "a@b.kz", "further", "information", "on",
             "UA", "12/19", "Twelve", "protesters", "1.2.3", "------", "x.com/abc"]
    text = " ".join(words[i % len(words)] for i in range(700_000))[:5_000_000]
    parse_ua("URGENT ACTION\nbefore 21 May 2019\n")
    start = time.perf_counter()
    parse_ua(text)
    assert time.perf_counter() - start < 5.0  # measured: about 0.5 s


def test_a_groups_members_named_in_its_lead_paragraph_are_its_persons():
    parsed = parse_ua("ACCIÓN URGENTE\nSEIS ESTUDIANTES SIGUEN PRESOS\n"
                      "Seis estudiantes universitarios detenidos en Managua por participar en las protestas,\n"
                      "entre ellos Valeria Solís, Kevin Ortega y Marlon Fajardo, siguen en la cárcel.\n")
    assert (parsed.subject_kind, parsed.subject_name, parsed.role) == ("group", "seis estudiantes", "student")
    assert parsed.persons == ["Valeria Solís", "Kevin Ortega", "Marlon Fajardo"]
    assert parsed.person == "Valeria Solís"


@pytest.mark.parametrize("text, role", [
    ("URGENT ACTION\nRAPPER HELD FOR A SONG\nThe rapper Tomas Ilves was arrested on 2 May 2021.\n", "rapper"),
    ("ACCIÓN URGENTE\nMÚSICO DETENIDO\nEl artista y rapero Tomás Ilves fue detenido el 2 de mayo.\n", "rapper"),
    ("ACTION URGENTE\nUne youtubeuse condamnée\nLa youtubeuse Léa Marchal a été condamnée le 2 mai.\n", "youtuber"),
    ("URGENT ACTION\nMONK DETAINED\nTenzin Norbu, a monk at a monastery, was detained on 2 May.\n", "monk"),
    ("AZIONE URGENTE\nATTIVISTA A RISCHIO\nL'attivista per i diritti delle donne Lina Russo è stata arrestata.\n",
     "women's rights activist"),
    ("AÇÃO URGENTE\nLÍDER AMEAÇADA\nA líder quilombola Ana Souza Lima recebeu ameaças em 2 de maio.\n",
     "quilombola leader"),
    # Russian roles are inflected: a stem in the table matches every case and gender.
    ("СРОЧНАЯ АКЦИЯ\nСТУДЕНТКЕ ГРОЗИТ СРОК\nСтудентка Минского университета Анна Орлова задержана 2 мая.\n", "student"),
    ("СРОЧНАЯ АКЦИЯ\nЖУРНАЛИСТКЕ ПРОДЛИЛИ СРОК\nЖурналистке Анне Орловой продлили срок.\n", "journalist"),
])
def test_roles_in_every_form_the_languages_print(text, role):
    assert parse_ua(text).role == role


def test_a_name_after_the_preposition_a_is_still_a_person():
    # 'a' is a preposition in es/pt/it, not the English article that marks a group's name.
    parsed = parse_ua("ACCIÓN URGENTE\nPERIODISTA AMENAZADA\nLa periodista Lucía Ferrer Ortiz recibió amenazas. "
                      "Pidan protección a Lucía Ferrer Ortiz.\nEscriban a Lucía Ferrer Ortiz y al Gobernador "
                      "del Estado de Tamaulipas.\nGobernador del Estado de Tamaulipas\n")
    assert parsed.person == "Lucía Ferrer Ortiz"
    assert parsed.persons == ["Lucía Ferrer Ortiz"]


@pytest.mark.parametrize("text, person", [
    # A place named by the noun before or after it is not a person.
    ("URGENT ACTION\nFARMERS HELD\nFarmers from Tanjung Batu village were held. Activist Rina Sari Dewi "
     "spoke for Tanjung Batu village.\nThe villagers of Tanjung Batu say Rina Sari Dewi is at risk.\n", "Rina Sari Dewi"),
    ("URGENT ACTION\nMONK HELD\nTenzin Norbu, a monk, was held. Write to the Governor of Qinghai Provincial "
     "People's Government.\nXining 810000, Qinghai Sheng\n", "Tenzin Norbu"),
    ("AÇÃO URGENTE\nFAMÍLIAS AMEAÇADAS\nA ativista Joana Pires Melo vive no acampamento Boa Vista. "
     "As famílias do acampamento Boa Vista foram ameaçadas.\nGovernadora do Estado do Amapá\n", "Joana Pires Melo"),
    # German sentence openers and heading nouns are capitalised, never names.
    ("EILAKTION\nWillkürliche Festnahme / Gefahr von Folter\nDer Student Li Wenhao wurde festgenommen. "
     "\"Doch Li Wenhao hätte nie angeklagt werden dürfen\", sagte sie.\n", "Li Wenhao"),
    ("AZIONE URGENTE\nBLOGGER IN CARCERE\nIl blogger Karim al-Sayed è in carcere.\nRe del Bahrein\n",
     "Karim al-Sayed"),
])
def test_places_offices_and_openers_are_not_people(text, person):
    parsed = parse_ua(text)
    assert parsed.person == person
    assert parsed.persons == [person]


def test_a_particle_inside_a_name_is_kept():
    # 'das' is also a German article (a label word), but inside a name it is a particle.
    parsed = parse_ua("AÇÃO URGENTE\nLÍDER AMEAÇADA\nA líder quilombola Joana das Neves Lima foi ameaçada. "
                      "Joana das Neves Lima pede proteção.\n")
    assert parsed.person == "Joana das Neves Lima"
    assert parsed.role == "quilombola leader"


@pytest.mark.parametrize("text, person", [
    ("AÇÃO URGENTE\nLÍDER ABSOLVIDA\nA líder Joana das Neves Lima foi absolvida. Joana das Neves Lima agradeceu.\n"
     "\"A absolvição de Joana das Neves é uma vitória\", disse a diretora.\n", "Joana das Neves Lima"),
    # Russian names are inflected: the genitive in a headline is the same person.
    ("Новости\nОсвобождение блогера Тимура Ахметова\nБлогер Тимур Ахметов освобождён. "
     "Мы рады, что Тимур Ахметов на свободе.\n", "Тимур Ахметов"),
])
def test_a_shorter_or_inflected_mention_is_the_same_person(text, person):
    parsed = parse_ua(text)
    assert parsed.person == person
    assert parsed.persons == [person]


@pytest.mark.parametrize("salutation_line, salutation", [
    ("(Anrede: Dear Minister / Sehr geehrter Herr Minister)", "Dear Minister / Sehr geehrter Herr Minister"),
    ("Formula di cortesia: Egregio Ministro", "Egregio Ministro"),
    ("Tratamento: Excelentíssimo Senhor Ministro", "Excelentíssimo Senhor Ministro"),
    ("Обращение: Уважаемый министр", "Уважаемый министр"),
])
def test_a_labelled_salutation_in_any_language_belongs_to_its_target(salutation_line, salutation):
    parsed = parse_ua("URGENT ACTION\nJournalist Ana Pérez was arrested on 2 May 2021.\nTAKE ACTION:\n"
                      "Minister of Justice\nPedro Alves Costa\nRua Direita 12, Lisboa\n"
                      f"Email: minister@justice.example.org\n{salutation_line}\n\nBACKGROUND\n")
    assert len(parsed.targets) == 1
    assert parsed.targets[0].salutation == salutation


def test_a_fax_with_its_country_code_in_parentheses():
    parsed = parse_ua("URGENT ACTION\nJournalist Ana Pérez was arrested on 2 May 2021.\nTAKE ACTION:\n"
                      "Minister of Justice\nPedro Alves Costa\nFax: (00 86) 10 6524 1596\n"
                      "Email: minister@justice.example.org\n\nBACKGROUND\n")
    assert parsed.targets[0].fax == "+86 10 6524 1596"


@pytest.mark.parametrize("title_lines, title", [
    ("Procurador-Geral da República", "Procurador-Geral da República"),
    ("Генеральный прокурор Республики Беларусь", "Генеральный прокурор Республики Беларусь"),
    ("MINISTER FÜR JUSTIZ", "MINISTER FÜR JUSTIZ"),
    ("Procurador-Geral\nda República", "Procurador-Geral da República"),
])
def test_a_title_naming_its_state_is_not_the_targets_name(title_lines, title):
    parsed = parse_ua("URGENT ACTION\nJournalist Ana Pérez was arrested on 2 May 2021.\nTAKE ACTION:\n"
                      f"{title_lines}\nPedro Alves Costa\nRua Direita 12, Lisboa\n"
                      "Email: pgr@justice.example.org\n\nBACKGROUND\n")
    assert parsed.targets[0].name == "Pedro Alves Costa"
    assert parsed.targets[0].title == title


def test_a_groups_members_leave_out_an_institution_named_with_them():
    parsed = parse_ua("URGENT ACTION\nTHREE DOCTORS ON TRIAL\nThree doctors, Omar Farouk, Lina Haddad and Samir Aziz, "
                      "appeared before the Dokki Misdemeanour Court on 3 May 2021.\n")
    assert parsed.subject_kind == "group"
    assert parsed.persons == ["Omar Farouk", "Lina Haddad", "Samir Aziz"]


def test_an_organisation_in_the_headline_is_the_subject_though_a_group_is_named():
    parsed = parse_ua("AMNESTY INTERNATIONAL ITALIA\n\nAZIONE URGENTE: Ulteriori informazioni sull'AU 12/22\n"
                      "Paese: Bielorussia\nONG PER I DIRITTI UMANI SCIOLTA\n"
                      "Il 3 maggio 2022 il tribunale ha sciolto l'associazione per i diritti umani \"Centro Libertà\". "
                      "Tre membri del suo staff sono detenuti.\n")
    assert parsed.title == "ONG PER I DIRITTI UMANI SCIOLTA"
    assert (parsed.subject_kind, parsed.subject_name) == ("organisation", "Centro Libertà")
    assert parsed.person is None and parsed.persons == []


@pytest.mark.parametrize("heading", ["Sende eine Kopie an", "Com cópia para:", "Send a copy to:"])
def test_a_copy_heading_in_its_own_words_opens_the_additional_targets(heading):
    parsed = parse_ua("URGENT ACTION\nJournalist Ana Pérez was arrested on 2 May 2021.\nTAKE ACTION:\n"
                      "Minister of Justice\nPedro Alves Costa\nEmail: minister@justice.example.org\n\n"
                      f"{heading}\nBOTSCHAFT DER REPUBLIK NORDLAND\nAm Lindenpark 17\n10115 Berlin\n"
                      "E-Mail: embassy@mfa.example.org\n\nBACKGROUND\n")
    assert [t.additional for t in parsed.targets] == [False, True]
    embassy = parsed.targets[1]
    assert embassy.name is None  # 'Am Lindenpark 17' is the street
    assert embassy.address.startswith("Am Lindenpark 17")
    assert heading.rstrip(":") not in (embassy.address or "")


def test_a_forms_empty_row_and_the_senders_own_address_are_not_targets():
    parsed = parse_ua("URGENT ACTION\nJournalist Ana Pérez was arrested on 2 May 2021.\nTAKE ACTION:\n"
                      "Minister of Justice\nPedro Alves Costa\nEmail: minister@justice.example.org\n"
                      "Also send copies to diplomatic representatives accredited to your country.\n"
                      "Name Address 1 Address 2 Address 3 Fax Fax number Email Email address Salutation Salutation\n"
                      "\nAmnesty International, Sektion der Bundesrepublik Deutschland e.V.\n\nBACKGROUND\n")
    assert [t.name for t in parsed.targets] == ["Pedro Alves Costa"]


def test_a_name_word_opening_with_an_apostrophe_stays_in_the_name():
    parsed = parse_ua("URGENT ACTION\nJournalist Ana Pérez was arrested on 2 May 2021.\nTAKE ACTION:\n"
                      "King of Bahrain\nShaikh Hamad bin 'Issa Al Khalifa\nEmail: king@court.example.bh\n\nBACKGROUND\n")
    assert parsed.targets[0].name == "Shaikh Hamad bin 'Issa Al Khalifa"


def test_a_quoted_word_after_an_organisation_noun_is_not_its_name():
    parsed = parse_ua("EILAKTION\nMenschenrechtsorganisation als \"verboten\" eingestuft\n"
                      "Das Ministerium hat am 8. Mai 2025 die Menschenrechtsorganisation Zentrum \"Freiraum\" "
                      "als \"extremistische Vereinigung\" eingestuft.\n")
    assert parsed.subject_kind == "organisation"
    assert parsed.subject_name != "verboten"


def test_a_groups_members_are_read_from_the_story_not_the_metadata_line():
    parsed = parse_ua("Quatre militants condamnés\n\nACTION URGENTE – AU 42/22 – Index : AFR 16/5541/2022 – Date : 5 mai 2022\n\n"
                      "Quatre militants de l'association Tujenge, Paul Irambona, Marie Ndikumana, Éric Bizimana et "
                      "Anne Kaneza, ont été condamnés le 26 avril 2022 à cinq ans de prison.\n")
    assert parsed.subject_kind == "group"
    assert parsed.persons == ["Paul Irambona", "Marie Ndikumana", "Éric Bizimana", "Anne Kaneza"]


def test_the_labelled_index_wins_over_the_updated_uas_index_named_first():
    parsed = parse_ua("ACTION URGENTE\nAction complémentaire sur l'AU 12/21, AMR 41/0100/2021, 8 avril 2021\n"
                      "Le journaliste Marc Dupuis a été libéré.\nIndex AI : AMR 41/0200/2021\n")
    assert parsed.index_number == "AMR 41/0200/2021"


@pytest.mark.parametrize("line, languages", [
    ("Bitte schreiben Sie bis zum 2. Mai 2016 in gutem Usbekisch, Englisch oder auf Deutsch.",
     ["Uzbek", "English", "German"]),
    ("Envíen llamamientos en georgiano, inglés o en su propio idioma.", ["Georgian", "English"]),
])
def test_any_iso_language_named_in_the_appeal_in_the_uas_language(line, languages):
    parsed = parse_ua(f"ACCIÓN URGENTE\nLa periodista Ana Pérez fue detenida.\n{line}\n")
    assert parsed.languages == languages
