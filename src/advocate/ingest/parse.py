"""Text of an Urgent Action (or news about one) -> ParsedDocument.

Each field is looked for by its own small finder; this module only runs
them in order, records where each value came from, and warns about what
is missing or odd.
"""

from __future__ import annotations

from advocate.ingest import dates, fields, kinds, names, numbers, places, social, subject
from advocate.ingest.clean import clean_lines
from advocate.ingest.found import Found
from advocate.ingest.language import detect_language
from advocate.ingest.model import FieldSource, ParsedDocument
from advocate.ingest.targets import find_targets

# Each line is read up to this many characters: the reader splits lines
# at 3,000 (limits.MAX_LINE_CHARS), so only text handed in directly is cut,
# and the work stays bounded however long one line is.
SCAN_CHARS = 20_000


def parse_ua(text: str) -> ParsedDocument:
    """Read every field we can from a document's text; never raises on content."""
    lines = [line[:SCAN_CHARS] for line in clean_lines(text)]
    doc = ParsedDocument(language=detect_language(lines))
    _record(doc, lines, "language", Found(doc.language, 0, 0.7))
    _read_numbers(doc, lines)
    _read_dates(doc, lines)
    _read_targets(doc, lines)
    _read_people(doc, lines)
    _read_social(doc, lines)
    _read_kind(doc, lines)
    _read_subject(doc, lines)
    _read_place(doc, lines)
    doc.warnings += _warnings(doc, lines)
    return doc


def _record(doc: ParsedDocument, lines: list[str], name: str, found: Found | None) -> None:
    """Set a field and note its source line, when it was found."""
    if found is None or found.value in (None, "", []):
        return
    setattr(doc, name, found.value)
    line = lines[found.index] if found.index < len(lines) else ""
    doc.sources[name] = FieldSource(found.index + 1, line, found.confidence)


def _read_numbers(doc: ParsedDocument, lines: list[str]) -> None:
    hits = numbers.find_ua_numbers(lines)
    if hits:
        found, printed, _ = hits[0]
        _record(doc, lines, "ua_number", found)
        _record(doc, lines, "ua_number_printed", Found(printed, found.index, found.confidence))
    refs = [found for found, _, follow_up in hits if follow_up]
    doc.references = list(dict.fromkeys(f.value for f in refs))
    if refs:
        doc.sources["references"] = FieldSource(refs[0].index + 1, lines[refs[0].index], 1.0)
    _record(doc, lines, "index_number", numbers.find_index_number(lines))


def _read_dates(doc: ParsedDocument, lines: list[str]) -> None:
    _record(doc, lines, "issued", dates.find_issued(lines, doc.language))
    _record(doc, lines, "deadline", dates.find_deadline(lines, doc.language))


def _read_targets(doc: ParsedDocument, lines: list[str]) -> None:
    targets, first = find_targets(lines)
    if targets:
        _record(doc, lines, "targets", Found(targets, first or 0, 0.8))


def _read_people(doc: ParsedDocument, lines: list[str]) -> None:
    labelled = names.find_labelled_people(lines)
    if labelled:
        people, pronouns = labelled
        _record(doc, lines, "persons", people)
        _record(doc, lines, "person", Found(people.value[0], people.index, 1.0))
        _record(doc, lines, "pronouns", pronouns)
        return
    officials = {t.name.lower() for t in doc.targets if t.name}
    ranked = names.infer_people(lines, officials)
    if ranked and ranked[0].confidence >= 0.5:
        _record(doc, lines, "person", ranked[0])
        about = [f.value for f in ranked if f.confidence >= max(0.5, ranked[0].confidence - 0.2)]
        _record(doc, lines, "persons", Found(about[:5], ranked[0].index, ranked[0].confidence))
        if len(about) == 1 and doc.language == "en":
            _record(doc, lines, "pronouns", names.infer_pronouns(lines))


def _read_subject(doc: ParsedDocument, lines: list[str]) -> None:
    """Who posts name. A group the headline or the story's first words name
    ('TWELVE PROTESTERS DETAINED', 'Five members of ...'); an organisation
    when the headline is about one and no person is labelled; else the
    person; else whatever group or organisation the text names."""
    title = doc.sources.get("title")
    headline = Found(doc.title, title.line - 1, title.confidence) if title else None
    person = doc.sources.get("person")
    labelled = person is not None and person.confidence >= 1.0
    group = subject.find_group(lines, headline)
    leading = group is not None and ((headline is not None and group.index == headline.index)
                                     or subject.leads_with_group(lines, group))
    organisation = None if labelled else subject.find_organisation(lines)
    about_organisation = organisation is not None and subject.headline_names_organisation(headline, lines)
    if organisation and not about_organisation and doc.person:
        organisation = None
    if doc.person and person and subject.looks_like_organisation(doc.person):
        _set_subject(doc, lines, "organisation", Found(doc.person, person.line - 1, person.confidence))
    elif group and (leading or not (doc.person or about_organisation)):
        _set_subject(doc, lines, "group", group)
    elif organisation:
        _set_subject(doc, lines, "organisation", organisation)
        _drop_person_inside(doc, organisation.value)
        if person is not None and person.confidence < 0.7:
            _drop_person(doc)  # a name guessed from the text, when the case is about an organisation
    elif doc.person and person:
        _set_subject(doc, lines, "person", Found(doc.person, person.line - 1, person.confidence))
    source = doc.sources.get("subject_name")
    if doc.subject_kind == "group" and source and not doc.persons:
        _read_members(doc, lines, source.line - 1)
    if doc.subject_kind == "group" and source:
        role = subject.role_in(doc.subject_name or "")
        _record(doc, lines, "role", Found(role, source.line - 1, 0.7) if role else None)
    if doc.subject_kind != "organisation" and doc.role is None:
        _record(doc, lines, "role", subject.find_role(lines, doc.person, headline))


