"""One target's lines -> name, title and address.

Lines come as printed ("Prosecutor General" / "Nurdauletov Gizat
Daurenbekovich Prospect Mengilik, 14 Nur-Sultan 010000 Kazakhstan") or run
together with commas ("HIS EXCELLENCY MR ERLAN IDRISSOV, Embassy of the
Republic of Kazakhstan, 125 Pall Mall SW1Y 5EA"). Each piece is a title,
a name or part of the address.
"""

from __future__ import annotations

import functools
import re

from advocate.ingest import labels
from advocate.ingest.blocks import heading_words
from advocate.ingest.model import ParsedTarget

_EXCELLENCY = re.compile(r"(?i)^(?:H\.?\s?E\.?|his|her|son|su|seine|ihre)\s+(?:excellency|excellence"
                         r"|excelencia|exzellenz)\b\.?\s*|^H\.\s?E\.\s*")
_HONORIFIC = re.compile(r"(?i)^(?:mr|mrs|ms|miss|dr|prof|sr|sra|srta|lic|licda|ing|abg|dña|don|m"
                        r"|mme|mlle|me|herrn?|frau|monsieur|madame|señor|señora|senhor|senhora|sig|sig\.ra"
                        r"|s\.\s?e|господин|госпожа|г-н|г-жа)\.?\s+(?=\S)")
_OFFICE = re.compile(
    r"(?i)\b(?:prosecutor|attorney|minister|ministry|president|prime|governor|ambassador|embassy"
    r"|mission|consulate|director|chief|head|secretary|commissioner|judge|mayor|chair|king|emir"
    r"|office|department|council|commission|procurador|fiscal|ministr[oa]|ministerio|presidente"
    r"|gobernador[a]?|governador[a]?|embajador[a]?|embajada|secretari[oa]|procureur|ministre"
    r"|minist[èe]re|pr[ée]sident|gouverneur|ambassade(?:ur)?|directeur|minister(?:in|ium)?"
    r"|pr[äa]sident(?:in)?|generalstaatsanwalt|staatsanwalt|botschaft(?:er|erin)?|leiter(?:in)?)\b")


def _is_office(piece: str) -> bool:
    return bool(_OFFICE.search(piece) or _offices().search(piece))


def _is_office_word(word: str) -> bool:
    return bool(_OFFICE.fullmatch(word) or _offices().fullmatch(word))


@functools.cache
def _offices() -> re.Pattern:
    """Title words of every language (labels' `offices`), whole words."""
    return re.compile(rf"(?<!\w){labels.alternation('offices')}(?!\w)", re.IGNORECASE)


_EMBASSY = re.compile(r"(?i)\b(?:embassy|embajada|ambassade|botschaft|mission)\b")
_PLACE_WORD = re.compile(
    r"(?i)^(?:prospe[ck]t\w*|street|st\.?|avenue|ave\.?|av\.?|road|rd\.?|boulevard|blvd\.?|bd\.?|lane"
    r"|square|place|plaza|calle|avenida|rua|rue|stra(?:ss|ß)e|str\.|platz|palace|palacio|pal[áa]cio"
    r"|palais|esplanada|building|edificio|house|tower|floor|p\.?o\.?|box|apartado|casilla|b\.?p\.?"
    r"|colonia|col\.?|ulitsa|ul\.?|mall|via|viale|piazza|km|carrera|cra\.?|jir[oó]n)$")
_CONNECTORS = {"of", "de", "del", "la", "des", "du", "der", "dos", "da", "to", "for", "and", "y", "et"}


def describe(draft, additional: bool) -> ParsedTarget | None:
    """A ParsedTarget from a Draft, or None when nothing names anyone."""
    titles: list[str] = []
    names: list[str] = []
    address: list[str] = []
    for piece in _pieces(draft.texts):
        if titles and not (names or address) and _continues_title(piece):
            titles[-1] += " " + piece  # 'Procuradora-Geral' / 'da República'
            continue
        _sort_piece(piece, titles, names, address)
    if not (titles or names or draft.has_contact):
        return None
    return ParsedTarget(
        name=names[0] if names else None,
        title=", ".join(dict.fromkeys(titles)) or None,
        email=_first(draft.emails), fax=_first(draft.faxes), handle=_first(draft.handles),
        address=", ".join(address) or None,
        salutation=draft.salutation, additional=additional,
    )


