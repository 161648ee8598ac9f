"""How long a text is as each platform counts it, and whether it fits.

``measure(text, platform)`` returns the length the platform itself would show;
``check(text, platform)`` says whether it fits and where it overflows. The rules live in
``platforms.toml`` (limits change; an installation can override them), the counting here.

X follows twitter-text's configuration v3: text is NFC-normalised, code points in the
"light" ranges weigh 1 and all others 2, an emoji sequence (with skin tones, ZWJ,
keycaps, flags) weighs 2 as a whole, and every URL weighs 23. URLs are found as the
twitter-text port's extractor finds them, but in linear time (``amplify.xlinks``).
"""

import os
import re
import tomllib
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import regex
from twitter_text import extract_emojis_with_indices

from amplify import limits
from amplify.xlinks import urls_with_indices

RULES_FILE = Path(__file__).with_name("platforms.toml")
# A text longer than an item may be is longer than every platform takes: it is counted as
# its number of code points, without the (linear, but per character) close counting.
COUNTED = limits.POST

GRAPHEME = regex.compile(r"\X")
# A grapheme cluster is an emoji sequence when it has an emoji-presentation character, a
# regional indicator (flags), or an emoji character made one by a variation selector 16 or
# a keycap. © and ® sit in the light range, but twitter-text counts them as emoji too.
EMOJI_MARK = regex.compile(
    r"[\p{Emoji_Presentation}\p{Regional_Indicator}\u00A9\u00AE]|\p{Emoji}[\uFE0F\u20E3]")
WHITE_SPACE = re.compile(r"\s")
# Joiners, selectors, skin tones, keycaps and tags: where twitter-text's emoji list decides
# what is one emoji, so its own extractor is asked.
EMOJI_COMPLEX = re.compile("[\u200D\uFE0E\uFE0F\u20E3\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F]")
# Anything outside X's light ranges, or © and ®: such characters need a closer look.
X_HEAVY = "[^\u0000-\u10FF\u2000-\u200D\u2010-\u201F\u2032-\u2037]|[\u00A9\u00AE]"
# The white-space-delimited tokens that hold one (emoji sequences never span white space).
# Matches start only at the start of a token (the look-behind), or a long token without
# such a character would be scanned again from each of its positions: quadratic time.
X_HEAVY_TOKEN = re.compile(r"(?<!\S)\S*(?:" + X_HEAVY + r")\S*")
# URLs never contain white space and always have a dot before a letter (the TLD): only
# such tokens go to the link finder, with the character before them for its context rules.
URL_CANDIDATE = re.compile(r"(?<!\S)\S*\.[^\W\d_]\S*")
MASTODON_URL = regex.compile(r"https?://[^\s<>\"']+", regex.IGNORECASE)
REMOTE_MENTION = regex.compile(r"(?<![\w@])(@\w+)@[\w.-]+\w", regex.UNICODE)
BLUESKY_URL = regex.compile(r"https?://([^\s/?#]+)([^\s]*)", regex.IGNORECASE)
HASHTAG = regex.compile(r"(?<![\w#])#\w+")


class UnknownPlatform(KeyError):
    """No rules for this platform."""


@cache
def _load(path):
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def rules():
    """The platform rules in force: the shipped file, or AMPLIFY_PLATFORMS when set."""
    return _load(os.environ.get("AMPLIFY_PLATFORMS") or str(RULES_FILE))


def rule(platform):
    try:
        return rules()[platform]
    except KeyError:
        raise UnknownPlatform(platform) from None


@cache
def _light_table(ranges):
    return tuple(start for start, _ in ranges), tuple(ranges)


def _is_light(code, table):
    starts, ranges = table
    index = bisect_right(starts, code) - 1
    return index >= 0 and code <= ranges[index][1]


def _weigh_chars(chars, table, heavy):
    return sum(1 if _is_light(ord(char), table) else heavy for char in chars)


