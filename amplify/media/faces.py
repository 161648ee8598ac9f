"""Faces nobody agreed to show (issue 18): the rule, and what keeps it true.

A face found on a photo may appear in an item only when it is blurred there, or when staff
linked it to a person the item *shows* whose "face may be shown" is set — her own yes to
that exact version (with her face in its scope) is then asked for by ``clearance()``, like
every consent. ``unshown_faces`` is the one rule: ``clearance()`` lists what it finds as a
problem, and "send for review" refuses with the same words.
"""

import peewee
from flask_babel import lazy_gettext as _l

from amplify.db import Shape, database
from amplify.items.models import Item, ItemImage, ItemPerson
from amplify.media.detect import covered, proposals
from amplify.media.models import Asset, Face
from amplify.people.models import Activist


def unshown_faces(item_ids):
    """``{item id: number of faces}`` for the items whose images show a face that is not
    blurred and not linked to a person the item shows with her face allowed. One query,
    counted by the database, whatever the number of items."""
    item_ids = list(item_ids)
    if not item_ids:
        return {}
    return dict(UNSHOWN_FACES.rows(item_ids))


def _unshown_faces(item_ids):
    shown = (ItemPerson.select(ItemPerson.id).join(Activist)
             .where((ItemPerson.item == ItemImage.item) & (ItemPerson.activist == Face.activist)
                    & (ItemPerson.appearance == "shown") & (Activist.face_may_be_shown == True)))  # noqa: E712 (SQL)
    return (ItemImage.select(ItemImage.item, peewee.fn.COUNT(Face.id))
            .join(Face, on=(Face.asset == ItemImage.asset))
            .where(ItemImage.item.in_(item_ids) & (Face.blurred == False) & ~peewee.fn.EXISTS(shown))  # noqa: E712
            .group_by(ItemImage.item).tuples())


UNSHOWN_FACES = Shape(_unshown_faces)  # every clearance asks it: kept compiled


def problem(count):
    return _l("A photo shows %(n)d face(s) nobody agreed to show: blur them on the photo's page "
              "(the faces found are proposed there), or link each to a person this item shows "
              "whose face may be shown.", n=count)


def look_at_item_images(item):
    """Photos attached before faces were looked for are looked at now — blurred copies made
    then too: what their blurring hid is not found again (a drawn quote card has no photo)."""
    if item.kind == "quote_card":
        return
    for image in ItemImage.select(ItemImage, Asset).join(Asset).where(ItemImage.item == item):
        if image.asset.faces_found is None:
            image.asset.look_for_faces()


def to_blur(asset):
    """The regions proposed on ``asset``'s page: its faces neither blurred nor linked to a
    person (unknown faces are blurred by default), merged for a crowd."""
    return proposals([face.box for face in asset.faces() if not face.blurred and face.activist_id is None])


def carry_faces(source, blurred, rectangles):
    """The blurred copy knows the faces of its source: those the ``rectangles`` cover are
    marked blurred, the others keep their link to a person (or none)."""
    Face.delete().where(Face.asset == blurred).execute()
    for face in source.faces():
        Face.create(asset=blurred, x=face.x, y=face.y, w=face.w, h=face.h,
                    activist=face.activist_id,
                    blurred=face.blurred or covered(face.box, rectangles))
    blurred.faces_found = source.faces_found
    blurred.save(only=[Asset.faces_found])


def items_using(asset):
    return list(Item.select().join(ItemImage).where(ItemImage.asset == asset))


def link(asset, choices):
    """``choices``: ``{face id: activist id or None}``. Only activists whose face may be
    shown can be linked. Returns the items whose verdict may have changed."""
    from amplify import audit

    chosen = {activist_id for activist_id in choices.values() if activist_id is not None}
    allowed = {a.id for a in Activist.select(Activist.id).where(
        Activist.id.in_(chosen) & (Activist.face_may_be_shown == True))} if chosen else set()  # noqa: E712
    faces = {face.id: face for face in asset.faces()}
    changed = []
    with database.atomic():
        for face_id, activist_id in choices.items():
            face = faces.get(face_id)
            if face is None or face.activist_id == activist_id:
                continue
            if activist_id is not None and activist_id not in allowed:
                continue
            face.activist = activist_id
            face.save(only=[Face.activist])
            changed.append({"face": face.id, "activist": activist_id})
        if changed:
            audit.record("asset.faces_linked", asset, {"faces": changed})
    return changed
