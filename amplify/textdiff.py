"""Word-level differences between two texts, for "what changed" and provenance marks."""

import difflib


def word_diff(old, new):
    """``[(kind, text)]`` with kind ``same``, ``del`` or ``ins``, word by word."""
    a, b = old.split(" "), new.split(" ")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            parts.append(("del", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("ins", " ".join(b[j1:j2])))
    return parts
