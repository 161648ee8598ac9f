"""Platform counting, from each platform's published rules (see shared/REFERENCE.md)."""

import pytest
from hypothesis import given, settings, strategies as st
from twitter_text import parse_tweet

from amplify.platforms import UnknownPlatform, check, measure, platforms

# twitter-text v3 conformance (validate.yml, WeightedTweetsWithDiscountedEmojiCounterTest
# and the lengths section): text and the weighted length X shows.
X_CONFORMANCE = [
    ("This is a test.", 15),
    ("http://test.com", 23),
    ("https://test.com", 23),
    ("test.com", 23),
    ("Test https://test.com test https://test.com test.com test", 86),
    ("Hi http://test.co", 26),
    ("285 chars-" + "xxxxxxxxxx-" * 25, 285),
    ("https://www.twitter.com/aloha " * 10, 240),
    ("H🐱☺👨\u200d👩\u200d👧\u200d👦", 7),
    ("😷👾😡🔥💩", 10),
    ("🙋🏽👨\u200d🎤", 4),
    ("1\u20e3", 2),
    ("Unicode 10.0 emoji: 🤪; 🧕; 🧕🏾; 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", 34),
    ("Unicode 9.0 emoji: 🤠; 💃; 💃🏾", 29),
    ("randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com", 68),
    ("故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。" * 5, 320),
    ("\u00c1B", 2),  # NFC: one character
    ("A\ufb2c", 4),  # NFC: three characters, all light
    ("\U00010000\U0010ffff", 4),
]


@pytest.mark.parametrize("text, expected", X_CONFORMANCE)
def test_x_agrees_with_twitter_text_conformance(text, expected):
    assert measure(text, "x") == expected


# Everything a post is made of. URLs stand between spaces: where an astral character is
# glued to a URL, the Python port of twitter-text (our oracle) computes URL spans in UTF-16
# units and disagrees with itself; Amplify counts code points throughout.
ALPHABET = st.sampled_from(list("aé ñ¡¿—“”«»…\n.,#@/:-_0123456789") + [
    "©", "®", "™", "☺", "\ufe0f", "\u200d", "\u20e3", "🐱", "🏽", "👩", "🔧", "🇵", "🇪", "の",
    "\u0301", "‼", "↔", "🏴\U000e0067\U000e0062\U000e007f", "क्", "\u200c",
    " https://example.org/x?y=1 ", " www.example.com ", " t.co/abc ", " example.com. ",
])


@settings(max_examples=300, deadline=None, derandomize=True)  # the same examples on every run
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_x_matches_the_twitter_text_implementation(text):
    assert measure(text, "x") == parse_tweet(text).weightedLength


def test_mastodon_counts_graphemes_urls_and_local_mentions():
    assert measure("👩🏽\u200d🔧 ok", "mastodon") == 4
    assert measure("see https://example.org/a/very/long/path/indeed/yes", "mastodon") == 4 + 23
    assert measure("hola @ana@social.example.org", "mastodon") == len("hola @ana")
    assert measure("a" * 500, "mastodon") == 500 and check("a" * 501, "mastodon").overflow_at == 500


def test_bluesky_counts_graphemes_shortens_links_and_caps_bytes():
    assert measure("👩🏽\u200d🔧", "bluesky") == 1
    # host + the first 13 characters of the path (its "/" included) + "…"
    assert measure("https://example.org/abcdefghijklmnopq", "bluesky") == len("example.org/abcdefghijkl…")
    assert measure("https://example.org/short", "bluesky") == len("example.org/short")
    heavy = "の" * 290
    assert check(heavy, "bluesky").fits
    assert not check("😷" * 299 + "x" * 1, "bluesky").problems
    assert ("max_bytes", 3000) in check("の" * 1001, "bluesky").problems


def test_threads_counts_emoji_as_their_bytes_and_caps_links():
    assert measure("hola 😷", "threads") == 5 + 4
    links = " ".join(f"https://example.org/{n}" for n in range(6))
    assert ("max_links", 5) in check(links, "threads").problems


def test_instagram_caps_hashtags_and_long_platforms_count_characters():
    assert ("max_hashtags", 5) in check("#a #b #c #d #e #f", "instagram").problems
    assert check("#a #b #c #d #e", "instagram").fits
    assert measure("ñandú", "linkedin") == 5 and measure("x" * 63206, "facebook") == 63206


