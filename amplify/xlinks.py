"""The links X finds in a text, found in linear time.

twitter-text's extractor (the ``twitter-text-parser`` port) matches one large regular
expression whose domain labels and URL paths can be matched in many ways: on a token like
``a.a.a.a…`` it backtracks without end (400 characters: 1 s, 1,600: 24 s), so a post could
freeze the X counter. This module reads the same grammar — the port's own character
classes and top-level domain lists, its preceding-character rule, ports, paths with
balanced parentheses, queries, t.co links and links without a protocol — but decides each
part once: the domain ending in the last valid top-level domain of a chain of labels is
computed once per label (right to left), paths and queries in one pass. The result is
the port's own on every text it can answer (``tests/test_platforms.py`` compares them).
"""

import re
from bisect import bisect_right

from twitter_text.extract_urls import is_valid_url, max_tco_slug_length
from twitter_text.regexp.invalid_url_without_protocol_preceding_chars import (
    invalid_url_without_protocol_preceding_chars,
)
from twitter_text.regexp.latin_accent_chars import latin_accent_chars
from twitter_text.regexp.valid_cctld import valid_cctld
from twitter_text.regexp.valid_domain_chars import valid_domain_chars
from twitter_text.regexp.valid_general_url_path_chars import valid_general_url_path_chars
from twitter_text.regexp.valid_gtld import valid_gtld
from twitter_text.regexp.valid_tco_url import valid_tco_url
from twitter_text.regexp.valid_url_path_ending_chars import valid_url_path_ending_chars
from twitter_text.regexp.valid_url_preceding_chars import valid_url_preceding_chars
from twitter_text.regexp.valid_url_query_chars import valid_url_query_chars
from twitter_text.regexp.valid_url_query_ending_chars import valid_url_query_ending_chars

PRECEDING = re.compile(valid_url_preceding_chars.pattern, re.IGNORECASE)
# Where a match can begin: a preceding character (or the start) before a domain character.
NEXT_START = re.compile(f"{valid_url_preceding_chars.pattern}(?={valid_domain_chars.pattern})", re.IGNORECASE)
PROTOCOL = re.compile(r"https?://", re.IGNORECASE)
DOMAIN_CHAR = re.compile(valid_domain_chars.pattern, re.IGNORECASE)
LABEL_RUN = re.compile(f"(?:{valid_domain_chars.pattern}|[_-])+", re.IGNORECASE)
ASCII_LABEL_RUN = re.compile(f"[-a-z0-9{latin_accent_chars.pattern}]+", re.IGNORECASE)
PATH_RUN = re.compile(f"{valid_general_url_path_chars.pattern}*", re.IGNORECASE)
PATH_END_CHAR = re.compile(valid_url_path_ending_chars.pattern.split("|(?:")[0], re.IGNORECASE)
QUERY_RUN = re.compile(f"{valid_url_query_chars.pattern}*", re.IGNORECASE)
QUERY_END_CHAR = re.compile(valid_url_query_ending_chars.pattern, re.IGNORECASE)
PORT = re.compile(r":[0-9]+")
ALNUM_RUN = re.compile(r"[0-9a-zA-Z]+")
PUNYCODE = re.compile(r"xn--[\-0-9a-z]+", re.IGNORECASE)
NOT_AFTER_TLD = re.compile(r"[0-9a-zA-Z@+-]")


def _alternatives(pattern):
    return pattern.pattern[len("(?:(?:"):pattern.pattern.index(")(?=")].split("|")


_TLDS = _alternatives(valid_gtld) + _alternatives(valid_cctld)
ASCII_TLDS = frozenset(t for t in _TLDS if t.isascii())
OTHER_TLDS = {}  # by first character, in the port's order (the first that matches wins)
for _tld in _TLDS:
    if not _tld.isascii():
        OTHER_TLDS.setdefault(_tld[0], []).append(_tld)


def _tld_end(text, start):
    """Where a top-level domain beginning at ``start`` ends (the port's alternation: its
    domain lists, then punycode), or None."""
    if start >= len(text):
        return None
    run = ALNUM_RUN.match(text, start)
    if run and run.group().lower() in ASCII_TLDS and not NOT_AFTER_TLD.match(text, run.end()):
        return run.end()
    for tld in OTHER_TLDS.get(text[start].lower(), ()):
        end = start + len(tld)
        if text[start:end].lower() == tld and not NOT_AFTER_TLD.match(text, end):
            return end
    punycode = PUNYCODE.match(text, start)
    return punycode.end() if punycode else None


class _Labels:
    """The runs of label characters of a text, to find each run's end and underscores."""

    def __init__(self, text, run_pattern):
        self.text = text
        self.runs = [(m.start(), m.end()) for m in run_pattern.finditer(text)]
        self.starts = [start for start, _ in self.runs]
        self.underscores = [i for i, char in enumerate(text) if char == "_"]

    def end(self, position):
        index = bisect_right(self.starts, position) - 1
        if index < 0 or self.runs[index][1] <= position:
            return None
        return self.runs[index][1]

    def has_underscore(self, start, end):
        index = bisect_right(self.underscores, start - 1)
        return index < len(self.underscores) and self.underscores[index] < end


