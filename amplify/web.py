"""What every request shares: database connection, page-or-fragment rendering, error
pages, the locally served htmx, and the health check."""

from dataclasses import dataclass
from importlib.resources import files

import peewee
from markupsafe import Markup
from flask import current_app, g, make_response, render_template, request, send_from_directory, url_for
from flask_babel import get_locale, gettext as _
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from amplify import security
from amplify.calendars import in_zone
from amplify.consent.links import signed_language
from amplify.db import database
from amplify.i18n import LANGUAGES

HTMX_DIR = files("js_lib_htmx") / "static" / "htmx"


def wants_fragment():
    """A normal htmx swap (not a history restore, not a boosted full navigation)."""
    return bool(
        request.headers.get("HX-Request")
        and not request.headers.get("HX-History-Restore-Request")
        and not request.headers.get("HX-Boosted")
    )


def render(page_template, fragment_template=None, status=200, **context):
    """Render the full page, or only the fragment for an htmx swap. The page includes
    the fragment, so its markup lives once."""
    template = fragment_template if (fragment_template and wants_fragment()) else page_template
    return make_response(render_template(template, **context), status)


# Ids are 32-bit on both databases: a larger number in a URL is simply not found.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<id:name>``: a positive database id."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


def int_arg(name, default=None, maximum=MAX_ID):
    """A whole-number query argument within range, else ``default``."""
    value = request.args.get(name, type=int)
    if value is None or not 1 <= value <= maximum:
        return default
    return value


PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def page_size():
    """Rows per page: ``?per_page=`` capped at MAX_PAGE_SIZE, so that no address can ask for
    an unbounded page; anything that is not a positive number gives the default."""
    value = request.args.get("per_page", type=int)
    if value is None or value < 1:
        return PAGE_SIZE
    return min(value, MAX_PAGE_SIZE)


@dataclass
class Page:
    """One page of a list read by keyset: the rows, and the id to continue after."""

    rows: list
    after: int | None = None  # the cursor this page started from (None: the first page)
    next_after: int | None = None  # None: nothing more
    cursor: str = "after"  # the query argument that carries it

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def url(self, after):
        """This page's address with its filters kept, continuing after ``after``."""
        args = {**(request.view_args or {}), **request.args.to_dict()}
        args.pop(self.cursor, None)
        if after is not None:
            args[self.cursor] = after
        return url_for(request.endpoint, **args)


def keyset_page(query, model, order, descending=True, size=None, cursor="after"):
    """The page of ``query`` that follows the row named by ``?after=<id>``, ordered by the
    fields ``order`` (all in one direction, ending with the model's id so the order is
    total). ``cursor`` names the query argument (two lists on one page need two).
    Reading continues from where the last page stopped, through an index, however
    deep the reader goes; an ``after`` that is malformed or names no row gives page one."""
    size = size or page_size()
    after = int_arg(cursor)
    start = None
    if after is not None:
        row = model.select(*order).where(model.id == after).tuples().first()
        if row is not None:
            start = [field.db_value(value) for field, value in zip(order, row)]
        else:
            after = None
    if start is not None:
        key, bound = peewee.Tuple(*order), peewee.Tuple(*start)
        query = query.where(key < bound if descending else key > bound)
    query = query.order_by(*[field.desc() if descending else field.asc() for field in order])
    rows = list(query.limit(size + 1))
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, after, rows[-1].id if more else None, cursor)


def refuse_nul_bytes():
    """No text field has a use for NUL, and PostgreSQL cannot store it: refuse it early."""
    values = list(request.args.values()) + list(request.form.values()) + [
        v for v in (request.view_args or {}).values() if isinstance(v, str)
    ]
    if any("\x00" in value for value in values):
        raise BadRequest()


def open_database():
    database.connect(reuse_if_open=True)


def close_database(exc):
    if not database.is_closed():
        database.close()


def add_vary(response):
    response.vary.add("HX-Request")
    return response


