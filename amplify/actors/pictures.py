"""What the map's pictures show, computed once and handed to the SVG, the table beside it
and the CSV alike, so that the three can never disagree.

The pictures themselves are drawn by templates (``templates/actors/_*_svg.html``) from the
geometry worked out here.
"""

from dataclasses import dataclass, field

import peewee

from amplify.actors.models import INFLUENCE, POSITIONS, Actor, Position
from amplify.db import database
from amplify.people.models import Activist

DOTS_PER_CELL = 12  # drawn one by one; the cell's number counts them all
CHART_LEFT, COLUMN, ROW, CHART_TOP = 120, 100, 90, 40
INFLUENCE_TOP_DOWN = ("high", "medium", "low")


def shown_name(kind, name, risk_level, display_name, pseudonym, attribution, anonymous_label):
    """An actor's name on a shared map (see ``Actor.shared_name``), from plain columns."""
    if kind != "activist" or risk_level is None:
        return name
    if risk_level == "high":
        return anonymous_label
    person = Activist(display_name=display_name, pseudonym=pseudonym or "")
    return person.name_for(attribution, anonymous_label)


def actor_rows(campaign, anonymous_label=None):
    """``(id, name, kind, position, influence, position_on)`` of every actor of ``campaign``,
    by name; with ``anonymous_label``, names as a shared map shows them. Read straight from
    the cursor (thousands of rows); ``position_on`` is ISO text or a date, as the driver says."""
    query = (Actor.select(Actor.id, Actor.name, Actor.kind, Actor.position, Actor.influence, Actor.position_on,
                          Activist.risk_level, Activist.display_name, Activist.pseudonym,
                          Activist.default_attribution)
             .join(Activist, peewee.JOIN.LEFT_OUTER, on=(Actor.activist == Activist.id))
             .where(Actor.campaign == campaign).order_by(Actor.name, Actor.id))
    rows = []
    for actor_id, name, kind, position, influence, on, risk, display, pseudonym, attribution in database.execute(
            query).fetchall():
        if anonymous_label is not None:
            name = shown_name(kind, name, risk, display, pseudonym, attribution, anonymous_label)
        rows.append((actor_id, name, kind, position, influence, on))
    return rows


@dataclass
class Cell:
    position: str
    influence: str
    x: int
    y: int
    count: int = 0
    dots: list = field(default_factory=list)  # (actor id, name, cx, cy)


@dataclass
class Spectrum:
    cells: list
    total: int
    rows: list  # every actor, for the CSV

    def count(self, position, influence):
        return next(c.count for c in self.cells if c.position == position and c.influence == influence)

    @property
    def width(self):
        return CHART_LEFT + COLUMN * len(POSITIONS) + 10

    @property
    def height(self):
        return CHART_TOP + ROW * len(INFLUENCE) + 50


def spectrum(campaign, anonymous_label=None):
    """Actors by position (columns) and influence (rows, high on top)."""
    cells = {}
    for column, position in enumerate(POSITIONS):
        for row, influence in enumerate(INFLUENCE_TOP_DOWN):
            cells[position, influence] = Cell(position, influence, CHART_LEFT + COLUMN * column, CHART_TOP + ROW * row)
    rows = actor_rows(campaign, anonymous_label)
    for actor_id, name, _kind, position, influence, _on in rows:
        cell = cells.get((position, influence))
        if cell is None:
            continue
        if len(cell.dots) < DOTS_PER_CELL:
            n = len(cell.dots)
            cell.dots.append((actor_id, name, cell.x + 14 + 24 * (n % 4), cell.y + 16 + 22 * (n // 4)))
        cell.count += 1
    return Spectrum(list(cells.values()), len(rows), rows)


@dataclass
class Moved:
    since: object
    until: object
    before: dict  # position -> number of actors there at ``since``
    after: dict
    movers: list  # (actor id, name, position at since or None, position at until)
    maximum: int

    @property
    def bars(self):
        """``(position, before, after, x, height before, height after)`` for the chart."""
        scale = 160 / (self.maximum or 1)
        return [(position, self.before[position], self.after[position], CHART_LEFT + COLUMN * i,
                 round(self.before[position] * scale), round(self.after[position] * scale))
                for i, position in enumerate(POSITIONS)]


def positions_on(campaign, day):
    """``{actor id: position}`` as the map stood at the end of ``day``."""
    latest = {}
    query = (Position.select(Position.actor, Position.position).join(Actor)
             .where((Actor.campaign == campaign) & (Position.observed_on <= day))
             .order_by(Position.actor, Position.observed_on, Position.id))
    for actor_id, position in database.execute(query).fetchall():
        latest[actor_id] = position  # the last one of each actor wins
    return latest


def moved(campaign, since, until, anonymous_label=None):
    """How the spectrum changed between the end of ``since`` and the end of ``until``."""
    before, after = positions_on(campaign, since), positions_on(campaign, until)
    names = {row[0]: row[1] for row in actor_rows(campaign, anonymous_label)}
    count = lambda found: {p: sum(1 for v in found.values() if v == p) for p in POSITIONS}  # noqa: E731
    movers = sorted(((actor_id, names[actor_id], before.get(actor_id), position)
                     for actor_id, position in after.items() if before.get(actor_id) != position),
                    key=lambda row: (row[1].casefold(), row[0]))
    before_counts, after_counts = count(before), count(after)
    return Moved(since, until, before_counts, after_counts, movers,
                 max([*before_counts.values(), *after_counts.values(), 0]))