@lru_cache(maxsize=4096)
def _weigh_token(token, table, heavy):
    """Weight of one white-space-free token holding characters outside the light ranges.
    (Cached: the same emoji and words come back in every draft and every keystroke.)"""
    clusters = GRAPHEME.findall(token)
    if EMOJI_COMPLEX.search(token) or any(len(c) > 1 and EMOJI_MARK.search(c) for c in clusters):
        total, position = 0, 0
        for emoji in extract_emojis_with_indices(token):
            start, end = emoji["indices"]
            total += _weigh_chars(token[position:start], table, heavy) + heavy
            position = end
        return total + _weigh_chars(token[position:], table, heavy)
    total = 0
    for cluster in clusters:  # here an emoji is always a single code point
        total += heavy if EMOJI_MARK.search(cluster) else _weigh_chars(cluster, table, heavy)
    return total


def _weigh_x(segment, table, heavy):
    """Weighted length of text without URLs, per twitter-text v3: light characters are
    counted in one go, only tokens holding something else are looked at closely."""
    if segment.isascii():
        return len(segment)
    total = len(segment)
    for token in X_HEAVY_TOKEN.findall(segment):
        total += _weigh_token(token, table, heavy) - len(token)
    return total


def _urls(text):
    """twitter-text's URLs in ``text``, looking only at tokens that could hold one."""
    found = []
    for candidate in URL_CANDIDATE.finditer(text):
        start = max(candidate.start() - 1, 0)
        for url in urls_with_indices(text[start:candidate.end()]):
            begin, end = url["indices"]
            found.append({"indices": (begin + start, end + start)})
    return found


def _x_pieces(text, r):
    """``[(start, end, weight)]`` covering the NFC text: URL spans and plain spans."""
    table = _light_table(tuple(tuple(pair) for pair in r["light_ranges"]))
    heavy = r["default_weight"]
    urls = _urls(text)
    pieces, position = [], 0
    for url in urls:
        start, end = url["indices"]
        if start > position:
            pieces.append((position, start, _weigh_x(text[position:start], table, heavy)))
        pieces.append((start, end, r["url_length"]))
        position = end
    if position < len(text):
        pieces.append((position, len(text), _weigh_x(text[position:], table, heavy)))
    return pieces


def _graphemes(text):
    return len(GRAPHEME.findall(text))


def _mastodon_countable(text, r):
    countable = MASTODON_URL.sub("x" * r["url_length"], text)
    if r.get("local_mentions"):
        countable = REMOTE_MENTION.sub(r"\1", countable)
    return countable


def _bluesky_countable(text, r):
    if not r.get("shorten_links"):
        return text

    def shorten(match):
        host, rest = match.group(1), match.group(2)
        return host + (rest[:13] + "…" if len(rest) > 15 else rest)

    return BLUESKY_URL.sub(shorten, text)


def _tokens_around(text, pattern):
    """The white-space-delimited tokens of ``text`` that hold a match of ``pattern``."""
    tokens, end = [], 0
    for match in pattern.finditer(text):
        if match.start() < end:
            continue  # already inside the last token
        start = match.start()  # back to the white space before it (a tab too), never into the last token
        while start > end and not text[start - 1].isspace():
            start -= 1
        after = WHITE_SPACE.search(text, match.end())
        end = after.start() if after else len(text)
        tokens.append(text[start:end])
    return tokens


def _characters(text, r):
    if not r.get("emoji_as_bytes") or text.isascii():
        return len(text)
    total = len(text)
    for token in _tokens_around(text, EMOJI_MARK):
        total -= len(token)
        for cluster in GRAPHEME.findall(token):
            total += len(cluster.encode()) if EMOJI_MARK.search(cluster) else len(cluster)
    return total


