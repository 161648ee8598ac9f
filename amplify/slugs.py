"""Stable, unique slugs from python-slugify."""

from slugify import slugify

from amplify import limits

# Words that are also route names under the same prefix (``/campaigns/new``).
RESERVED = frozenset({"new", "edit"})


def slug_base(text, max_length=60):
    """The slug of ``text``; names are at most ``limits.NAME`` characters, and a longer
    text is cut before slugify reads it."""
    return slugify((text or "")[:limits.NAME], max_length=max_length, word_boundary=True) or "item"


def unique_slug(model, field, text, *, max_length=60, exclude_id=None, scope=None):
    """A slug of ``text`` not yet used in ``model.field`` (``-2``, ``-3``… when taken).

    ``scope`` is an extra condition (for slugs unique within a parent).
    """
    base = slug_base(text, max_length)
    candidate, n = base, 1
    while True:
        query = model.select().where(field == candidate)
        if scope is not None:
            query = query.where(scope)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if candidate not in RESERVED and not query.exists():
            return candidate
        n += 1
        candidate = f"{base}-{n}"
