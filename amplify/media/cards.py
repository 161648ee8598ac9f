"""Quote cards drawn with Pillow and a real font (Source Sans Pro, from its Python package).

Text is wrapped by measured pixel width and the font size is reduced until it fits the box,
never cut or overflowing; the last line is never a single word when that can be avoided;
text and background must contrast at least 4.5:1 (WCAG AA). Characters the font lacks
(emoji among them) are refused with a clear message instead of drawn as empty boxes.
"""

import io
import os
from dataclasses import dataclass
from functools import cache

import font_source_sans_pro
from flask_babel import lazy_gettext as _l
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from amplify.campaigns.forms import contrast_ratio

FONT_DIR = os.path.join(os.path.dirname(font_source_sans_pro.__file__), "files")
FONTS = {"bold": "SourceSansPro-Bold.ttf", "regular": "SourceSansPro-Regular.ttf",
         "italic": "SourceSansPro-It.ttf"}
SIZES = {
    "x": (1200, 675), "instagram-square": (1080, 1080), "instagram-portrait": (1080, 1350),
    "link": (1200, 630), "story": (1080, 1920),
}
SIZE_LABELS = {
    "x": _l("1200×675 — X"), "instagram-square": _l("1080×1080 — Instagram square"),
    "instagram-portrait": _l("1080×1350 — Instagram portrait"),
    "link": _l("1200×630 — Facebook, LinkedIn, link previews"), "story": _l("1080×1920 — stories"),
}
TEMPLATES = {"quote": _l("Quote"), "statistic": _l("Statistic"), "headline": _l("Message headline"),
             "event": _l("Event announcement")}


class CardRefused(ValueError):
    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message, self.field = message, field


@cache
def font_path(style):
    return os.path.join(FONT_DIR, FONTS[style])


@cache
def covered(style):
    """Code points the font draws."""
    return frozenset(TTFont(font_path(style))["cmap"].getBestCmap())


@cache
def font(style, size):
    return ImageFont.truetype(font_path(style), size)


def missing_glyphs(text, style="bold"):
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in covered(style)})


@dataclass
class Card:
    template: str
    size: str
    main: str  # the quote, figure, headline or event line
    secondary: str = ""  # attribution, sentence, source or date and place
    background: str = "#5b2a86"
    text_colour: str = "#ffffff"
    accent: str = "#f2c14e"


def _wrap(draw, text, face, width):
    """Lines of ``text`` within ``width`` pixels, never breaking a word; avoids a lone last word."""
    words, lines, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and draw.textlength(candidate, font=face) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) > 1 and " " not in lines[-1]:
        previous = lines[-2].rsplit(" ", 1)
        if len(previous) == 2:
            moved = f"{previous[1]} {lines[-1]}"
            if draw.textlength(moved, font=face) <= width:
                lines[-2], lines[-1] = previous[0], moved
    return lines


def _longest_word_fits(draw, text, face, width):
    return all(draw.textlength(word, font=face) <= width for word in text.split())


def fit_text(draw, text, style, box_width, box_height, largest, smallest=24, spacing=1.15):
    """The largest font size (and its lines) at which ``text`` fits the box."""
    for size in range(largest, smallest - 1, -2):
        face = font(style, size)
        if not _longest_word_fits(draw, text, face, box_width):
            continue
        lines = _wrap(draw, text, face, box_width)
        if len(lines) * size * spacing <= box_height:
            return face, lines, size
    raise CardRefused(_l("The text is too long for this card: shorten it or choose a larger size."), "main")


def check(card):
    """Refuse what would make a bad card: missing glyphs (emoji), poor contrast."""
    for field, text in (("main", card.main), ("secondary", card.secondary)):
        missing = missing_glyphs(text)
        if missing:
            raise CardRefused(_l("The card font cannot draw “%(chars)s” (emoji are not drawn on cards).",
                                 chars="".join(missing)), field)
    if contrast_ratio(card.text_colour, card.background) < 4.5:
        raise CardRefused(_l("Text and background contrast is %(ratio).1f:1; cards need at least 4.5:1.",
                             ratio=contrast_ratio(card.text_colour, card.background)), "text_colour")
    if not card.main.strip():
        raise CardRefused(_l("Write the card's text."), "main")


def render(card, logo=None):
    """The card as PNG bytes."""
    check(card)
    width, height = SIZES[card.size]
    margin = int(width * 0.08)
    image = Image.new("RGB", (width, height), card.background)
    draw = ImageDraw.Draw(image)
    box_width = width - 2 * margin
    secondary_size = max(24, width // 36)
    secondary_face = font("regular", secondary_size)
    secondary_lines = _wrap(draw, card.secondary, secondary_face, box_width) if card.secondary else []
    reserved = (len(secondary_lines) + 1) * secondary_size * 1.3 + (height * 0.08 if logo else 0)
    main_text = f"“{card.main}”" if card.template == "quote" else card.main
    largest = {"statistic": width // 5, "quote": width // 14, "headline": width // 12,
               "event": width // 14}[card.template]
    face, lines, size = fit_text(draw, main_text, "bold", box_width, height - 2 * margin - reserved, largest)
    y = margin
    draw.rectangle((margin, y, margin + width // 10, y + max(6, height // 90)), fill=card.accent)
    y += height // 30
    for line in lines:
        draw.text((margin, y), line, font=face, fill=card.text_colour)
        y += int(size * 1.15)
    y += secondary_size // 2
    prefix = "— " if card.template == "quote" and card.secondary else ""
    for index, line in enumerate(secondary_lines):
        draw.text((margin, y), (prefix if index == 0 else "") + line, font=secondary_face,
                  fill=card.accent if card.template != "statistic" else card.text_colour)
        y += int(secondary_size * 1.3)
    if logo is not None:
        with Image.open(io.BytesIO(logo)) as mark:
            mark = mark.convert("RGBA")
            mark.thumbnail((width // 6, int(height * 0.08)))
            image.paste(mark, (width - margin - mark.width, height - margin - mark.height), mark)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()