def measure(text, platform):
    """The length of ``text`` as ``platform`` counts it (beyond ``COUNTED`` characters,
    its number of code points)."""
    r = rule(platform)
    if len(text) > COUNTED:
        return len(text)
    counting = r["counting"]
    if counting == "twitter":
        normal = unicodedata.normalize("NFC", text)
        return sum(weight for _, _, weight in _x_pieces(normal, r))
    if counting == "graphemes":
        if platform == "mastodon" or r.get("url_length"):
            return _graphemes(_mastodon_countable(text, r))
        return _graphemes(_bluesky_countable(text, r))
    return _characters(text, r)


@dataclass
class Fit:
    """Whether a text fits a platform, and where it stops fitting."""

    platform: str
    length: int
    limit: int
    overflow_at: int | None = None  # index in the text of the first character past the limit
    problems: list = field(default_factory=list)

    @property
    def fits(self):
        return self.length <= self.limit and not self.problems

    @property
    def remaining(self):
        return self.limit - self.length


def _first_past(size, weight_of_prefix, room):
    """The first index whose inclusion takes the weight of a prefix past ``room``, by
    bisection over prefixes; the prefixes first grow by doubling from ``room``, so a long
    text costs little more than the part that fits."""
    low, high = 0, min(room + 1, size)
    while high < size and weight_of_prefix(high) <= room:
        low, high = high, min(2 * high, size)
    while low < high:
        middle = (low + high) // 2
        if weight_of_prefix(middle + 1) <= room:
            low = middle + 1
        else:
            high = middle
    return low


def _overflow_index(text, platform, limit):
    """The first index of ``text`` whose inclusion takes it past ``limit`` (a URL or an
    emoji is never split)."""
    if measure(text, platform) <= limit:
        return None
    return _first_past(len(text), lambda n: measure(text[:n], platform), limit)


def _plain_overflow(segment, r, room):
    """The first index of a segment without URLs whose inclusion takes its X weight past
    ``room`` (the segment's own weights: no URL search again for every prefix)."""
    table = _light_table(tuple(tuple(pair) for pair in r["light_ranges"]))
    return _first_past(len(segment), lambda n: _weigh_x(segment[:n], table, r["default_weight"]), room)


def check(text, platform):
    """Length, limit, overflow position and other rule breaks of ``text`` on ``platform``
    (looking no further than ``COUNTED`` characters)."""
    r = rule(platform)
    length = measure(text, platform)
    fit = Fit(platform, length, r["limit"])
    text = text[:COUNTED]
    if r["counting"] == "twitter":
        normal = unicodedata.normalize("NFC", text)
        if length > r["limit"]:
            total = 0
            for start, end, weight in _x_pieces(normal, r):
                if total + weight > r["limit"]:
                    fit.overflow_at = start if end - start > 1 and weight == r["url_length"] else \
                        _plain_overflow(normal[start:end], r, r["limit"] - total) + start
                    break
                total += weight
    elif length > r["limit"]:
        fit.overflow_at = _overflow_index(text, platform, r["limit"])
    if r.get("max_bytes") and len(text.encode()) > r["max_bytes"]:
        fit.problems.append(("max_bytes", r["max_bytes"]))
    if r.get("max_links"):
        links = len(MASTODON_URL.findall(text))
        if links > r["max_links"]:
            fit.problems.append(("max_links", r["max_links"]))
    if r.get("max_hashtags"):
        tags = len(HASHTAG.findall(text))
        if tags > r["max_hashtags"]:
            fit.problems.append(("max_hashtags", r["max_hashtags"]))
    return fit


def platforms():
    """``{code: display name}`` of every platform with rules."""
    return {code: r["name"] for code, r in rules().items()}


# LinkedIn's Posts API reads "little text": these characters must be escaped or the post
# is silently cut at the first of them (a translation table: one pass, no pattern).
LINKEDIN_ESCAPES = str.maketrans({char: "\\" + char for char in "\\|{}@[]()<>#*_~"})


def for_api(text, platform):
    """The text as the platform's API must receive it (LinkedIn needs escaping)."""
    if platform == "linkedin":
        return text.translate(LINKEDIN_ESCAPES)
    return text
