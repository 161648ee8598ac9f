import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from amplify.campaigns.packs import read_pack
from amplify.media.cards import SIZES, Card, CardRefused, fit_block, missing_glyphs, render, text_colours

DEMO = Path(__file__).resolve().parent.parent / "campaigns" / "domestic-work-is-work"


def test_font_covers_every_character_of_the_demo_pack(app):
    with app.app_context():
        pack = read_pack(DEMO)
    texts = [pack["campaign"]["name"], pack["campaign"]["goal"]]
    for message in pack["messages"]:
        for variant in message["variants"]:
            texts += [variant[k] for k in ("short_form", "long_form", "call_to_action", "evidence_figure")]
    assert missing_glyphs("".join(texts)) == []
    assert missing_glyphs("¡¿—“”«»…ñãõçœ€") == []


@pytest.mark.parametrize("size", list(SIZES))
def test_cards_have_the_exact_size(app, size):
    card = Card("quote", size, "Sin nosotras no funciona ninguna casa.", "Flor del Valle")
    with app.test_request_context():
        data = render(card)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == SIZES[size] and image.format == "PNG"


def test_long_text_shrinks_to_fit_and_never_cuts_a_word(app):
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    text = " ".join(["trabajadoras"] * 40)
    (face, lines, size), (small_face, small_lines, small), block = fit_block(
        draw, text, "— Flor del Valle", 1000, 400, 120, 1200)
    assert size < 120 and " ".join(lines) == text and small_lines == ["— Flor del Valle"]
    assert all(draw.textlength(line, font=face) <= 1000 for line in lines)
    assert small >= 0.45 * size and block <= 400
    assert " " in lines[-1]  # no word alone on the last line


def test_refuses_emoji_poor_contrast_and_text_that_cannot_fit(app):
    with app.test_request_context():
        with pytest.raises(CardRefused) as refused:
            render(Card("quote", "x", "Trabajo digno 💪", ""))
        assert "💪" in str(refused.value.message)
        with pytest.raises(CardRefused):
            render(Card("headline", "x", "Texto", "", background="#777777", text_colour="#ffffff"))
        with pytest.raises(CardRefused):
            render(Card("statistic", "link", "x" * 3000, ""))


def test_the_text_block_is_centred_with_hashtag_and_logo_in_the_footer(app):
    logo = io.BytesIO()
    Image.new("RGBA", (200, 100), (255, 255, 255, 255)).save(logo, format="PNG")
    card = Card("quote", "x", "Sin nosotras no funciona ninguna casa.", "Flor del Valle", hashtag="#C189")
    with app.test_request_context():
        data = render(card, logo.getvalue())
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        background = Image.new("RGB", image.size, card.background)
        inked = ImageChops.difference(image.convert("RGB"), background).convert("L").point(lambda v: 255 * (v > 40))
        footer_top = height - int(width * 0.08) - int(height * 0.08)
        top, bottom = inked.crop((0, 0, width, footer_top)).getbbox()[1::2]
        room_middle = (int(width * 0.08) + footer_top) / 2
        assert abs((top + bottom) / 2 - room_middle) < height * 0.06  # centred, not in the top half
        assert inked.crop((0, footer_top, width // 3, height)).getbbox()  # the hashtag, bottom left
        assert inked.crop((width * 2 // 3, footer_top, width, height)).getbbox()  # the logo, bottom right


def test_every_text_keeps_aa_contrast_an_unreadable_accent_only_decorates(app):
    readable = Card("quote", "x", "Texto", "Flor", background="#5b2a86", text_colour="#ffffff", accent="#f2c14e")
    faint = Card("quote", "x", "Texto", "Flor", background="#5b2a86", text_colour="#ffffff", accent="#7a4aa6")
    assert text_colours(readable)["secondary"] == "#f2c14e"
    assert set(text_colours(faint).values()) == {"#ffffff"}
