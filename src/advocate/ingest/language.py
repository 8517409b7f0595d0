"""Which language a document is written in, from its commonest small words."""

from __future__ import annotations

import re
from collections import Counter

_STOPWORDS = {
    "en": ["the", "and", "of", "to", "is", "in", "for", "was", "he", "she", "his", "her", "has", "have", "with", "that", "this", "are"],
    "es": ["el", "los", "las", "del", "que", "y", "por", "para", "con", "una", "su", "se", "al", "ha", "fue", "está", "sus"],
    "fr": ["le", "les", "des", "du", "et", "est", "une", "pour", "dans", "sur", "il", "elle", "qui", "au", "ont", "été", "son"],
    "de": ["der", "die", "das", "und", "ist", "nicht", "den", "dem", "von", "zu", "mit", "sich", "wurde", "ein", "eine", "auf"],
    "pt": ["o", "os", "da", "do", "das", "dos", "não", "em", "uma", "com", "foi", "ao", "seu", "sua", "são", "está", "pelo", "pela"],
    "it": ["il", "gli", "della", "delle", "che", "è", "di", "nel", "nella", "sono", "per", "non", "alla", "dei", "ha", "stato"],
}
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(lines: list[str]) -> str:
    """'en', 'es', 'fr', 'de', 'pt', 'it' or 'ru'; English when unsure."""
    text = " ".join(lines)[:20000]
    if _cyrillic_share(text) > 0.3:
        return "ru"
    counts = Counter(word.lower() for word in _WORD.findall(text))
    scores = {lang: sum(counts[w] for w in words) for lang, words in _STOPWORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] < 5:  # too little text to judge: trust the banner
        return _from_banner(text) or (best if scores[best] else "en")
    return best


def _from_banner(text: str) -> str | None:
    """The language whose Urgent Action banner ('AÇÃO URGENTE') opens the text."""
    from advocate.ingest import labels

    head = text[:300]
    for language in labels.LANGUAGES:
        if labels.search("ua_heading", (language,)).search(head):
            return language
    return None


def _cyrillic_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if "\u0400" <= c <= "\u04ff") / len(letters)
