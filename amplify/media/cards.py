"""Quote cards drawn with Pillow and a real font (Source Sans Pro, from its Python package).

Text is wrapped by measured pixel width and the font size is reduced until it fits the box,
never cut or overflowing; the last line is never a single word when that can be avoided.
The text block (quote and attribution, the attribution at least 45 % of the quote's size)
is centred vertically above a footer that holds the campaign's hashtag and logo. Every text
drawn must contrast at least 4.5:1 with the background (WCAG AA): an accent colour that
does not is kept for the decorative bar only. Characters the font lacks (emoji among them)
are refused with a clear message instead of drawn as empty boxes.
"""

import io
import math
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
    hashtag: str = ""  # the campaign's, in the footer


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


MAIN_SPACING, SECONDARY_SPACING = 1.15, 1.3
SECONDARY_RATIO = 0.45  # the attribution is at least this share of the main text's size


def secondary_size(main_size, width):
    return max(24, width // 36, math.ceil(main_size * SECONDARY_RATIO))


def fit_block(draw, main_text, secondary, box_width, box_height, largest, width):
    """Main text and its second line, sized together: the largest main size at which both
    fit the box with the second line at least SECONDARY_RATIO of it."""
    for size in range(largest, 23, -2):
        face = font("bold", size)
        if not _longest_word_fits(draw, main_text, face, box_width):
            continue
        lines = _wrap(draw, main_text, face, box_width)
        small = secondary_size(size, width)
        small_face = font("regular", small)
        small_lines = _wrap(draw, secondary, small_face, box_width) if secondary else []
        if not _longest_word_fits(draw, secondary, small_face, box_width):
            continue
        block = len(lines) * size * MAIN_SPACING + (small // 2 + len(small_lines) * small * SECONDARY_SPACING
                                                   if small_lines else 0)
        if block <= box_height:
            return (face, lines, size), (small_face, small_lines, small), block
    raise CardRefused(_l("The text is too long for this card: shorten it or choose a larger size."), "main")


def check(card):
    """Refuse what would make a bad card: missing glyphs (emoji), poor contrast."""
    for field, text in (("main", card.main), ("secondary", card.secondary), ("main", card.hashtag)):
        missing = missing_glyphs(text)
        if missing:
            raise CardRefused(_l("The card font cannot draw “%(chars)s” (emoji are not drawn on cards).",
                                 chars="".join(missing)), field)
    if contrast_ratio(card.text_colour, card.background) < 4.5:
        raise CardRefused(_l("Text and background contrast is %(ratio).1f:1; cards need at least 4.5:1.",
                             ratio=contrast_ratio(card.text_colour, card.background)), "text_colour")
    if not card.main.strip():
        raise CardRefused(_l("Write the card's text."), "main")


def text_colours(card):
    """``{part: colour}`` of every text drawn: the accent only where it reads (4.5:1)."""
    accent_reads = contrast_ratio(card.accent, card.background) >= 4.5
    secondary = card.accent if accent_reads and card.template != "statistic" else card.text_colour
    return {"main": card.text_colour, "secondary": secondary, "hashtag": card.text_colour}


def render(card, logo=None):
    """The card as PNG bytes."""
    check(card)
    width, height = SIZES[card.size]
    margin = int(width * 0.08)
    image = Image.new("RGB", (width, height), card.background)
    draw = ImageDraw.Draw(image)
    colours = text_colours(card)
    box_width = width - 2 * margin
    footer = int(height * 0.08) if (logo or card.hashtag) else 0
    bar = max(6, height // 90)
    top_gap = bar + height // 30  # the accent bar above the text
    main_text = f"“{card.main}”" if card.template == "quote" else card.main
    prefix = "— " if card.template == "quote" and card.secondary else ""
    largest = {"statistic": width // 5, "quote": width // 11, "headline": width // 12,
               "event": width // 14}[card.template]
    room = height - 2 * margin - top_gap - (footer + margin // 2 if footer else 0)
    (face, lines, size), (small_face, small_lines, small), block = fit_block(
        draw, main_text, prefix + card.secondary if card.secondary else "", box_width, room, largest, width)
    y = margin + (room - block) / 2  # centred in the room above the footer
    draw.rectangle((margin, y, margin + width // 10, y + bar), fill=card.accent)
    y += top_gap
    for line in lines:
        draw.text((margin, y), line, font=face, fill=colours["main"])
        y += size * MAIN_SPACING
    y += small // 2
    for line in small_lines:
        draw.text((margin, y), line, font=small_face, fill=colours["secondary"])
        y += small * SECONDARY_SPACING
    if footer:
        _draw_footer(image, draw, card, logo, margin, footer, colours["hashtag"])
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def _draw_footer(image, draw, card, logo, margin, footer, colour):
    """The campaign's hashtag at the bottom left, its logo at the bottom right."""
    width, height = image.size
    bottom = height - margin
    logo_width = 0
    if logo is not None:
        with Image.open(io.BytesIO(logo)) as mark:
            mark = mark.convert("RGBA")
            mark.thumbnail((width // 5, footer))
            image.paste(mark, (width - margin - mark.width, bottom - mark.height), mark)
            logo_width = mark.width + margin // 2
    if card.hashtag:
        size = max(24, int(footer * 0.6))
        face = font("bold", size)
        while size > 24 and draw.textlength(card.hashtag, font=face) > width - 2 * margin - logo_width:
            size -= 2
            face = font("bold", size)
        if draw.textlength(card.hashtag, font=face) <= width - 2 * margin - logo_width:  # else left out
            draw.text((margin, bottom), card.hashtag, font=face, fill=colour, anchor="ls")
