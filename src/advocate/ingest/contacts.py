"""Contact details inside a line: email, fax, X handles, salutation."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
HANDLE = re.compile(r"(?<![\w@./])@(\w{1,15})\b(?![@.]\w)")
URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_FAX = re.compile(r"(?i)\b(?:fax|t[ée]l[ée]copie|telefax)\s*(?:no\.?|number|n[uú]mero|nr\.?)?\s*:?\s*"
                  r"(\+?\d[\d\s().\-/]{5,}\d)")
_PHONE = re.compile(r"(?i)\b(?:phone|tel|t[ée]l[ée]?phone|tel[ée]fono|telefon)\s*\.?\s*:?\s*"
                    r"\+?\d[\d\s().\-/]{5,}\d")
_LABEL = re.compile(r"(?i)\b(?:e-?mail|correo(?:-e|\s+electr[oó]nico)?|courriel|twitter(?:\s*/\s*x)?"
                    r"|x(?:\s*/\s*twitter)?|instagram|facebook|web(?:site)?|sitio\s+web|site)\s*:")
# A profile link ("twitter.com/GenProkRK", "https://x.com/GenProkRK") names a handle.
PROFILE = re.compile(r"(?i)(?<![\w.])(?:https?://)?(?:www\.|mobile\.)?(?:twitter|x)\.com/"
                     r"(?!intent\b|share\b|hashtag\b|search\b|home\b|i/)(\w{1,15})\b")
_SALUTATION_LABEL = re.compile(
    r"(?i)^(?:salutation|saludo|tratamiento|formule\s+d['’]appel|anrede)\s*:\s*(.+)$")
# '(Anrede: Dear Minister / Sehr geehrter Herr Minister)': a salutation in parentheses.
_PARENTHESES = re.compile(r"^\((.*)\)$")
# '(00 86) 10 6524 1596', '(+994) 12 ...': a country code in parentheses.
_COUNTRY_CODE = re.compile(r"^\(\s*(?:00|\+)\s*(\d{1,4})\s*\)\s*")
_SALUTATION_WORDS = re.compile(
    r"^(?:Dear|Estimad[oa]s?|Señor[a]?\b|Señorías|Excelent[ií]sim[oa]|Monsieur|Madame"
    r"|Sehr\s+geehrte[rn]?|Exzellenz)\b")


@dataclass
class Contacts:
    emails: list[str] = field(default_factory=list)
    faxes: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    salutation: str | None = None
    rest: str = ""  # the line without any of the above

    @property
    def any(self) -> bool:
        return bool(self.emails or self.faxes or self.handles)


def read_contacts(line: str) -> Contacts:
    """Split a line into its contact details and the remaining text."""
    salutation = _salutation(line)
    if salutation:
        return Contacts(salutation=salutation)
    fax = _fax()
    found = Contacts(faxes=[_number(m.group(1)) for m in fax.finditer(line)])
    line = _PHONE.sub(" ", fax.sub(" ", line))
    found.emails = EMAIL.findall(line)
    line = EMAIL.sub(" ", line)
    profiles = ["@" + h for h in PROFILE.findall(line)]
    line = URL.sub(" ", PROFILE.sub(" ", line))
    found.handles = ["@" + h for h in HANDLE.findall(line)]
    line = HANDLE.sub(" ", line)
    found.handles += [h for h in _bare_handles(line) + profiles if h not in found.handles]
    line = _BARE_HANDLE.sub(" ", line)
    line = _LABEL.sub(" ", line)
    found.rest = " ".join(line.split()).strip(" ,;|")
    return found


# "Twitter: GenProkRK" / "X: GenProkRK": a handle printed without its @.
_BARE_HANDLE = re.compile(r"(?i)(?<!\w)(?:twitter(?:\s*/\s*x)?|x(?:\s*/\s*twitter)?|твиттер)\s*:\s*(\w{1,15})(?![\w@.])")


def _bare_handles(line: str) -> list[str]:
    return ["@" + h for h in _BARE_HANDLE.findall(line) if not h.isdigit()]


def _number(printed: str) -> str:
    """A fax as printed, its country code written the usual way: '(00 86) 10 ...' -> '+86 10 ...'."""
    return _COUNTRY_CODE.sub(lambda m: f"+{m.group(1)} ", printed.strip())


def _salutation(line: str) -> str | None:
    stripped = line.strip()
    bare = _PARENTHESES.match(stripped)
    stripped = bare.group(1).strip() if bare and len(stripped) < 200 else stripped
    labelled = _SALUTATION_LABEL.match(stripped) or _salutation_label().match(stripped)
    if labelled:
        return labelled.group(1).strip().rstrip(" .,;")
    text = line.strip()
    greets = len(text) < 80 and bool(_SALUTATION_WORDS.match(text) or _salutation_words().match(text))
    # 'Monsieur le Ministre,' greets; 'Monsieur Honorius Kisimba Ngoy' names a target.
    if greets and (text.startswith(("Dear", "Sehr geehrte")) or text.endswith((",", ":", ".", "!"))):
        return text.rstrip(" .,;:")
    return None


@functools.cache
def _fax() -> re.Pattern:
    """'Fax: +7 495 ...', 'Télécopieur : ...', 'Факс: ...' (labels' `fax`)."""
    from advocate.ingest import labels

    return re.compile(rf"(?i)(?<!\w)(?:fax|t[ée]l[ée]copie|telefax|{labels.alternation('fax')})"
                      r"\s*(?:no\.?|number|n[uú]mero|nr\.?)?\s*:?\s*(\(?\+?\d[\d\s().\-/]{5,}\d)")


@functools.cache
def _salutation_label() -> re.Pattern:
    """'Tratamento: ...', 'Formula di cortesia: ...', 'Обращение: ...' (labels' `salutation`)."""
    from advocate.ingest import labels

    return labels.label("salutation")


@functools.cache
def _salutation_words() -> re.Pattern:
    from advocate.ingest import labels

    return re.compile(rf"^{labels.alternation('salutation_words')}(?!\w)")
