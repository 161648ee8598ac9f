import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from amplify.campaigns.packs import read_pack
from amplify.media.cards import SIZES, Card, CardRefused, fit_text, missing_glyphs, render

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
    face, lines, size = fit_text(draw, text, "bold", 1000, 400, 120)
    assert size < 120 and " ".join(lines) == text
    assert all(draw.textlength(line, font=face) <= 1000 for line in lines)
    assert len(lines) * size * 1.15 <= 400
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
