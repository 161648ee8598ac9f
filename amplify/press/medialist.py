"""The media list in and out of spreadsheets.

Import reads a CSV file as people save it (UTF-8 with or without a byte-order mark, comma
or semicolon between cells) whose first row names the columns. Every cell is only ever
text: nothing in it is run, a cell over its length cap is refused, control characters
are dropped, line breaks in one-line fields become spaces, and a leading apostrophe that
a spreadsheet (or our own export) put before formula-like text is taken off. Rows are
matched by e-mail: a journalist already on the list, or repeated in the file, is left out
and the report says which row and why. The good rows go in together, in one transaction.

Export writes through ``amplify.spreadsheets``, so no cell opens as a formula.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from peewee import fn

from amplify import audit, limits, spreadsheets
from amplify.db import database, utcnow
from amplify.press.models import Journalist, Outlet, email_key
from amplify.rules import NotAllowed

MAX_BYTES = 2_000_000
MAX_ROWS = 5000
EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")
# Column names a file may use (lower-cased, spaces as underscores), and what they mean.
COLUMNS = {
    "name": "name", "nombre": "name", "nome": "name", "nom": "name",
    "email": "email", "e-mail": "email", "correo": "email",
    "outlet": "outlet", "medio": "outlet", "veículo": "outlet", "media": "outlet",
    "country": "country", "beat": "beat", "languages": "languages", "tags": "tags",
    "public_contacts": "public_contacts", "private_contacts": "private_contacts",
    "notes": "notes", "do_not_contact": "do_not_contact",
    "do_not_contact_reason": "do_not_contact_reason",
}
ONE_LINE = {"name": limits.NAME, "email": 254, "outlet": limits.NAME, "country": limits.NAME,
            "beat": limits.NAME, "languages": limits.NAME, "tags": limits.NAME}
MULTI_LINE = {"public_contacts": limits.NOTE, "private_contacts": limits.NOTE, "notes": limits.TEXT,
              "do_not_contact_reason": limits.NOTE}
YES = {"1", "yes", "y", "true", "x", "sí", "si", "sim", "oui"}
EXPORT_HEADER = ["name", "email", "outlet", "country", "beat", "languages", "tags", "public_contacts",
                 "private_contacts", "notes", "do_not_contact", "do_not_contact_reason"]


@dataclass
class ImportReport:
    added: list = field(default_factory=list)  # journalists
    skipped: list = field(default_factory=list)  # (row number, name, reason)


def _text(raw):
    """The file as text, or NotAllowed saying how to save it."""
    if len(raw) > MAX_BYTES:
        raise NotAllowed(_l("The file is too large (at most 2 MB): split it."), "file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotAllowed(_l("The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”."),
                         "file") from None
    if not text.strip():
        raise NotAllowed(_l("The file is empty."), "file")
    return text


def _clean(column, value):
    """A cell as text we keep, or ValueError when it is too long."""
    value = CONTROL.sub("", value or "")
    if column in ONE_LINE:
        value = LINE_BREAKS.sub(" ", value).strip()
        if value.startswith("'") and spreadsheets.starts_like_formula(value[1:]):
            value = value[1:]
        if len(value) > ONE_LINE[column]:
            raise ValueError(column)
    else:
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if value.startswith("'") and spreadsheets.starts_like_formula(value[1:]):
            value = value[1:]
        if len(value) > MULTI_LINE.get(column, limits.NOTE):
            raise ValueError(column)
    return value


def _words(value):
    return [word for word in re.split(r"[,;|\s]+", value) if word][:20]


def read_rows(raw):
    """``[(row number, {column: text})]`` from the file's bytes; NotAllowed for a file
    that cannot be read at all."""
    text = _text(raw)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader)
    except csv.Error:
        raise NotAllowed(_l("This is not a CSV file that can be read."), "file") from None
    columns = [COLUMNS.get(CONTROL.sub("", h).strip().lower().replace(" ", "_")) for h in header]
    if "name" not in columns or "email" not in columns:
        raise NotAllowed(_l("The first row must name the columns, with at least “name” and “email”."), "file")
    rows = []
    try:
        for number, cells in enumerate(reader, start=2):
            if len(rows) == MAX_ROWS:
                raise NotAllowed(_l("At most %(n)d journalists per file: split it.", n=MAX_ROWS), "file")
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((number, {column: cell for column, cell in zip(columns, cells) if column}))
    except csv.Error:
        raise NotAllowed(_l("This is not a CSV file that can be read."), "file") from None
    return rows


def import_journalists(raw):
    """Add the journalists of a CSV file; ``ImportReport`` says who went in and which rows
    were left out, and why. Nothing is written when the file itself cannot be read."""
    report = ImportReport()
    seen = {}
    outlets = {}
    with database.atomic():
        for number, cells in read_rows(raw):
            try:
                values = {column: _clean(column, cells.get(column, "")) for column in COLUMNS.values()}
            except ValueError as too_long:
                report.skipped.append((number, (cells.get("name") or "")[:80],
                                       _l("The “%(column)s” cell is too long.", column=too_long.args[0])))
                continue
            name, email = values["name"], values["email"]
            if not name:
                report.skipped.append((number, "", _l("No name.")))
                continue
            if not EMAIL.match(email):
                report.skipped.append((number, name, _l("No valid e-mail address.")))
                continue
            key = email_key(email)
            if key in seen:
                report.skipped.append((number, name, _l("The same e-mail as row %(row)d of this file.",
                                                        row=seen[key])))
                continue
            existing = Journalist.by_email(email)
            if existing is not None:
                report.skipped.append((number, name, _l("Already on the list as %(name)s.", name=existing.name)))
                continue
            seen[key] = number
            outlet = None
            if values["outlet"]:
                wanted = values["outlet"].lower()
                outlet = outlets.get(wanted)
                if outlet is None:
                    country = values["country"].upper() if re.fullmatch(r"[A-Za-z]{2}", values["country"]) else ""
                    outlet = (Outlet.select().where(fn.LOWER(Outlet.name) == wanted).first()
                              or Outlet.create(name=values["outlet"], kind="other", country=country))
                    outlets[wanted] = outlet
            do_not_contact = values["do_not_contact"].strip().lower() in YES
            journalist = Journalist.create(
                name=name, email=email, email_key=key, outlet=outlet, beat=values["beat"],
                languages=[w.lower()[:8] for w in _words(values["languages"])], tags=_words(values["tags"]),
                public_contacts=values["public_contacts"], private_contacts=values["private_contacts"],
                notes=values["notes"], do_not_contact=do_not_contact,
                do_not_contact_reason=(values["do_not_contact_reason"] or str(_l("Imported as “do not contact”.")))
                if do_not_contact else "", updated_at=utcnow())
            report.added.append(journalist)
        audit.record("journalist.import", None, {"added": len(report.added), "skipped": len(report.skipped)},
                     subject_type="journalist", subject_id=0)
    return report


def export_csv(journalists):
    """The media list as CSV (private contacts included: the caller checks the role and
    audits the export)."""
    rows = [(j.name, j.email, j.outlet.name if j.outlet_id else "", j.outlet.country if j.outlet_id else "",
             j.beat, " ".join(j.languages), " ".join(j.tags), j.public_contacts, j.private_contacts, j.notes,
             "yes" if j.do_not_contact else "", j.do_not_contact_reason)
            for j in journalists]
    return spreadsheets.write(rows, EXPORT_HEADER)