def _deepest(text, start, label_end, last_ok, memo):
    """End of the domain that begins at ``start``: labels followed by dots, as many as
    can be taken (the greedy ``subdomain*``), then a last label and a top-level domain.
    ``label_end(i)`` ends the label at ``i`` (or None); ``last_ok(i, end)`` says whether
    that label may be the last one. Each position is decided once (``memo``)."""
    chain = []
    position = start
    while position not in memo:
        end = label_end(position)
        if end is None:
            memo[position] = None
            break
        chain.append((position, end))
        position = end + 1
    for label_start, end in reversed(chain):
        deeper = memo.get(end + 1)
        if deeper is None and last_ok(label_start, end):
            deeper = _tld_end(text, end + 1)
        memo[label_start] = deeper
    return memo[start]


def _domain_end_function(text):
    labels = _Labels(text, LABEL_RUN)

    def label_end(position):
        if position >= len(text) or not DOMAIN_CHAR.match(text, position):
            return None
        end = labels.end(position)
        if end is None or end >= len(text) or text[end] != "." or not DOMAIN_CHAR.match(text, end - 1):
            return None
        return end

    def last_ok(start, end):
        return not labels.has_underscore(start, end)

    memo = {}
    return lambda start: _deepest(text, start, label_end, last_ok, memo)


def _balanced_parens_end(text, start):
    """End of ``( path )`` or ``( path ( path ) path )`` at ``start``, or None."""
    inner = PATH_RUN.match(text, start + 1).end()
    if inner < len(text) and text[inner] == ")" and inner > start + 1:
        return inner + 1
    if inner < len(text) and text[inner] == "(":
        nested = PATH_RUN.match(text, inner + 1).end()
        if nested > inner + 1 and nested < len(text) and text[nested] == ")":
            after = PATH_RUN.match(text, nested + 1).end()
            if after < len(text) and text[after] == ")":
                return after + 1
    return None


def _path_end(text, start):
    """The longest run of path characters and balanced parentheses after the ``/`` at
    ``start - 1`` that ends in a path-ending character or parentheses."""
    position, last = start, start
    while position < len(text):
        if text[position] == "(":
            end = _balanced_parens_end(text, position)
            if end is None:
                break
            position = last = end
            continue
        run_end = PATH_RUN.match(text, position).end()
        if run_end == position:
            break
        for index in range(run_end - 1, position - 1, -1):
            if PATH_END_CHAR.match(text, index):
                last = index + 1
                break
        position = run_end
    return last


def _query_end(text, start):
    """End of ``?query`` at ``start``, or None: query characters up to the last one that
    may end a query."""
    run_end = QUERY_RUN.match(text, start + 1).end()
    for index in range(run_end - 1, start, -1):
        if QUERY_END_CHAR.match(text, index):
            return index + 1
    return None


def _ascii_domains(domain):
    """``[(start, end)]`` of the ASCII-only domains inside ``domain``, as the port's
    ``valid_ascii_domain.finditer`` finds them."""
    labels = _Labels(domain, ASCII_LABEL_RUN)

    def label_end(position):
        end = labels.end(position)
        if end is None or end >= len(domain) or domain[end] != ".":
            return None
        return end

    memo, found, position = {}, [], 0
    while position < len(domain):
        end = _deepest(domain, position, label_end, lambda start, end: True, memo)
        if end is None:
            position += 1
            continue
        found.append((position, end))
        position = end
    return found


def _match_at(text, position, domain_end):
    """The extractor's match tried at ``position``: a preceding character then a URL, or
    a URL at the very start. ``(before, url_start, protocol, domain_start, domain_stop)``."""
    tries = []
    if position < len(text) and PRECEDING.fullmatch(text[position]):
        tries.append((text[position], position + 1))
    if position == 0:
        tries.append(("", 0))
    for before, url_start in tries:
        protocol = PROTOCOL.match(text, url_start)
        if protocol:
            stop = domain_end(protocol.end())
            if stop is not None:
                return before, url_start, protocol.group(), protocol.end(), stop
        stop = domain_end(url_start)
        if stop is not None:
            return before, url_start, None, url_start, stop
    return None


def urls_with_indices(text):
    """``[{"url", "indices"}]`` as twitter-text's ``extract_urls_with_indices(text)``."""
    if "." not in text:
        return []
    domain_end = _domain_end_function(text)
    urls, position = [], 0
    while position <= len(text):
        match = None
        while match is None:
            start = NEXT_START.search(text, position)
            if start is None:
                break
            match = _match_at(text, start.start(), domain_end)
            position = start.start() + 1
        if match is None:
            break
        before, start, protocol, domain_start, end = match
        domain = text[domain_start:end]
        port = PORT.match(text, end)
        end = port.end() if port else end
        path = end < len(text) and text[end] == "/"
        if path:
            end = _path_end(text, end + 1)
        if end < len(text) and text[end] == "?":
            end = _query_end(text, end) or end
        position = end
        url = text[start:end]
        if not is_valid_url(url, protocol or "https://", domain):
            continue
        if protocol is None:
            if invalid_url_without_protocol_preceding_chars.match(before):
                continue
            found = [{"url": domain[a:b], "indices": [domain_start + a, domain_start + b]}
                     for a, b in _ascii_domains(domain)]
            if found and path:
                found[-1]["indices"][1] = end
                found[-1]["url"] = text[found[-1]["indices"][0]:end]
            urls += found
            continue
        tco = valid_tco_url.search(url)
        if tco:
            if tco.group(1) and len(tco.group(1)) > max_tco_slug_length:
                continue
            url, end = tco.group(0), start + len(tco.group(0))
        urls.append({"url": url, "indices": [start, end]})
    return urls
