"""Languages: the user's setting, else the one chosen on the sign-in page, else the
browser's, else the instance default."""

from flask import g, has_request_context, request, session
from flask_babel import Babel

LANGUAGES = {"es": "Español", "pt": "Português", "en": "English", "fr": "Français"}

babel = Babel()


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


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
