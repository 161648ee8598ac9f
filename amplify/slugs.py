"""Stable, unique slugs from python-slugify."""

from slugify import slugify

# Words that are also route names under the same prefix (``/campaigns/new``).
RESERVED = frozenset({"new", "edit"})


def unique_slug(model, field, text, *, max_length=60, exclude_id=None, scope=None):
    """A slug of ``text`` not yet used in ``model.field`` (``-2``, ``-3``… when taken).

    ``scope`` is an extra condition (for slugs unique within a parent).
    """
    base = slugify(text or "", max_length=max_length, word_boundary=True) or "item"
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
