"""Names compared across transliterations: 'Serikzhan Bilash',
'Serikjan Bilash' and 'BILASH Serikzhan' are one person."""

from __future__ import annotations

import functools
import re
import unicodedata

# Romanisations that differ between documents, reduced to one spelling.
# Order matters: longer groups first.
_VARIANTS = tuple((re.compile(old), new) for old, new in (
    ("dzh", "j"), ("zh", "j"), ("dj", "j"), ("kh", "h"), ("gh", "g"), ("ph", "f"),
    ("sch", "sh"), ("tch", "ch"), ("ck", "k"), ("c(?!h)", "k"), ("ou", "u"), ("oo", "u"),
    ("ee", "i"), ("ie", "i"), ("y", "i"), ("w", "v"), ("q", "k"), ("x", "ks"),
    ("ae", "a"), ("oe", "o"), ("ue", "u"),
    ("j", "i"),  # last: 'Pjotr' (German) = 'Pyotr' (English); 'zh' became 'j' above
))
_DOUBLE = re.compile(r"(\w)\1+")
_SPECIAL = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i"})
# Words that are not part of the name itself.
_PARTICLES = {"al", "el", "de", "da", "do", "dos", "del", "la", "van", "von", "der", "bin", "ibn",
              "mr", "mrs", "ms", "dr"}


# Cached: linking compares each new document with every case's names, so the
# same few thousand names are folded again and again (7 s of 14 for 50
# documents against 1,000 cases before the cache).
@functools.lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """One word lower-cased, without accents, in one transliteration."""
    word = unicodedata.normalize("NFKD", word.lower().translate(_SPECIAL))
    word = "".join(c for c in word if c.isalpha() and c.isascii())
    for old, new in _VARIANTS:
        word = old.sub(new, word)
    return _DOUBLE.sub(r"\1", word)


@functools.lru_cache(maxsize=65536)
def name_key(name: str | None) -> frozenset[str]:
    """The folded words of a name, order ignored ('Bilash Serikzhan' = 'Serikzhan Bilash')."""
    if not name:
        return frozenset()
    words = re.split(r"[\s\-‐'’.,]+", name)
    return frozenset(f for f in (fold_word(w) for w in words if w.lower() not in _PARTICLES) if f)


def name_match(a: str | None, b: str | None) -> float:
    """1.0 same name; 0.85 one name contains the other (a patronymic more or
    less); 0.5 only one shared word, e.g. the surname; 0 otherwise."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    shared = ka & kb
    if len(shared) >= 2 and shared in (ka, kb):
        return 0.85
    return 0.5 if shared and min(len(ka), len(kb)) == 1 else 0.0