def test_overflow_points_at_the_first_character_past_the_limit():
    fit = check("x" * 285, "x")
    assert (fit.length, fit.limit, fit.fits, fit.overflow_at, fit.remaining) == (285, 280, False, 280, -5)
    text = "x" * 270 + " https://example.org/page"
    assert check(text, "x").overflow_at == 271  # a URL is never cut: it overflows as a whole
    emoji = "x" * 279 + "😷"
    assert check(emoji, "x").overflow_at == 279
    assert check("short", "x").overflow_at is None


def test_unknown_platform_is_refused():
    with pytest.raises(UnknownPlatform):
        measure("x", "myspace")
    assert set(platforms()) >= {"x", "mastodon", "bluesky", "threads", "linkedin", "facebook", "instagram"}


def test_rules_can_be_overridden_per_installation(tmp_path, monkeypatch):
    custom = tmp_path / "platforms.toml"
    custom.write_text('[mastodon]\nname = "Mastodon"\nlimit = 1000\ncounting = "graphemes"\n'
                      'url_length = 23\nthreads = true\n')
    monkeypatch.setenv("AMPLIFY_PLATFORMS", str(custom))
    assert check("a" * 800, "mastodon").fits


def test_linkedin_api_text_escapes_little_text_characters():
    from amplify.platforms import for_api

    assert for_api("Hola (C189) #trabajo @ana_b [x] <y> {z} *a* ~b | \\", "linkedin") == (
        "Hola \\(C189\\) \\#trabajo \\@ana\\_b \\[x\\] \\<y\\> \\{z\\} \\*a\\* \\~b \\| \\\\")
    assert for_api("Hola (C189)", "x") == "Hola (C189)"


def first_past_by_hand(text, platform, limit):
    """The first index whose character takes ``text`` past ``limit``, found by trying
    every prefix (the slow, obvious way ``check`` must agree with)."""
    return next(n for n in range(len(text)) if measure(text[:n + 1], platform) > limit)


@pytest.mark.parametrize("text", [
    "https://example.org/" + "a" * 200 + " " + "b" * 300,  # the link counts 25: the prefix search doubles
    "b" * 150 + " https://example.org/" + "c" * 100 + " " + "d" * 200,
    "😷" * 120 + " " + "の" * 250,
])
def test_bluesky_overflow_agrees_with_trying_every_prefix(text):
    fit = check(text, "bluesky")
    assert not fit.fits and fit.overflow_at == first_past_by_hand(text, "bluesky", 300)


def test_bluesky_shortens_a_link_only_when_its_path_is_longer_than_fifteen():
    assert measure("https://example.org/abcdefghijklmn", "bluesky") == len("example.org/abcdefghijklmn")  # 15
    assert measure("https://example.org/abcdefghijklmno", "bluesky") == len("example.org/abcdefghijkl…")  # 16


def test_the_hashtag_cap_allows_exactly_the_cap():
    assert not check("#a #b #c #d #e", "instagram").problems
    assert check("#a #b #c #d #e #f", "instagram").problems == [("max_hashtags", 5)]


def threads_by_hand(text):
    """Threads counts an emoji as its UTF-8 bytes, anything else as characters: grapheme by
    grapheme, over the whole text."""
    import regex

    from amplify.platforms import EMOJI_MARK

    return sum(len(c.encode()) if EMOJI_MARK.search(c) else len(c) for c in regex.findall(r"\X", text))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(list("ab é\n\t") + ["😷", "👩🏽\u200d🔧", "🇵🇪", "1\ufe0f\u20e3", "の", "©"]),
                max_size=30).map("".join))
def test_threads_counts_like_going_grapheme_by_grapheme(text):
    assert measure(text, "threads") == threads_by_hand(text)


def test_beyond_what_is_counted_a_text_is_its_number_of_characters():
    """A pasted book is not weighed emoji by emoji on every keystroke: past COUNTED
    characters the length is the number of code points, on every platform."""
    from amplify.platforms import COUNTED

    huge = "😷" * (COUNTED + 1)
    for platform in ("x", "bluesky", "threads", "mastodon"):
        assert measure(huge, platform) == COUNTED + 1
    assert measure("😷" * COUNTED, "x") == 2 * COUNTED  # up to it, weighed


def test_the_link_cap_allows_exactly_the_cap():
    five = " ".join(f"https://example.org/{n}" for n in range(5))
    assert not check(five, "threads").problems
    assert check(five + " https://example.org/5", "threads").problems == [("max_links", 5)]
