"""Does a news item say the person was released? Pure: text in, the sentence out.

It only ever raises a flag for a human (`advocate case close` or `advocate
case keep`), so it leans towards saying yes; but it must not fire on the
calls for a release that every Urgent Action and news item carries ("we
demand his immediate release", "he should have been released").
"""

from __future__ import annotations

import re

RELEASED = re.compile(
    r"\b(?:(?:was|were|is|are|has been|have been|had been|being|been|got|get)\s+(?:\w+\s+){0,2}?"
    r"(?:released|freed|set free|acquitted|pardoned)"
    r"|released (?:from|on) (?:custody|detention|prison|jail|bail|house arrest)"
    r"|walk(?:s|ed)? free"
    r"|(?:ha sido|fue|han sido|fueron)\s+(?:liberad[oa]s?|puest[oa]s? en libertad|excarcelad[oa]s?)"
    r"|(?:a|ont) été (?:libérée?s?|relâchée?s?|remise?s? en liberté)"
    r"|(?:wurde|wurden|ist) (?:\w+\s+){0,2}?(?:freigelassen|entlassen))",
    re.IGNORECASE,
)
# Words just before the verb that turn a report into a demand or a denial.
NEGATED = re.compile(
    r"\b(?:not|never|no longer|yet to|should|must|would|could|demand\w*|call\w*|urg\w*|ask\w*|ensur\w*|unless|until|if)\W+(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)
INNER_NEGATION = re.compile(r"\b(?:not|never|yet)\b|n't\b", re.IGNORECASE)
PRONOUNS = re.compile(r"^\W*(?:he|she|they|él|ella|il|elle|er|sie)\b", re.IGNORECASE)
SENTENCE = re.compile(r"(?<=[.!?])\s+|\n{2,}")


def release_sentence(text: str, names: list[str]) -> str | None:
    """The first sentence saying one of `names` (or a pronoun right after them) was released, else None."""
    tokens = _name_tokens(names)
    if not tokens:
        return None
    previous_named = False
    for sentence in _sentences(text):
        named = any(re.search(rf"\b{re.escape(t)}\b", sentence, re.IGNORECASE) for t in tokens)
        about_them = named or (previous_named and PRONOUNS.match(sentence))
        if about_them and _says_released(sentence):
            return sentence[:200]
        previous_named = named
    return None


def _says_released(sentence: str) -> bool:
    for match in RELEASED.finditer(sentence):
        before = sentence[max(match.start() - 40, 0):match.start()]
        if not NEGATED.search(before) and not INNER_NEGATION.search(match.group()):
            return True
    return False


def _sentences(text: str) -> list[str]:
    flat = re.sub(r"[ \t]*\n[ \t]*(?!\n)", " ", text)
    return [s.strip() for s in SENTENCE.split(flat) if s.strip()]


def _name_tokens(names: list[str]) -> list[str]:
    """Each name whole, and its parts of 4+ letters: news says 'Bilash' for 'Serikzhan Bilash'."""
    tokens = set()
    for name in names:
        if not name:
            continue
        tokens.add(name.strip())
        tokens.update(part for part in re.split(r"[\s\-]+", name) if len(part) >= 4)
    return sorted(tokens, key=len, reverse=True)