ERROR_TEXT = {
    400: (lambda: _("Bad request"), lambda: _("The form could not be accepted. Reload the page and try again.")),
    401: (lambda: _("Sign-in needed"), lambda: _("Please sign in to continue.")),
    403: (lambda: _("Not allowed"), lambda: _("Your role does not give access to this page.")),
    404: (lambda: _("Not found"), lambda: _("There is nothing at this address.")),
    405: (lambda: _("Not allowed"), lambda: _("This address does not accept that kind of request.")),
    409: (lambda: _("Not cleared"), lambda: _("This item is not cleared for publication: everyone it names, quotes or shows must agree to this exact version first.")),
    413: (lambda: _("Too large"), lambda: _("The upload is larger than this server accepts.")),
    429: (lambda: _("Too many attempts"), lambda: _("Please wait a few minutes and try again.")),
    500: (lambda: _("Something went wrong"), lambda: _("Nothing was saved. The error was logged; please try again.")),
    503: (lambda: _("Temporarily unavailable"), lambda: _("The database cannot be reached right now. Nothing was saved; please try again in a moment.")),
}


def error_page(status, detail=None):
    title, text = ERROR_TEXT.get(status, ERROR_TEXT[500])
    response = render(
        "errors/error.html",
        "errors/_error.html",
        status=status,
        code=status,
        title=title(),
        text=detail or text(),
    )
    if status == 401 and wants_fragment():
        response.headers["HX-Refresh"] = "true"
    return response


def handle_http_error(error):
    if error.code is None or error.code < 400:
        return error
    from flask_wtf.csrf import CSRFError

    detail = None
    if isinstance(error, CSRFError):
        detail = _("This form has expired or did not come from Amplify. Reload the page and try again.")
    return error_page(error.code, detail)


def handle_database_error(error):
    """The database failed (it restarted, refused connections, or the connection was cut
    mid-request): a 503 saying nothing was saved, read from nothing — the connection is
    given back (the pool drops one the server closed) and the page asks the database for
    nothing more (``g.database_down``: no badge count). Her page speaks the language her
    link carries."""
    g.database_down = True
    if not database.is_closed():
        for give_back in (database.rollback, database.close):
            try:
                give_back()
            except peewee.PeeweeException:
                pass
    if request.endpoint == "healthz":
        return {"status": "unavailable"}, 503
    token = (request.view_args or {}).get("token")
    if token and security.is_personal(request.endpoint) and not g.get("page_language"):
        g.page_language = signed_language(token)
    return error_page(503)


def handle_out_of_range_number(error):
    """A number from the request too large for the database to compare (SQLite stores
    64 bits): bad input, answered as such; logged, in case a number of ours overflowed."""
    current_app.logger.warning("number out of range on %s", request.path, exc_info=error)
    return error_page(400)


# The main menu's markup by language, section, role and mount point: the same 16 links on
# every staff page, rendered once per process for each (about 0.4 ms a page otherwise).
_NAV = {}


def main_nav():
    """The main menu (``_nav.html``), marking the section the page belongs to."""
    endpoint = request.endpoint or ""
    section = next((prefix for prefix in ("people.activist", "people.organization") if endpoint.startswith(prefix)),
                   request.blueprint)
    key = (str(get_locale()), section, g.user.role, request.script_root)
    found = _NAV.get(key)
    if found is None:
        template = current_app.jinja_env.get_template("_nav.html")
        found = _NAV[key] = Markup(template.render(request=request, can=security.can, url_for=url_for))
    return found


def init_app(app):
    if app.config["PROXIES"]:
        count = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    app.url_map.converters["id"] = IdConverter
    app.before_request(refuse_nul_bytes)
    app.before_request(open_database)
    app.before_request(security.enforce_access)
    app.teardown_request(close_database)
    app.after_request(add_vary)
    app.after_request(security.security_headers)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(peewee.OperationalError, handle_database_error)
    app.register_error_handler(peewee.InterfaceError, handle_database_error)
    app.register_error_handler(OverflowError, handle_out_of_range_number)

    app.add_template_filter(in_zone, "in_zone")
    app.add_template_global(main_nav, "main_nav")

    @app.context_processor
    def globals_for_templates():
        return {"can": security.can, "LANGUAGES": LANGUAGES, "current_user": g.get("user"),
                "current_locale": str(get_locale() or "en")}

    @app.get("/vendor/htmx.min.js")
    @security.public
    def htmx_js():
        return send_from_directory(str(HTMX_DIR), "htmx.min.js", max_age=86400)

    @app.get("/favicon.ico")
    @security.public
    def favicon():
        """Pages declare no icon (``data:,``); a browser that asks anyway gets "nothing",
        cached, instead of a 404 on every page."""
        return "", 204, {"Cache-Control": "public, max-age=604800"}

    @app.get("/healthz")
    @security.public
    def healthz():
        try:
            database.execute_sql("SELECT 1")
        except peewee.PeeweeException:
            return {"status": "unavailable"}, 503
        return {"status": "ok"}
