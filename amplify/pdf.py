"""Letters, lists and releases as PDF, with fpdf2 (pure Python, on Pillow and fontTools):
the text as staff edited it, set in the Source Sans the cards already ship, so every
letter of es, pt, en and fr prints (the PDF core fonts stop at Latin-1: no “ ” — œ).

fpdf2 is imported when a PDF is made, not when Amplify starts: with fontTools it adds
about 70 MB to every worker that never makes one (issue 13: workers under 150 MB)."""

import os
from functools import cache
from datetime import date, datetime, timezone

import font_source_sans_pro

FONTS = os.path.join(os.path.dirname(font_source_sans_pro.__file__), "files")
FAMILY = "SourceSans"
MARGIN = 20  # mm


@cache
def _document_class():
    from fpdf import FPDF

    class _Document(FPDF):
        def __init__(self, stamp):
            super().__init__(format="A4")
            self.stamp = stamp  # said at the top of every page (an embargo), or ""
            self.add_font(FAMILY, "", os.path.join(FONTS, "SourceSansPro-Regular.ttf"))
            self.add_font(FAMILY, "B", os.path.join(FONTS, "SourceSansPro-Bold.ttf"))
            self.set_margins(MARGIN, MARGIN, MARGIN)
            self.set_auto_page_break(True, MARGIN)

        def header(self):
            if self.stamp:
                self.set_font(FAMILY, "B", 11)
                self.cell(0, 8, self.stamp, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(2)

    return _Document


def document(text, *, title, author, language, table=None, after="", stamp=""):
    """A4 PDF bytes: ``text`` (blank lines part paragraphs), then ``table`` (``(headers,
    rows)``) and ``after`` below it; ``stamp`` at the top of every page."""
    pdf = _document_class()(stamp)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_lang(language)
    pdf.set_creator("Amplify")
    # The day, not the moment: a file says no more about when it was made than needed.
    pdf.set_creation_date(datetime.combine(date.today(), datetime.min.time(), timezone.utc))
    pdf.add_page()
    pdf.set_font(FAMILY, "", 11)
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if block.strip():
            pdf.multi_cell(0, 5.5, block.strip("\n"), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    if table is not None:
        headers, rows = table
        pdf.set_font(FAMILY, "", 10)
        with pdf.table(text_align="LEFT", line_height=6) as grid:  # its first row is set in bold
            grid.row(list(headers))
            for row in rows:
                grid.row([str(value or "") for value in row])
        pdf.ln(3)
    if after:
        pdf.set_font(FAMILY, "", 11)
        pdf.multi_cell(0, 5.5, after, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
