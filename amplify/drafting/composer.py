"""Compose posts from the movement's approved wording.

For each platform the composer keeps what the campaign needs most: the link (what people
should open), then the call to action, then the longer wording — so the short form with
its call to action and link wins over the long form without them — and then as many of
the campaign's hashtags as fit. It never cuts inside a word, a hashtag or a URL: it only
leaves whole pieces out. When even the short form does not fit and the platform has threads, the
long form is split into a numbered thread at sentence boundaries (at word boundaries only
for a sentence longer than a whole post).
"""

import re
from dataclasses import dataclass, field

from amplify import limits
from amplify.platforms import check, measure, rule

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“«¡¿(\w])")
THREAD_SEPARATOR = "\n\n---\n\n"  # how a thread's posts are kept in one item text


@dataclass
class Draft:
    platform: str
    posts: list = field(default_factory=list)
    form: str = ""  # "long", "short" or "thread"
    extras: list = field(default_factory=list)  # what was added: "cta", "hashtags", "link"

    @property
    def text(self):
        return THREAD_SEPARATOR.join(self.posts)

    @property
    def is_thread(self):
        return len(self.posts) > 1

    @property
    def counted(self):
        """``[(post, Fit)]``: each post with its count as the platform counts it."""
        return [(post, check(post, self.platform)) for post in self.posts]


def _join(*parts):
    return "\n\n".join(p for p in parts if p)


def _fits(text, platform):
    return measure(text, platform) <= rule(platform)["limit"]


def _candidates(long_form, short_form, cta, link):
    """``(form, body, with_cta, with_link)`` in order of preference."""
    for with_link in ((True, False) if link else (False,)):
        for with_cta in ((True, False) if cta else (False,)):
            for form, body in (("long", long_form), ("short", short_form)):
                if body:
                    yield form, body, with_cta, with_link


def compose(wording, platform, hashtags=(), link=""):
    """A draft for ``platform`` from ``wording`` (``long``, ``short``, ``cta`` texts). A
    form longer than an item may be is left out: no item could hold the draft."""
    long_form, short_form, cta = (wording.get(k, "").strip() if len(wording.get(k, "")) <= limits.POST
                                  else "" for k in ("long", "short", "cta"))
    for form, body, with_cta, with_link in _candidates(long_form, short_form, cta, link):
        base = _join(body, cta if with_cta else "")
        end = link if with_link else ""
        if not _fits(_join(base, end), platform):
            continue
        tags = []
        for tag in hashtags:
            if _fits(_join(base, " ".join(tags + [tag]), end), platform):
                tags.append(tag)
        extras = [name for name, used in (("cta", with_cta), ("hashtags", tags), ("link", with_link)) if used]
        return Draft(platform, [_join(base, " ".join(tags), end)], form, extras)
    if rule(platform).get("threads") and long_form:
        return _thread(long_form, platform, cta, hashtags, link)
    return Draft(platform, [], "none")


def _split_long_sentence(sentence, platform, room):
    """Words of ``sentence`` packed into pieces that each fit ``room``."""
    pieces, current = [], ""
    for word in sentence.split():
        candidate = f"{current} {word}".strip()
        if current and measure(candidate, platform) > room:
            pieces.append(current)
            current = word
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def _thread(long_form, platform, cta, hashtags, link):
    """Number the posts ``i/n``; sentences are never split unless one alone is too long."""
    limit = rule(platform)["limit"]
    counter_room = len(" 99/99")
    room = limit - counter_room
    sentences = []
    for sentence in SENTENCE_END.split(long_form.strip()):
        if measure(sentence, platform) > room:
            sentences.extend(_split_long_sentence(sentence, platform, room))
        else:
            sentences.append(sentence)
    posts, current = [], ""
    for sentence in sentences:
        candidate = f"{current} {sentence}".strip()
        if current and measure(candidate, platform) > room:
            posts.append(current)
            current = sentence
        else:
            current = candidate
    if current:
        posts.append(current)
    closing = _join(cta, " ".join(hashtags), link)
    extras = []
    if closing:
        if _fits(_join(posts[-1], closing) + " 99/99", platform):
            posts[-1] = _join(posts[-1], closing)
        elif measure(closing, platform) <= room:
            posts.append(closing)
        else:
            closing = ""
        if closing:
            extras = [name for name, value in (("cta", cta), ("hashtags", hashtags), ("link", link)) if value]
    total = len(posts)
    numbered = [f"{post} {number}/{total}" for number, post in enumerate(posts, start=1)]
    return Draft(platform, numbered, "thread", extras)