# A title's second line: 'da República', 'FÜR ÖFFENTLICHE SICHERHEIT', 'Республики Беларусь'.
_TITLE_CONTINUES = re.compile(
    r"(?i)^(?:of|for|de|da|do|das|dos|del|della|dello|dei|di|du|des|de\s+la|für|der|des|и)\s"
    r"|^(?:республик\w*|федерац\w*|rep[úu]blic\w*|republi[kq]\w*|repubblica|государств\w*)(?:\s|$)")


def _continues_title(piece: str) -> bool:
    return len(piece) < 80 and not any(c.isdigit() for c in piece) and bool(_TITLE_CONTINUES.match(piece))


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _pieces(texts: list[str]) -> list[str]:
    """Comma-run lines cut at their commas; other lines whole."""
    pieces = []
    for text in texts:
        if text.count(",") >= 2 and len(text) > 50:
            pieces += [p.strip() for p in text.split(",") if p.strip()]
        else:
            pieces.append(text)
    return pieces


def _sort_piece(piece: str, titles: list, names: list, address: list) -> None:
    excellency = _EXCELLENCY.match(piece)
    piece = _EXCELLENCY.sub("", piece)
    piece = _HONORIFIC.sub("", piece).strip(" ,;")
    if excellency:
        titles.append("Ambassador")
    if not piece or re.fullmatch(r"[\d\s()+\-./]+", piece):
        return  # an unlabelled phone number: we cannot tell it is a fax
    if _is_office(piece) and not re.match(r"\d", piece):
        title, name = _split_office(piece)
        if name:
            names.append(name)
        if not (name and titles):  # 'Governadora Ana Moura' under 'Governor of Pará'
            titles.append(title)
        return
    name, rest = _split_name(piece) if not names else (None, piece)
    if name:
        names.append(name)
    if rest:
        address.append(rest)


def _split_office(piece: str) -> tuple[str, str | None]:
    """'Ambassador Majid Takht Ravanchi' -> ('Ambassador', 'Majid Takht Ravanchi')."""
    words = piece.split()
    office = 0
    while office < len(words) and _is_office_word(words[office]):
        office += 1
    rest = words[office:]
    if office and len(rest) >= 2 and _all_name_words(rest) and not _continues_title(" ".join(rest)):
        return " ".join(words[:office]), _display_name(" ".join(rest))
    return piece, None


_HOUSE_NUMBER = re.compile(r"\s\d{1,4}[a-zA-Z]?(?:\s?[-–/]\s?\d{1,4}[a-zA-Z]?)?$")


def _split_name(piece: str) -> tuple[str | None, str]:
    """'Nurdauletov Gizat Daurenbekovich Prospect Mengilik, 14 ...' ->
    ('Nurdauletov Gizat Daurenbekovich', 'Prospect Mengilik, 14 ...')."""
    words = piece.split()
    if _HOUSE_NUMBER.search(piece) and len(words) <= 6:
        return None, piece  # 'Am Treptower Park 32', 'Märkisches Ufer 54': a street
    count = 0
    for word in words[:7]:
        bare = word.rstrip(",")
        if _PLACE_WORD.match(bare) or not _is_name_word(bare):
            break
        count += 1
        if word.endswith(","):
            break
    if count < 2 or (count == len(words) and count > 6):
        return None, piece
    return _display_name(" ".join(words[:count]).rstrip(",")), " ".join(words[count:])


_ARABIC_ARTICLE = re.compile(r"(?:al|el|ad|ar|as|ash|at|az|ul)-[^\W\d_]", re.IGNORECASE)


def _is_name_word(word: str) -> bool:
    """A capitalised word that is not a heading word ('Using', 'Model'), or a particle."""
    if word.lower() in heading_words():
        return False
    word = word.lstrip("'’ʿʻ") or word  # 'Shaikh Hamad bin 'Issa Al Khalifa'
    return (word[:1].isupper() and not any(c.isdigit() for c in word)
            and word.lower() not in _CONNECTORS) or word.lower() in {"de", "da", "dos", "van", "von", "al", "bin"} \
        or bool(_ARABIC_ARTICLE.match(word))


def _all_name_words(words: list[str]) -> bool:
    return all(_is_name_word(w) and not _PLACE_WORD.match(w) for w in words)


def _display_name(name: str) -> str:
    """'ERLAN IDRISSOV' -> 'Erlan Idrissov'; mixed case stays as printed."""
    if name.isupper():
        return " ".join(w.capitalize() if len(w) > 2 or w.isalpha() else w for w in name.split())
    return name
