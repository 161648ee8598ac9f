"""Budget (issue 12): every function that runs a regular expression (or another parser)
on text a user or a feed supplies takes under 100 ms on adversarial inputs of 100,000
characters — runs of one character, alternations, ``a@a@a@…``, long URLs, long digit and
white-space runs — so no request can freeze a worker.

Run: .venv/bin/python bench/redos.py  (prints every function × input, slowest first)
``tests/test_redos.py`` runs the same table and fails over the budget.
"""

import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from amplify import platforms  # noqa: E402
from amplify.campaigns import packs  # noqa: E402
from amplify.campaigns.forms import parse_hashtags, parse_key_dates, parse_links  # noqa: E402
from amplify.drafting.composer import compose  # noqa: E402
from amplify.drafting.safety import check_text  # noqa: E402
from amplify.drafting.views import segments  # noqa: E402
from amplify.feeds.ingest import pattern, plain, sanitize  # noqa: E402
from amplify.items.models import THREAD_BREAK, TOKEN  # noqa: E402
from amplify.people.forms import parse_contacts  # noqa: E402
from amplify.slugs import slug_base  # noqa: E402
from amplify.textdiff import word_diff  # noqa: E402

SIZE = 100_000
BUDGET = 0.100  # seconds


def _cycle(piece, size=SIZE):
    return (piece * (size // len(piece) + 1))[:size]


INPUTS = {
    "a×100k": "a" * SIZE,
    "a@a@…": _cycle("a@"),
    "a.a@…": _cycle("a.a@"),
    "a.…": _cycle("a."),
    "1×100k": "1" * SIZE,
    "1 1 …": _cycle("1 "),
    "1.1…": _cycle("1."),
    "(1(1…": _cycle("(1"),
    "1.000,…": _cycle("1.000,"),
    "space×100k": " " * SIZE,
    "\\t\\n …": _cycle(" \t\n"),
    "https://aaa…": "https://" + "a" * (SIZE - 8),
    "http://a.a.a…": "http://" + _cycle("a.", SIZE - 7),
    "https://x.co/…/…": "https://x.co/" + _cycle("a/", SIZE - 13),
    "http://http://…": _cycle("http://"),
    "#×100k": "#" * SIZE,
    "#a#a…": _cycle("#a"),
    "@a@a…": _cycle("@a"),
    "{a{a…": _cycle("{a"),
    "a-a-…!": _cycle("a-", SIZE - 1) + "!",
    "-×100k": "-" * SIZE,
    ".×100k": "." * SIZE,
    "calle calle…": _cycle("calle "),
    "é×100k": "é" * SIZE,
    "😀×50k": "😀" * (SIZE // 2),
    "👩‍👩‍👧…": _cycle("👩\u200d👩\u200d👧"),
    "a a a …": _cycle("a "),
    "\\n---\\n…": _cycle("\n---\n"),
    "<a<a…": _cycle("<a"),
    "a:a:\\n…": _cycle("a:a:\n"),
}

HIGH_RISK = [SimpleNamespace(display_name="Maria Quispe (test)")]
KEYWORDS = pattern(["C189", "trabajo del hogar", "a" * 30 + "b", "aaaa"])
PLATFORMS = ("x", "mastodon", "bluesky", "threads", "linkedin", "facebook", "instagram")


def _pack_text(text):
    """What a pack's reader does with a text field: the cap first, then the slug check."""
    reader = packs._Reader("campaign.toml", {"slug": text, "name": text})
    for field in ("slug", "name"):
        try:
            value = reader.get(field, str, required=True)
            packs.SLUG.match(value)
        except packs.PackError:
            pass


def _parsed(parser):
    def run(text):
        try:
            parser(text)
        except ValueError:
            pass
    return run


FUNCTIONS = {
    "safety check_text": lambda s: check_text(s, HIGH_RISK),
    **{f"measure {p}": (lambda p: lambda s: platforms.measure(s, p))(p) for p in PLATFORMS},
    **{f"check {p}": (lambda p: lambda s: platforms.check(s, p))(p) for p in PLATFORMS},
    "linkedin for_api": lambda s: platforms.for_api(s, "linkedin"),
    "compose x": lambda s: compose({"long": s, "short": s[:500]}, "x", ["#C189"], "https://ilo.org"),
    "preview segments": segments,
    "thread split": THREAD_BREAK.split,
    "{ref} tokens": TOKEN.findall,
    "word_diff": lambda s: word_diff(s, s[1:] + "b"),
    "feed plain": plain,
    "feed sanitize": sanitize,
    "feed keywords": KEYWORDS.findall,
    "hashtags": _parsed(parse_hashtags),
    "links": _parsed(parse_links),
    "key dates": _parsed(parse_key_dates),
    "contacts": _parsed(parse_contacts),
    "slug": slug_base,
    "pack text field": _pack_text,
}


def timed(function, text, repeat=3):
    """Best of ``repeat`` runs, in seconds of this thread's processor time: on a shared
    machine the wall clock also counts other processes' turns, not the function's work."""
    best = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        function(text)
        best = min(best, time.thread_time() - start)
        if best < BUDGET / 4:
            break
    return best


def table():
    """``[(seconds, function, input)]``, slowest first."""
    rows = [(timed(function, text), name, label)
            for name, function in FUNCTIONS.items() for label, text in INPUTS.items()]
    return sorted(rows, reverse=True)


if __name__ == "__main__":
    rows = table()
    print(f"{len(FUNCTIONS)} functions × {len(INPUTS)} inputs of {SIZE:,} characters "
          f"= {len(rows)} runs; budget {BUDGET * 1000:.0f} ms each")
    for seconds, name, label in rows[:15]:
        print(f"{seconds * 1000:8.1f} ms  {name:20} {label}")
    print(f"slowest: {rows[0][0] * 1000:.1f} ms ({rows[0][1]} on {rows[0][2]}); "
          f"over budget: {sum(1 for r in rows if r[0] > BUDGET)}")
