"""Every CSV file Amplify writes, so that spreadsheets open it safely and as people expect.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a line break is run as a
formula by Excel, LibreOffice and Google Sheets (OWASP "CSV injection"): names and titles
people typed could then fetch data or run commands on the reader's machine. Such a cell
gets a leading apostrophe, which spreadsheets show as text and hide. A scheduler file is
read by a tool, not a person, and must carry the cleared text exactly: there, a text that
starts like a formula is left out of the file and shown on the page instead
(``starts_like_formula``).

Spreadsheets in Spanish, Portuguese and French expect ``;`` between cells and a decimal
comma: ``SEMICOLON`` writes that variant. A byte-order mark tells Excel the file is UTF-8
(without it, ``¡año`` opens as ``Â¡aÃ±o``).
"""

import csv
import io

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
BOM = "\ufeff"
COMMA = ","
SEMICOLON = ";"
SEPARATORS = {"comma": COMMA, "semicolon": SEMICOLON}


def starts_like_formula(value):
    """Whether a spreadsheet would read this text cell as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def neutralise(value):
    """The cell as a spreadsheet should show it: formula-like text behind an apostrophe."""
    return "'" + value if starts_like_formula(value) else value


def _cell(value, separator):
    if value is None:
        return ""
    if isinstance(value, float) and separator == SEMICOLON:
        return repr(value).replace(".", ",")
    return neutralise(value)


def write(rows, header=None, separator=COMMA, bom=True):
    """``rows`` (and an optional header) as CSV text: CRLF line ends (RFC 4180), every
    cell neutralised, a BOM first unless the reading tool documents otherwise."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    if header:
        writer.writerow([_cell(value, separator) for value in header])
    for row in rows:
        writer.writerow([_cell(value, separator) for value in row])
    return (BOM if bom else "") + out.getvalue()
