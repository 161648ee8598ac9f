"""Month grids for calendar pages: weeks as rows, Monday first (no JavaScript)."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


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
