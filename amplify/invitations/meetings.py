"""Meetings in decision spaces, tied to an event: a preparation sheet before (who attends,
the asks, background, objections and our answers, the campaign's talking points in the
meeting's language), a debrief after, with the commitments obtained and our follow-ups —
which become stored deadlines until done, and appear in the campaign report.

The sheet names a person of the delegation only as the campaign report would (her chosen
attribution; never when she chose anonymity; a person at high risk only where she agreed
to be named at the event), and quotes only cleared items whose every person agreed to
meeting material."""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from flask_babel import force_locale, format_date, gettext as _, lazy_gettext as _l

from amplify import audit
from amplify.campaigns.models import Message, MessageVariant
from amplify.db import database, utcnow
from amplify.drafting.sheets import consented_quotes
from amplify.invitations import deadlines
from amplify.invitations.delegation import GOING
from amplify.invitations.models import COMMITMENT_KINDS, Commitment, Invitation, MeetingAttendee
from amplify.invitations.naming import answers_to_be_named, may_name
from amplify.people.models import Activist
from amplify.rules import NotAllowed

MEETING_MARGIN_DAYS = 60  # a meeting before or after the event still belongs to it
WORD_LANGUAGES = {"es": "es-ES", "pt": "pt-BR", "en": "en-GB", "fr": "fr-FR"}


def attendee_choices(event):
    """Invitations of the event whose person may attend a meeting: those going."""
    return list(Invitation.select(Invitation, Activist).join(Activist)
                .where((Invitation.event == event) & Invitation.state.in_(list(GOING)))
                .order_by(Activist.display_name).limit(500))


def save_meeting(meeting, attendee_ids, **fields):
    """Create or change a meeting and who attends (ids of the event's invitations)."""
    event = meeting.event
    margin = timedelta(days=MEETING_MARGIN_DAYS)
    if not event.starts_on - margin <= fields["held_on"] <= event.ends_on + margin:
        raise NotAllowed(_l("A meeting of this event falls between %(n)d days before it and %(n)d days after "
                            "it: check the date.", n=MEETING_MARGIN_DAYS), "held_on")
    allowed = {i.id for i in attendee_choices(event)}
    chosen = {int(i) for i in attendee_ids}
    if chosen - allowed:
        raise NotAllowed(_l("Choose attendees among the people going to the event."), "attendees")
    creating = meeting.id is None
    for name, value in fields.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    meeting.updated_at = utcnow()
    with database.atomic():
        meeting.save()
        MeetingAttendee.delete().where(MeetingAttendee.meeting == meeting).execute()
        for invitation_id in sorted(chosen):
            MeetingAttendee.create(meeting=meeting, invitation=invitation_id)
        audit.record("meeting.create" if creating else "meeting.update", meeting,
                     {"event": event.id, "held_on": meeting.held_on, "attendees": len(chosen)})
    return meeting


def save_debrief(meeting, debrief, debriefed_on):
    meeting.debrief, meeting.debriefed_on, meeting.updated_at = debrief.strip(), debriefed_on, utcnow()
    with database.atomic():
        meeting.save()
        audit.record("meeting.debrief", meeting, {"debriefed_on": debriefed_on})
    return meeting


def add_commitment(meeting, kind, who, what, due_on):
    """A commitment obtained or a follow-up of ours; a deadline from its due date on."""
    if kind not in COMMITMENT_KINDS:
        raise NotAllowed(_l("Choose what kind it is."), "kind")
    if kind == "follow_up" and due_on is None:
        raise NotAllowed(_l("A follow-up needs a due date."), "due_on")
    if due_on is not None and due_on < meeting.held_on:
        raise NotAllowed(_l("It cannot be due before the meeting."), "due_on")
    with database.atomic():
        commitment = Commitment.create(meeting=meeting, kind=kind, who=who.strip(), what=what.strip(), due_on=due_on)
        deadlines.refresh(events=[meeting.event_id])
        audit.record("meeting.commitment", meeting, {"kind": kind, "due_on": due_on})
    return commitment


def mark_done(commitment, day):
    """Kept, or done: it leaves the deadlines."""
    commitment.done_on = day
    with database.atomic():
        commitment.save()
        deadlines.refresh(events=[commitment.meeting.event_id])
        audit.record("meeting.commitment_done", commitment.meeting, {"commitment": commitment.id})
    return commitment


