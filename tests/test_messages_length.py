import pytest

from advocate.errors import ChannelError
from advocate.messages.length import NETWORK_LIMITS, fits, measure

FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467"  # one grapheme, five code points
NAMASTE = "नमस्ते"  # 6 code points, 3 graphemes


def test_limits():
    assert NETWORK_LIMITS == {"x": 280, "dryrun": 280, "mastodon": 500, "bluesky": 300}


def test_x_counts_urls_as_23_and_cjk_as_2():
    assert measure("Hi https://www.amnesty.org/en/documents/eur57/0123/2019/en/", "x").length == 26
    assert measure("会" * 140, "x") == measure("a" * 280, "x")
    assert not fits("会" * 141, "x")


def test_x_normalises_to_nfc_first():
    assert measure("e\u0301" * 280, "x").length == 280


def test_dryrun_is_measured_like_x():
    text = "a" * 270 + FAMILY * 5
    assert measure(text, "dryrun") == measure(text, "x")
    assert measure(text, "x").length == 280


def test_bluesky_counts_graphemes():
    assert measure(NAMASTE, "bluesky").length == 3
    assert measure(FAMILY, "bluesky").length == 1
    assert measure("a" * 290 + FAMILY * 10, "bluesky").ok
    assert not measure("a" * 291 + FAMILY * 10, "bluesky").ok
    assert measure(NAMASTE * 100, "bluesky").ok
    assert not measure(NAMASTE * 100 + "a", "bluesky").ok
    assert measure("a" * 300, "bluesky").unit == "graphemes"


def test_bluesky_also_limits_bytes():
    assert not measure(FAMILY * 200, "bluesky").ok  # 200 graphemes but 3,600 bytes
    zalgo = "a" + "\u0301" * 20  # one grapheme, 41 bytes
    size = measure(zalgo * 100, "bluesky")
    assert size.length == 100 and not size.ok


def test_mastodon_500_characters():
    assert measure("a" * 500, "mastodon").ok
    assert not measure("a" * 501, "mastodon").ok


def test_mastodon_counts_urls_as_23_and_drops_mention_domains():
    url = "https://www.amnesty.org/en/documents/eur57/0123/2019/en/" + "x" * 100
    assert measure(url, "mastodon").length == 23
    assert measure("@amnesty@mastodon.social hi", "mastodon").length == len("@amnesty hi")
    assert measure("a" * 476 + " " + url, "mastodon").length == 500


def test_unknown_network():
    with pytest.raises(ChannelError, match="facebook"):
        measure("hi", "facebook")


# --- the fast path for plain text on X agrees with twitter-text -------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PLAIN = st.one_of(st.characters(min_codepoint=0, max_codepoint=0x10FF, exclude_characters="\r\u00a9\u00ae"),
                   st.characters(min_codepoint=0x2000, max_codepoint=0x2037))  # X's other weight-1 ranges, and their gaps
_SENTENCES = st.lists(st.sampled_from(["Free", "him", "now", "x.com", "a.b", ".", ". ", "...", "#Bilash", "@GenProkRK", " ", "\n",
                                        "свободу", "2019", "©", "😀", "中文", "https://amnesty.org/x", "e.g.",
                                        "—", "«", "»", "“", "”", "′", "\u200d", "http://a.co/x?y=1", "amnesty.org/en"]), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(_PLAIN, max_size=400), _SENTENCES))
def test_x_length_matches_twitter_text_with_or_without_the_fast_path(text):
    import unicodedata

    from twitter_text import parse_tweet

    from advocate.messages.length import measure

    expected = parse_tweet(unicodedata.normalize("NFC", text))
    got = measure(text, "x")
    assert (got.length, got.ok) == (expected.weightedLength, expected.valid)


def test_ordinary_sentences_take_the_fast_path():
    from advocate.messages.length import _plain_for_x

    assert _plain_for_x("Free Serikzhan Bilash now. He is a prisoner of conscience.\n\n#Bilash #KazakhsInChina")
    assert _plain_for_x("Свободу Серикжану Билашу. Он узник совести.")
    assert not _plain_for_x("Read more at amnesty.org now.")
    assert not _plain_for_x("Free him 😀.")


def test_dashes_quotes_and_links_are_measured_without_parse_tweet(monkeypatch):
    # parse_tweet costs ~1.5 ms: a plan of thousands of Russian posts with links must not call it.
    import twitter_text

    from advocate.messages import length

    expected = twitter_text.parse_tweet("Он — узник совести. «Свободу!» https://www.amnesty.org/en/documents/eur57/1/2019/en/").weightedLength
    monkeypatch.setattr(twitter_text, "parse_tweet", lambda text: pytest.fail("parse_tweet was called"))
    length.measure.cache_clear()
    got = length.measure("Он — узник совести. «Свободу!» https://www.amnesty.org/en/documents/eur57/1/2019/en/", "x")
    assert got.length == expected == len("Он — узник совести. «Свободу!» ") + 23


@pytest.mark.parametrize("text", ["© 2019", "Free him.", "1\ufe0f\u20e3 day", "line\r\nbreak", "свободу Билашу", "see x.com/a."])
def test_x_texts_outside_the_fast_path_still_measure_right(text):
    from twitter_text import parse_tweet

    from advocate.messages.length import measure

    assert measure(text, "x").length == parse_tweet(text).weightedLength


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.text(st.sampled_from("aé\u0301\r\n\u200d😀🇺🇸👍🏽각\u1100\u1161ि क्\u094d—«"), max_size=30)))
def test_grapheme_count_takes_its_shortcut_only_when_exact(text):
    import regex

    from advocate.messages.length import graphemes

    assert graphemes(text) == len(regex.findall(r"\X", text))
