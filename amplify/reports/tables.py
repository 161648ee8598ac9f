"""A report as tables (for the page, its charts and CSV), with labels in the report's
language. Every chart on the page draws one of these tables."""

from dataclasses import dataclass

from flask_babel import gettext as _

from amplify.i18n import LANGUAGES
from amplify.invitations.models import LEVELS, ROLES, STATES
from amplify.items.models import CHANNELS
from amplify import spreadsheets


@dataclass
class Table:
    name: str
    title: str
    columns: list
    rows: list
    chart: list | None = None  # [(label, value)] drawn as bars

    def csv(self, separator=spreadsheets.COMMA):
        """The table for spreadsheets: BOM, neutralised cells, ``;`` and decimal comma
        when asked for."""
        return spreadsheets.write(self.rows, self.columns, separator)


def _hours(value):
    return round(value, 1) if value is not None else None


def tables(report):
    """The report's tables, titled and labelled in the current locale."""
    from amplify.consent.models import OUTCOMES

    found = []
    by_month = {}
    for month, _channel, _language, count in report.publications:
        by_month[month] = by_month.get(month, 0) + count
    found.append(Table("publications", _("Published, by month, channel and language"),
                       [_("Month"), _("Channel"), _("Language"), _("Publications")],
                       [(m, str(CHANNELS.get(c, c)), LANGUAGES.get(lang, lang), n)
                        for m, c, lang, n in report.publications],
                       chart=list(by_month.items())))
    found.append(Table("published", _("The latest publications, with whose consent"),
                       [_("Day"), _("Channel"), _("Address"), _("Named, as they chose"), _("Others, not named")],
                       [(day.isoformat(), str(CHANNELS.get(c, c)), url or _("not shown (taken down or none)"),
                         ", ".join(named), unnamed) for day, c, url, named, unnamed in report.published]))
    consent_rows = [(str(OUTCOMES[o]), n) for o, n in report.outcomes.items()]
    found.append(Table("consent", _("Consent answers"), [_("Answer"), _("People's decisions")], consent_rows,
                       chart=consent_rows))
    found.append(Table("takedowns", _("Withdrawals: each take-down"),
                       [_("Channel"), _("Withdrawn on"), _("Taken down on"), _("Hours it took")],
                       [(str(CHANNELS.get(c, c)), r.date().isoformat(), d.date().isoformat() if d else _("pending"),
                         _hours(h)) for c, r, d, h in report.takedowns]))
    state_rows = [(str(STATES.get(s, s)), n) for s, n in sorted(report.invitations_by_state.items(),
                                                                key=lambda pair: list(STATES).index(pair[0])
                                                                if pair[0] in STATES else 99)]
    found.append(Table("invitations_state", _("Invitations by state"), [_("State"), _("Invitations")],
                       state_rows, chart=state_rows))
    level_rows = [(str(LEVELS.get(lv, lv)), n) for lv, n in report.invitations_by_level.items()]
    found.append(Table("invitations_level", _("Invitations by level of the space"), [_("Level"), _("Invitations")],
                       level_rows, chart=level_rows))
    role_rows = [(str(ROLES.get(r, r)), n) for r, n in sorted(report.invitations_by_role.items())]
    found.append(Table("invitations_role", _("Invitations by role"), [_("Role"), _("Invitations")], role_rows,
                       chart=role_rows))
    first = [(name, event, str(LEVELS.get(level, level))) for name, event, level in report.first_time_named]
    if report.first_time_unnamed:
        first.append((_("%(count)s more, not named (their choice, or for their safety)",
                        count=report.first_time_unnamed), "", ""))
    found.append(Table("first_time", _("People who reached a space for the first time"),
                       [_("Person"), _("Space"), _("Level")], first))
    f = report.fairness
    found.append(Table("fairness", _("How fairly opportunities were spread"), [_("Figure"), _("Value")], [
        (_("People in the pool"), f.pool), (_("Invitations"), f.invitations),
        (_("Distinct people invited"), f.distinct_people), (_("First time in a space"), f.first_timers),
        (_("Share of the five most invited"), round(f.top5_share, 3)),
        (_("Gini coefficient (0 = equal)"), round(f.gini, 3)),
        (_("Herfindahl-Hirschman index"), round(f.hhi, 3)),
        (_("Never invited in the period"), len(f.never_invited)),
    ]))
    found.append(Table("fairness_groups", _("By organization and country"),
                       [_("Organization"), _("Country"), _("People"), _("Invited"), _("Invitations")],
                       [list(row) for row in report.fairness_groups]))
    found.append(Table("coverage", _("Coverage mentions by month"), [_("Month"), _("Mentions")],
                       [list(row) for row in report.coverage], chart=[tuple(row) for row in report.coverage]))
    found.append(Table("press", _("From pitch to coverage, by outlet, country and language"),
                       [_("Outlet"), _("Country"), _("Language"), _("Pitches sent"), _("Answers"),
                        _("Interviews asked for"), _("Coverage")],
                       [(outlet or _("no outlet"), country, LANGUAGES.get(lang, lang), *counts)
                        for outlet, country, lang, *counts in report.press]))
    found.append(Table("press_quotes", _("Coverage that carried quotes, and whose"),
                       [_("Day"), _("Outlet"), _("Title"), _("Address"), _("Named, as they chose"),
                        _("Others, not named")],
                       [(day.isoformat(), outlet, title, url, ", ".join(named), unnamed)
                        for day, outlet, title, url, named, unnamed in report.press_quotes]))
    found.append(Table("commitments", _("Commitments obtained"),
                       [_("Day"), _("Who we met"), _("Meeting"), _("Who promised"), _("What"), _("By when")],
                       [(day.isoformat(), space, title, who, what, due.isoformat() if due else "")
                        for day, space, title, who, what, due in report.commitments]))
    found.append(Table("frameworks", _("Frameworks the work touched"), [_("Code"), _("Framework")],
                       [(code, str(label)) for code, label in report.frameworks]))
    return found
