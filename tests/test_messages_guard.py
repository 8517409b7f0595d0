import pytest

from advocate.messages.guard import GuardSettings, check_post, dedupe_key, dedupe_text, extract_hashtags, extract_mentions

POST = "Free Serikzhan Bilash now! #Bilash #KazakhsInChina"


def test_defaults():
    assert GuardSettings() == GuardSettings(max_hashtags=2, max_mentions=1, mention_needs_review=True)
    with pytest.raises(AttributeError):
        GuardSettings().max_hashtags = 5


def test_a_clean_post_passes():
    assert check_post(POST, GuardSettings()) == []


def test_too_many_hashtags():
    assert check_post(POST + " #HumanRights", GuardSettings()) == ["3 hashtags; at most 2 allowed"]
    assert check_post(POST + " #HumanRights", GuardSettings(max_hashtags=3)) == []


def test_mentions_need_approval_and_are_limited():
    one = "@GenProkRK, free Serikzhan Bilash"
    assert check_post(one, GuardSettings()) == [
        "mentions @GenProkRK; a person must approve automated mentions"]
    assert check_post(one, GuardSettings(), approved=True) == []
    assert check_post(one, GuardSettings(mention_needs_review=False)) == []
    two = one + " cc @AmnestyEECA"
    assert check_post(two, GuardSettings(), approved=True) == ["2 mentions; at most 1 allowed"]


def test_email_addresses_and_urls_are_not_mentions_or_hashtags():
    text = "Write to press@prokuror.kz https://www.amnesty.org/en/#take-action"
    assert extract_mentions(text) == [] and extract_hashtags(text) == []
    assert check_post(text, GuardSettings()) == []


def test_empty_post():
    assert check_post("  \n", GuardSettings()) == ["the post is empty"]


@pytest.mark.parametrize("other", [
    "Free Serikzhan Bilash now! #KazakhsInChina #Bilash",         # hashtag order
    "free serikzhan bilash NOW! #bilash #kazakhsinchina",         # letter case
    "  Free  Serikzhan\nBilash   now!\n\n#Bilash   #KazakhsInChina ",  # whitespace
    "Free Serikzhan Bilash now! #Bilash, #KazakhsInChina.",       # punctuation after hashtags
    "#KazakhsInChina Free Serikzhan Bilash now! #Bilash!",        # both, and position
])
def test_dedupe_key_ignores_order_case_space_and_hashtag_punctuation(other):
    assert dedupe_key(other) == dedupe_key(POST)


@pytest.mark.parametrize("other", [
    "Free Serikzhan Bilash today! #Bilash #KazakhsInChina",
    "Free Serikzhan Bilash now! #Bilash",
    "Free Serikzhan Bilash now. #Bilash #KazakhsInChina",
    "Free Serikzhan Bilash now! #Bilash #Kazakhs",
])
def test_dedupe_key_keeps_real_differences(other):
    assert dedupe_key(other) != dedupe_key(POST)


def test_dedupe_key_is_short_and_stable():
    assert len(dedupe_key(POST)) == 32
    assert dedupe_key(POST) == dedupe_key(POST)
    assert dedupe_text(POST) == "free serikzhan bilash now! | #bilash #kazakhsinchina"


def test_texts_that_differ_only_by_a_number_are_the_same_post():
    # X's rules forbid substantially similar content: a countdown is one post, not thirty.
    assert dedupe_key("There are 29 days left to write for Serikzhan Bilash.") == dedupe_key("There are 28 days left to write for Serikzhan Bilash.")
    assert dedupe_key("Free him #UA001") != dedupe_key("Free him #UA002")


# Stored dedupe keys must never change: the quick way of collapsing spaces
# gives exactly what the pattern gave, whatever white space the text holds.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from advocate.messages import guard  # noqa: E402

_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\u200b\ufeffa1#"


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.text(st.sampled_from(_SPACES), max_size=20), st.text(max_size=40)))
def test_spaces_collapse_exactly_as_the_stored_keys_were_made(text):
    assert guard.collapse_spaces(text) == guard._SPACE.sub(" ", text).strip()
