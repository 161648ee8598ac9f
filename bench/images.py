"""Budgets (issue 5): a 1200×675 quote card renders in at most 3× the bare Pillow floor
(new image + text drawn + PNG saved at the same size), measured side by side in one run;
scrubbing a 12-megapixel JPEG takes under 1 s.
Run: .venv/bin/python bench/images.py
"""

import io
import statistics
import tempfile
import time

from PIL import Image, ImageDraw, ImageFont

from amplify import create_app
from amplify.media.cards import Card, font_path, render
from amplify.media.scrub import scrub_image

QUOTE = ("Cuidamos hogares, niñas, niños y personas mayores para que otras personas puedan "
         "trabajar. ¡Sin nosotras no funciona ninguna casa!")


def timed(function, runs):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def floor():
    image = Image.new("RGB", (1200, 675), "#5b2a86")
    draw = ImageDraw.Draw(image)
    draw.text((96, 96), QUOTE, font=ImageFont.truetype(font_path("bold"), 60), fill="#ffffff")
    image.save(io.BytesIO(), format="PNG", optimize=False, compress_level=6)


def main():
    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp()})
    card = Card("quote", "x", QUOTE, "Flor del Valle, Sindicato del Valle (ficticio)")
    with app.test_request_context():
        render(card)  # warm the font cache, as a running server has
        floor()
        bare = timed(floor, 30)
        ours = timed(lambda: render(card), 30)
    print(f"1200×675 quote card: {ours:.1f} ms; bare Pillow floor {bare:.1f} ms; "
          f"ratio {ours / bare:.2f} (budget 3.0)")
    photo = Image.effect_noise((4000, 3000), 64).convert("RGB")  # 12 megapixels of detail
    raw = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    photo.save(raw, format="JPEG", quality=90, exif=exif)
    data = raw.getvalue()
    with app.test_request_context():
        seconds = timed(lambda: scrub_image(data), 3) / 1000
    print(f"scrub a 12-megapixel JPEG ({len(data) / 1e6:.1f} MB, rotated): {seconds:.2f} s (budget 1 s)")


if __name__ == "__main__":
    main()
