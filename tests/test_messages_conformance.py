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
