"""Month grids for calendar pages: weeks as rows, Monday first (no JavaScript); and the
IANA time zones people choose for campaigns and scheduler files."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


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
