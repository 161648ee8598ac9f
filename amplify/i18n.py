"""Languages: the user's setting, else the one chosen on the sign-in page, else the
browser's, else the instance default."""

from flask import current_app, g, has_request_context, request, session
from flask_babel import Babel, format_decimal, get_locale, lazy_gettext as _l
from flask_babel.speaklater import LazyString
from markupsafe import escape

LANGUAGES = {"es": "Español", "pt": "Português", "en": "English", "fr": "Français"}

babel = Babel()


def _escaped(lazy):
    return escape(str(lazy))


# Flask-Babel's lazy string tells Jinja it is already HTML (its ``__html__`` returns the
# text as it is), so a message formatted with what someone typed — "“%(line)s” is not a web
# address" — would reach the page unescaped. No message of ours holds markup: escape them
# all, like any other string.
LazyString.__html__ = _escaped

# CLDR territory codes that are not countries: groupings, pseudo-locales, uninhabited or
# exceptionally reserved places (ISO 3166-1 lists none of these as a country one lives in).
NOT_COUNTRIES = frozenset({"AC", "AQ", "BV", "CP", "CQ", "DG", "EA", "EU", "EZ", "HM", "IC", "QO",
                           "TA", "TF", "UM", "UN", "XA", "XB", "ZZ"})
# Languages CLDR has no name for.
EXTRA_LANGUAGE_NAMES = {"nah": _l("Nahuatl")}


def country_choices():
    """``[(code, name)]`` of real countries, by name in the user's language."""
    territories = get_locale().territories
    codes = sorted((c for c in territories if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES),
                   key=lambda c: territories[c])
    return [("", "—")] + [(c, territories[c]) for c in codes]


def country_name(code):
    """A country's name in the user's language (its code when unknown)."""
    return get_locale().territories.get(code or "", code or "")


def language_name(code):
    """A language's name in the user's language, as CLDR (through Babel) writes it."""
    name = get_locale().languages.get(code or "") or EXTRA_LANGUAGE_NAMES.get(code)
    return str(name) if name else code


def select_locale():
    if not has_request_context():  # the CLI, tasks: the instance default
        return None
    if g.get("page_language") in LANGUAGES:  # a page about one person speaks their language
        return g.page_language
    user = g.get("user")
    if user is not None and user.language in LANGUAGES:
        return user.language
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(list(LANGUAGES))


def decimal(value, digits=1):
    """A number written the user's way (``0,0`` in es and pt, ``0.0`` in en)."""
    return format_decimal(value, format="#,##0." + "0" * digits) if digits else format_decimal(value, format="#,##0")


def select_timezone():
    """Moments (``|datetimeformat``: the audit log, comments, receipts, sessions) read in
    the signed-in staff member's time zone, else the installation's; planned times and
    embargoes name their zone themselves (``amplify.calendars.in_zone``)."""
    if not has_request_context():
        return None
    user = g.get("user")
    if user is not None and getattr(user, "time_zone", ""):
        return user.time_zone
    return current_app.config["TIMEZONE"]


def init_app(app):
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.add_template_filter(country_name, "country")
    app.add_template_filter(language_name, "language")
    app.add_template_filter(decimal, "decimal")