def _read_members(doc: ParsedDocument, lines: list[str], index: int) -> None:
    """A group's members named in the paragraph that introduces it."""
    officials = {t.name.lower() for t in doc.targets if t.name}
    lead = next((i for i, line in enumerate(lines) if subject.is_prose(line)), index)
    text = " ".join(_paragraph(lines, i) for i in dict.fromkeys((index, lead)))
    members = names.names_in(text[:5000], officials)
    if len(members) >= 2:
        _record(doc, lines, "persons", Found(members[:12], index, 0.7))
        _record(doc, lines, "person", Found(members[0], index, 0.7))


def _paragraph(lines: list[str], i: int, more: int = 3) -> str:
    """A line and the lines that continue its paragraph (a PDF wraps them)."""
    parts = [lines[i]]
    for line in lines[i + 1: i + 1 + more]:
        if not line:
            break
        parts.append(line)
    return " ".join(parts)


def _drop_person_inside(doc: ParsedDocument, organisation: str) -> None:
    """A 'person' read from the organisation's own name ('Tzuul Taq'a') is none."""
    folded = organisation.casefold()
    doc.persons = [p for p in doc.persons if p.casefold() not in folded]
    if doc.person and doc.person.casefold() in folded:
        doc.person = doc.persons[0] if doc.persons else None
        if doc.person is None:
            _drop_person(doc)


def _drop_person(doc: ParsedDocument) -> None:
    doc.person, doc.persons, doc.pronouns = None, [], None
    for name in ("person", "persons", "pronouns"):
        doc.sources.pop(name, None)


def _set_subject(doc: ParsedDocument, lines: list[str], kind: str, found: Found) -> None:
    _record(doc, lines, "subject_name", found)
    _record(doc, lines, "subject_kind", Found(kind, found.index, found.confidence))


def _read_social(doc: ParsedDocument, lines: list[str]) -> None:
    _record(doc, lines, "hashtags", social.find_hashtags(lines))
    _record(doc, lines, "handles", social.find_handles(lines))
    _record(doc, lines, "suggested_message", social.find_message(lines))
    _record(doc, lines, "languages", fields.find_languages(lines))
    _record(doc, lines, "url", fields.find_own_url(lines, doc.index_number))


def _read_kind(doc: ParsedDocument, lines: list[str]) -> None:
    closure = kinds.find_closure(lines)
    kind = kinds.decide_kind(lines, closure, doc.deadline is not None, doc.person is not None)
    _record(doc, lines, "kind", Found(kind, closure.index if closure else 0, 0.9))
    if kind == "final":
        _record(doc, lines, "closure_line", closure)
    elif closure:
        doc.warnings.append(f"line {closure.index + 1} says '{closure.value}' but action "
                            "continues for others; read as an update, the case stays open")
    _record(doc, lines, "title", fields.find_headline(lines))


def _read_place(doc: ParsedDocument, lines: list[str]) -> None:
    title = doc.sources.get("title")
    headline = Found(doc.title, title.line - 1, title.confidence) if title else None
    _record(doc, lines, "country", places.find_country(lines, headline, doc.targets))


def _warnings(doc: ParsedDocument, lines: list[str]) -> list[str]:
    warnings = []
    if doc.kind == "initial" and doc.deadline is None:
        warnings.append("no deadline found; set one with the case's deadline option")
    if doc.kind == "initial" and not doc.targets:
        warnings.append("no targets found (no 'TAKE ACTION' or 'SEND APPEALS TO' block)")
    if doc.kind in ("initial", "update", "final", "news") and doc.subject_name is None:
        warnings.append("no person found; the case will need a name")
    if doc.ua_number:
        issued_year = doc.issued.year if doc.issued else None
        printed = doc.ua_number_printed or doc.ua_number
        typo = numbers.year_typo_warning(doc.ua_number, printed, lines, issued_year)
        if typo:
            warnings.append(typo)
    if doc.deadline and doc.issued and doc.deadline < doc.issued:
        warnings.append(f"deadline {doc.deadline} is before the issue date {doc.issued}")
    return warnings
