"""Month grids for calendar pages: weeks as rows, Monday first (no JavaScript); and the
IANA time zones people choose for themselves, campaigns and scheduler files.

Planned times are stored in UTC. A staff member enters and reads them in one zone: their
own, else the campaign's, else the installation's (``zone_for``), and every time shown
says which zone it is in, with its offset, so nobody has to guess."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_datetime
from flask import current_app, g
from flask_babel import get_locale
from markupsafe import Markup


@dataclass
class Month:
    first: date
    weeks: list  # lists of seven dates, the first week starting on a Monday

    @property
    def previous(self):
        return (self.first - timedelta(days=1)).strftime("%Y-%m")

    @property
    def following(self):
        return (self.first + timedelta(days=32)).strftime("%Y-%m")

    @property
    def start(self):
        return self.weeks[0][0]

    @property
    def end(self):
        return self.weeks[-1][-1]


def month(arg, today):
    """The month named by ``arg`` (``2027-06``), else this month."""
    try:
        first = date.fromisoformat((arg or today.strftime("%Y-%m")) + "-01")
    except ValueError:
        first = today.replace(day=1)
    return Month(first, calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month))


@cache
def time_zones():
    """Every IANA time zone name, sorted (``tzdata`` ships them where the system does not)."""
    return tuple(sorted(available_timezones()))


def is_time_zone(name):
    """Whether ``name`` is an IANA time zone name (``America/Lima``, ``UTC``)."""
    if not isinstance(name, str) or not name or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class TimeDoesNotExist(ValueError):
    """A wall-clock time skipped when the clocks move forward (02:30 in Madrid on the last
    Sunday of March)."""


@dataclass(frozen=True)
class Zone:
    name: str  # IANA name
    source: str  # "yours", "campaign" or "installation": whose zone it is

    @property
    def info(self):
        return ZoneInfo(self.name)


def zone_for(user=None, campaign=None):
    """The zone a staff member enters and reads planned times in: their own, else the
    campaign's, else the installation's."""
    if user is not None and getattr(user, "time_zone", ""):
        return Zone(user.time_zone, "yours")
    if campaign is not None and campaign.time_zone:
        return Zone(campaign.time_zone, "campaign")
    return Zone(current_app.config["TIMEZONE"], "installation")


def to_utc(wall_clock, name):
    """The UTC moment of a naive wall-clock time in zone ``name``. A time skipped by a
    clock change is refused (``TimeDoesNotExist``); a time that happens twice (the hour the
    clocks go back) is the later one, so an embargo is never broken."""
    zone = ZoneInfo(name)
    later = wall_clock.replace(tzinfo=zone, fold=1)
    if later.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None) != wall_clock:
        raise TimeDoesNotExist(wall_clock)
    return later.astimezone(timezone.utc)


def wall_clock(moment, name):
    """A stored (UTC) moment as a naive wall-clock time in zone ``name``, for a form."""
    return moment.astimezone(ZoneInfo(name)).replace(tzinfo=None)


def utc_offset(moment, name):
    """``UTC+01:00``: the zone's offset at that moment (it changes with daylight saving)."""
    raw = moment.astimezone(ZoneInfo(name)).strftime("%z")
    return f"UTC{raw[:3]}:{raw[3:]}"


def local_iso(moment, name):
    """ISO 8601 with the zone's offset at that moment (``2027-03-27T10:00:00+01:00``)."""
    return moment.astimezone(ZoneInfo(name)).isoformat(timespec="minutes")


def in_zone(moment, campaign=None, format="medium"):
    """A stored moment as the signed-in staff member reads it (template filter
    ``in_zone``): in their zone (``zone_for``), followed by the zone and its offset."""
    if moment is None:
        return ""
    zone = zone_for(g.get("user"), campaign)
    shown = format_datetime(moment, format, tzinfo=zone.info, locale=get_locale() or "en")
    return Markup('<time datetime="{}">{}</time> <span class="zone">{} ({})</span>').format(
        moment.astimezone(timezone.utc).isoformat(timespec="minutes"), shown, zone.name,
        utc_offset(moment, zone.name))