@dataclass
class Sheet:
    """What the preparation sheet shows, in the meeting's language."""

    meeting: object
    named: list = field(default_factory=list)  # (name, role, organisation)
    unnamed: int = 0
    points: list = field(default_factory=list)  # approved message variants
    quotes: list = field(default_factory=list)


def sheet(meeting):
    """The preparation sheet of ``meeting``: who attends as reports would name them, the
    campaign's approved talking points and consented quotes in the meeting's language."""
    event = meeting.event
    rows = list(Invitation.select(Invitation, Activist).join(MeetingAttendee).switch(Invitation).join(Activist)
                .where(MeetingAttendee.meeting == meeting).order_by(Activist.display_name))
    answers = answers_to_be_named({i.id: (i.activist_id, i.content_hash) for i in rows})
    result = Sheet(meeting)
    for invitation in rows:
        person = invitation.activist
        if may_name(person.default_attribution, person.risk_level, answers.get(invitation.id)):
            result.named.append((person.name_for(person.default_attribution, "—"), str(invitation.role_label)))
        else:
            result.unnamed += 1
    if event.campaign_id:
        result.points = list(MessageVariant.select(MessageVariant, Message).join(Message)
                             .where((Message.campaign == event.campaign_id)
                                    & (MessageVariant.language == meeting.language)
                                    & (MessageVariant.state == "approved"))
                             .order_by(Message.position, Message.id).limit(50))
        result.quotes = consented_quotes(event.campaign_id, meeting.language)[:20]
    return result


def labels():
    """The sheet's headings in the current language (the page and Word share them)."""
    return {"attendees": _("Who attends"), "asks": _("What we ask"), "background": _("Background"),
            "objections": _("Objections we expect, and our answers"),
            "points": _("The campaign's talking points"), "quotes": _("In their own words"),
            "evidence": _("Evidence"), "ask": _("The ask")}


def unnamed_text(count):
    return _("%(num)d more of the delegation, not named (their choice, or for their safety)", num=count)


def docx(prepared, author):
    """The preparation sheet as Word, in the meeting's language."""
    meeting = prepared.meeting
    with force_locale(meeting.language):
        heading = labels()
        document = Document()
        document.styles["Normal"].font.size = Pt(11)
        tag = WORD_LANGUAGES.get(meeting.language, meeting.language)
        for lang in document.styles.element.iter(qn("w:lang")):
            lang.set(qn("w:val"), tag)
        properties = document.core_properties
        properties.language, properties.title, properties.author = tag, meeting.title, author
        properties.created = properties.modified = datetime.combine(date.today(), datetime.min.time())
        properties.comments = properties.keywords = ""
        document.add_heading(meeting.title, level=0)
        document.add_paragraph(" · ".join(p for p in (meeting.space, format_date(meeting.held_on, "long"),
                                                       meeting.event.title) if p))
        document.add_heading(heading["attendees"], level=1)
        for name, role in prepared.named:
            document.add_paragraph(f"{name} — {role}", style="List Bullet")
        if prepared.unnamed:
            document.add_paragraph(unnamed_text(prepared.unnamed), style="List Bullet")
        for key in ("asks", "background", "objections"):
            text = getattr(meeting, key)
            if text.strip():
                document.add_heading(heading[key], level=1)
                for block in text.split("\n\n"):
                    if block.strip():
                        document.add_paragraph(block.strip())
        if prepared.points:
            document.add_heading(heading["points"], level=1)
            for number, variant in enumerate(prepared.points, start=1):
                document.add_heading(f"{number}. {variant.short_form}", level=2)
                document.add_paragraph(variant.long_form)
                if variant.evidence_figure:
                    document.add_paragraph(f"{heading['evidence']}: {variant.evidence_figure}"
                                           + (f" ({variant.evidence_source})" if variant.evidence_source else ""))
                if variant.call_to_action:
                    document.add_paragraph(f"{heading['ask']}: {variant.call_to_action}")
        if prepared.quotes:
            document.add_heading(heading["quotes"], level=1)
            for quote in prepared.quotes:
                document.add_paragraph(quote, style="Intense Quote")
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
