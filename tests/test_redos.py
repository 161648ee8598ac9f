"""No request can freeze a worker (issue 12): every function that reads user or feed text
with a regular expression takes under 100 ms on adversarial inputs of 100,000 characters,
and every text is capped before anything parses it — forms, the live counter, packs and
feed entries."""

import signal
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from twitter_text import extract_urls_with_indices

from amplify import limits
from amplify.xlinks import urls_with_indices

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import redos  # noqa: E402


class TooSlow(Exception):
    pass


def _stop(signum, frame):
    raise TooSlow()


@pytest.mark.parametrize("name", list(redos.FUNCTIONS))
def test_each_function_is_fast_on_adversarial_inputs_of_100000_characters(name):
    function = redos.FUNCTIONS[name]
    previous = signal.signal(signal.SIGPROF, _stop)
    try:
        for label, text in redos.INPUTS.items():
            # A quadratic pattern would run for minutes: one second of processor time ends it.
            signal.setitimer(signal.ITIMER_PROF, 1.0)
            try:
                seconds = redos.timed(function, text)
            except TooSlow:
                seconds = float("inf")
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
            assert seconds < redos.BUDGET, f"{name} on {label}: {seconds * 1000:.0f} ms"
    finally:
        signal.signal(signal.SIGPROF, previous)


URL_PIECES = st.sampled_from(
    ["a", "b", "é", "д", ".", ".", "_", "-", "/", "(", ")", ":", "@", "com", "co", "org", "x", "1", "?",
     "#", " ", "http://", "https://", "t.co/", "www", "xn--p1ai", "рф", "!", ",", "=", "&", "%", "\"",
     "ö", "vermögensberatung", "8080", "$", "[", "]", "\u200e", "'"])


@settings(max_examples=400, deadline=None)
@given(st.lists(URL_PIECES, max_size=14).map("".join))
def test_links_are_found_as_twitter_text_finds_them(text):
    assert [u["indices"] for u in urls_with_indices(text)] == \
        [u["indices"] for u in extract_urls_with_indices(text)]


def test_x_links_known_to_the_extractor():
    text = ("Ver https://www.ilo.org/dyn/normlex/en/f?p=NORMLEXPUB:12100:0::NO::P12100_ILO_CODE:C189, "
            "wiego.org y (http://example.com/a_(b)) t.co/abc https://t.co/xyz?x=1 a@b.com test.com.")
    assert [u["indices"] for u in urls_with_indices(text)] == \
        [u["indices"] for u in extract_urls_with_indices(text)]


def test_the_counter_refuses_to_count_a_text_longer_than_an_item(app, login):
    session = login("comms")
    response = session.post("/drafting/count", {"text": "a@" * 50_000, "channel": "x", "kind": "post"},
                            headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"longer than {limits.POST} characters" in page and "of 280" not in page


def test_an_item_text_over_the_cap_is_refused_before_it_is_parsed(app, login, factories):
    campaign = factories.campaign()
    session = login("comms")
    # {ref} tokens are parsed by the form's own check: past the cap it never runs.
    text = "{nobody} " + "a" * limits.POST
    response = session.post(f"/items/new?campaign={campaign.slug}", {
        "campaign": str(campaign.id), "kind": "post", "title": "Long", "language": "es",
        "channel": "x", "text": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"longer than {limits.POST} characters" in page
    assert "nobody" not in page.split("<textarea", 1)[0].split("<main", 1)[-1]
    assert "is not among the people below" not in page


def test_a_pack_text_over_its_cap_names_file_and_field(tmp_path):
    from amplify.campaigns.packs import PackError, _Reader

    reader = _Reader("items/01-post.toml", {"text": "a" * (limits.POST + 1), "title": "t" * 300,
                                            "hashtags": ["#" + "a" * 3000]})
    for field, kind, longest in (("text", str, limits.POST), ("title", str, limits.NAME),
                                 ("hashtags", list, limits.TEXT)):
        with pytest.raises(PackError) as refused:
            reader.get(field, kind, longest=longest)
        assert refused.value.field == field and "longer than" in refused.value.problem


def test_a_feed_entry_is_cut_to_its_caps_before_keywords_are_looked_for():
    from amplify.feeds.ingest import entry_text

    title, text = entry_text({"title": "t" * 50_000}, "<p>" + "palabra " * 10_000 + "</p>")
    assert len(title) == limits.FEED_TITLE and len(text) == limits.FEED_TEXT


def test_word_diff_of_long_repetitive_texts_stays_a_diff():
    from amplify.textdiff import word_diff

    old, new = "a " * 20_000 + "end", "b " + "a " * 20_000 + "fin"
    parts = word_diff(old, new)
    assert "".join(text for kind, text in parts if kind != "ins").replace(" ", "") == old.replace(" ", "")
    assert "".join(text for kind, text in parts if kind != "del").replace(" ", "") == new.replace(" ", "")
    assert word_diff("one two three", "one four three") == [
        ("same", "one"), ("del", "two"), ("ins", "four"), ("same", "three")]
