"""The start page: campaigns, messages waiting for the movement, reviews due."""

from flask import Blueprint, g

from amplify import security
from amplify.campaigns.models import Campaign, Message, MessageVariant
from amplify.items.comments import CommentMention
from amplify.items.models import Item, Publication
from amplify.people.models import Organization
from amplify.web import render

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
    from datetime import date

    from amplify.feeds.models import FeedEntry
    from amplify.invitations.deadlines import due

    today = date.today()
    deadlines = due(today, horizon_days=7)
    return render(
        "home/index.html",
        overdue=sum(1 for d in deadlines if d.overdue(today)), due_soon=sum(1 for d in deadlines if not d.overdue(today)),
        new_entries=FeedEntry.select().where(FeedEntry.state == "new").count(),
        campaigns=Campaign.with_counts(),
        waiting=waiting,
        reviews_due=Organization.due_for_review(),
        in_review=Item.select().where(Item.state == "in_review").count(),
        takedowns=Publication.takedown_queue().count(),
        mentions=list(CommentMention.unseen_for(g.user).limit(20)),
    )
