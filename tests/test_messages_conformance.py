"""twitter-text's own conformance suite against our length and extraction."""

from pathlib import Path

import pytest
import yaml

from advocate.messages.guard import extract_hashtags, extract_mentions
from advocate.messages.length import measure

SUITE = Path(__file__).resolve().parent / "data" / "twitter-text"
LENGTH_SECTIONS = ("WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest")


def _cases(filename, *sections):
    tests = yaml.safe_load((SUITE / filename).read_text(encoding="utf-8"))["tests"]
    return [
        pytest.param(case, id=f"{section}: {case['description']}")
        for section in sections
        for case in tests[section]
    ]


@pytest.mark.parametrize("case", _cases("validate.yml", *LENGTH_SECTIONS))
def test_weighted_length(case):
    size = measure(case["text"], "x")
    assert size.length == case["expected"]["weightedLength"]
    assert size.ok == case["expected"]["valid"]
    assert size.limit == 280


@pytest.mark.parametrize("case", _cases("extract.yml", "mentions"))
def test_extract_mentions(case):
    assert extract_mentions(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", _cases("extract.yml", "hashtags", "hashtags_from_astral"))
def test_extract_hashtags(case):
    assert extract_hashtags(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", _cases("extract.yml", "mentions_with_indices"))
def test_extract_mentions_with_indices_names(case):
    assert extract_mentions(case["text"]) == [e["screen_name"] for e in case["expected"]]


@pytest.mark.parametrize("case", _cases("extract.yml", "hashtags_with_indices"))
def test_extract_hashtags_with_indices_names(case):
    assert extract_hashtags(case["text"]) == [e["hashtag"] for e in case["expected"]]


def test_the_suites_are_all_there():
    assert len(_cases("validate.yml", *LENGTH_SECTIONS)) == 24
    assert len(_cases("extract.yml", "mentions")) >= 20


# Hashtags are looked for only around each '#': the same matches as
# twitter-text's pattern scanned at every position, on texts crowded with
# the characters its rules turn on (sigils, marks, variation selectors, '&').
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from advocate.messages import entities  # noqa: E402

_TRICKY = st.text(st.sampled_from("#＃aB1_& \n\ufe0e\ufe0f\u20e3é\u0300日-./:@\u200cกـ\u05be!"), max_size=24)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(_TRICKY, st.text(max_size=40)))
def test_hashtags_found_around_sigils_are_those_of_a_full_scan(text):
    def spans(matches):
        return [(m.span(), m.group(1)) for m in matches]

    assert spans(entities.hashtag_matches(text)) == spans(entities._HASHTAG.finditer(text))
