"""Word-level differences between two texts, for "what changed" and provenance marks."""

import difflib

# difflib compares every word of one side with every equal word of the other: on texts
# of many repeated words that is quadratic (5,000 spaces took 18 s). Beyond this many
# comparisons the changed middle is shown as removed and added whole.
COMPARISONS = 200_000


def _comparisons(a, b):
    """How many word pairs difflib's first pass would look at."""
    counts = {}
    for word in b:
        counts[word] = counts.get(word, 0) + 1
    return sum(counts.get(word, 0) for word in a)


def word_diff(old, new):
    """``[(kind, text)]`` with kind ``same``, ``del`` or ``ins``, word by word. The words
    both texts begin and end with are kept out of the comparison (cheaply, in one pass)."""
    a, b = old.split(" "), new.split(" ")
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle_a, middle_b = a[head:len(a) - tail], b[head:len(b) - tail]
    if _comparisons(middle_a, middle_b) > COMPARISONS:
        opcodes = [("replace", 0, len(middle_a), 0, len(middle_b))]
    else:
        opcodes = difflib.SequenceMatcher(a=middle_a, b=middle_b, autojunk=False).get_opcodes()
    parts = [("same", " ".join(a[:head]))] if head else []
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            parts.append(("same", " ".join(middle_a[i1:i2])))
        if op in ("delete", "replace") and i2 > i1:
            parts.append(("del", " ".join(middle_a[i1:i2])))
        if op in ("insert", "replace") and j2 > j1:
            parts.append(("ins", " ".join(middle_b[j1:j2])))
    if tail:
        parts.append(("same", " ".join(a[len(a) - tail:])))
    return parts
