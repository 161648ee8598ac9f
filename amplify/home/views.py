"""The start page: campaigns, messages waiting for the movement, reviews due (of
organisations, and of power-map positions unchanged for six months)."""

from datetime import date

from flask import Blueprint, g

from amplify import security
from amplify.actors.models import Actor
from amplify.campaigns.models import Campaign, Message, MessageVariant
from amplify.db import capped_count
from amplify.feeds.models import FeedEntry
from amplify.invitations.deadlines import counts
from amplify.items.comments import CommentMention
from amplify.items.models import Item, Publication
from amplify.people.models import Organization
from amplify.web import render

COUNTED_UP_TO = 1000  # "more than 1000": counting a million feed entries is not cheap

bp = Blueprint("home", __name__)


@bp.get("/")
@security.requires("view")
def index():
    waiting = (
        MessageVariant.select(MessageVariant, Message, Campaign)
        .join(Message).join(Campaign)
        .where(MessageVariant.state.in_(["proposed", "changes_requested"]))
        .order_by(MessageVariant.updated_at.desc())
        .limit(20)
    )
    overdue, due_soon = counts(date.today(), horizon_days=7, private=security.can("see_contacts"))
    return render(
        "home/index.html",
        overdue=overdue, due_soon=due_soon,
        new_entries=capped_count(FeedEntry.select(FeedEntry.id).where(FeedEntry.state == "new"), COUNTED_UP_TO),
        cap=COUNTED_UP_TO,
        campaigns=Campaign.with_counts(),
        waiting=waiting,
        reviews_due=Organization.due_for_review().limit(20),
        # The six-monthly review asks, at the same moment, about the power map's stale positions.
        stale_positions=list(Actor.stale_positions().limit(20)),
        in_review=Item.select().where(Item.state == "in_review").count(),
        takedowns=Publication.takedown_queue().count(),
        mentions=list(CommentMention.unseen_for(g.user).limit(20)),
    )
