"""Budget (issue 4): ``measure`` on a 280-character post, at least 20,000 calls per second
on one core. Every call gets a different text (a counter in front), so nothing is served
from a cache of whole texts; the token cache for emoji is what production uses too.
Run: .venv/bin/python bench/measure.py
"""

import time

from amplify.platforms import measure
from twitter_text import parse_tweet

BUDGET = 20_000
POST = ("El trabajo del hogar es trabajo: 75,6 millones de personas lo hacen en el mundo, "
        "y 3 de cada 4 son mujeres. ¡Exige que tu país ratifique el Convenio 189! 💪 "
        "https://www.ilo.org/dyn/normlex/en/f?p=NORMLEXPUB:12100:0::NO::P12100_ILO_CODE:C189 "
        "#C189 #TrabajoDelHogar #DomesticWorkIsWork")


def rate(function, texts, seconds=1.0):
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        function(texts[calls % len(texts)])
        calls += 1
    return calls / (time.perf_counter() - started)


def main():
    texts = [f"{n} {POST}".ljust(280, " ")[:280] for n in range(100_000)]
    print(f"post: {len(texts[0])} characters, X weighted length {measure(texts[0], 'x')}")
    print(f"{'platform':<12} {'calls/s':>10} {'budget':>8}")
    for platform in ("x", "mastodon", "bluesky", "threads", "linkedin", "facebook", "instagram"):
        speed = rate(lambda t, p=platform: measure(t, p), texts)
        verdict = "ok" if speed >= BUDGET else "BELOW"
        print(f"{platform:<12} {speed:>10,.0f} {BUDGET:>8,}  {verdict}")
    changing = [f"{POST[:250]} 👩🏽\u200d🔧{n}" for n in range(100_000)]
    print(f"{'x, new emoji token every call (worst case)':<44} {rate(lambda t: measure(t, 'x'), changing):>10,.0f}")
    print(f"{'twitter-text port parse_tweet (the floor it replaces)':<44} {rate(parse_tweet, texts, 0.5):>10,.0f}")


if __name__ == "__main__":
    main()
