"""Personal iCal feeds of events and deadlines, for common calendar clients."""

from datetime import date, timedelta, timezone

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from amplify.invitations.deadlines import due
from amplify.invitations.models import Event


def last_change(*records):
    """DTSTAMP (required by RFC 5545) as the last change of what the entry shows, so that it
    stays the same between fetches and a client sees a real change as one."""
    return max(r.updated_at for r in records if r is not None).astimezone(timezone.utc).replace(microsecond=0)


def build(base_url, today=None, private=True):
    """Events from 30 days ago on, and deadlines for the next year, as an iCal calendar
    (trip safety and passport deadlines only when ``private``)."""
    today = today or date.today()
    calendar = Calendar()
    calendar.add("prodid", "-//Amplify//events and deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Amplify — events and deadlines")
    for event in Event.select().where(Event.ends_on >= today - timedelta(days=30)).order_by(Event.starts_on):
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.id}@amplify")
        entry.add("dtstamp", last_change(event))
        entry.add("summary", event.title)
        entry.add("dtstart", event.starts_on)
        entry.add("dtend", event.ends_on + timedelta(days=1))  # all-day: the end is exclusive
        if event.place:
            entry.add("location", event.place)
        entry.add("url", f"{base_url}invitations/events/{event.id}")
        calendar.add_component(entry)
    for item in due(today, horizon_days=365, private=private):
        entry = CalendarEvent()
        who = item.invitation.activist.display_name if item.invitation and item.invitation.activist_id else ""
        owner = item.invitation.id if item.invitation else 0
        if item.commitment_id:  # several of one meeting may fall on one day: one entry each
            who, owner = f"{item.commitment.who}: {item.commitment.what[:80]}", f"c{item.commitment_id}"
        entry.add("uid", f"due-{item.kind}-{item.event.id}-{owner}@amplify")
        entry.add("dtstamp", last_change(item.event, item.invitation))
        entry.add("summary", " · ".join(p for p in (str(item.label), who, item.event.title) if p))
        entry.add("dtstart", item.on)
        entry.add("dtend", item.on + timedelta(days=1))
        calendar.add_component(entry)
    return calendar.to_ical()
