"""scrub_image at its edges: pixel counts between our cap and Pillow's, formats Pillow reads
but we do not take, palette transparency — each under the warning settings of production
as well as the test suite's warnings-as-errors."""

import io
import warnings

import pytest
from PIL import Image

from amplify.media import ImageRefused, scrub_image
from amplify.media.models import Asset
from amplify.media.scrub import MAX_PIXELS, _open

# How warnings may be set where Amplify runs: Python's default, ignored, or errors (tests).
WARNING_SETTINGS = ["default", "ignore", "error"]


def encoded(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def bilevel_png(width, height):
    """A huge image in a few kilobytes (one bit per pixel, all white)."""
    return encoded(Image.new("1", (width, height), 1), "PNG")


def refusal(app, data, setting):
    with app.test_request_context(), warnings.catch_warnings():
        warnings.simplefilter(setting)
        with pytest.raises(ImageRefused) as refused:
            scrub_image(data)
    return str(refused.value.message)


@pytest.mark.parametrize("setting", WARNING_SETTINGS)
@pytest.mark.parametrize("width, height", [(8000, 5200), (9400, 9400)])  # 41.6 MP and 88.4 MP
def test_between_our_cap_and_pillows_our_cap_refuses(app, setting, width, height):
    assert MAX_PIXELS < width * height < Image.MAX_IMAGE_PIXELS  # Pillow says nothing here
    assert "too many pixels (at most 40 megapixels)" in refusal(app, bilevel_png(width, height), setting)


@pytest.mark.parametrize("setting", WARNING_SETTINGS)
def test_where_pillow_only_warns_the_image_is_still_refused(app, setting):
    width = height = 10_000  # 100 MP: above Pillow's warning line, below its hard limit
    assert Image.MAX_IMAGE_PIXELS < width * height < 2 * Image.MAX_IMAGE_PIXELS
    assert "too many pixels" in refusal(app, bilevel_png(width, height), setting)


def test_exactly_forty_megapixels_passes_the_cap():
    with _open(bilevel_png(8000, 5000)) as image:
        assert image.width * image.height == MAX_PIXELS


@pytest.mark.parametrize("setting", WARNING_SETTINGS)
@pytest.mark.parametrize("fmt, options", [
    ("GIF", {}),
    ("GIF", {"save_all": True, "append_images": [Image.new("P", (16, 12), 2)], "duration": 100}),
    ("TIFF", {}),
    ("TIFF", {"compression": "tiff_lzw"}),
    ("BMP", {}),
])
def test_images_pillow_reads_but_we_do_not_take_are_refused(app, setting, fmt, options):
    data = encoded(Image.new("P" if fmt == "GIF" else "RGB", (16, 12), 1), fmt, **options)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == fmt  # a valid file, not a damaged one
    assert "not a JPEG, PNG or WebP image" in refusal(app, data, setting)


def test_a_gif_upload_is_refused_with_the_message_and_nothing_stored(app, login):
    data = encoded(Image.new("P", (16, 12), 1), "GIF")
    response = login("comms").post("/media/", {"image": (io.BytesIO(data), "foto.jpg"), "label": "GIF"},
                                   content_type="multipart/form-data")
    assert response.status_code == 400
    assert "This file is not a JPEG, PNG or WebP image." in response.get_data(as_text=True)
    assert Asset.select().count() == 0


def test_a_palette_png_keeps_its_transparency():
    image = Image.new("P", (10, 10), 0)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    image.paste(1, (5, 0, 10, 10))  # right half blue, left half index 0 (transparent)
    clean = scrub_image(encoded(image, "PNG", transparency=0))
    with Image.open(io.BytesIO(clean)) as result:
        assert (result.format, result.mode) == ("PNG", "RGBA")
        assert result.getpixel((1, 1))[3] == 0
        assert result.getpixel((8, 1)) == (0, 0, 255, 255)


def test_a_palette_png_without_transparency_becomes_plain_rgb():
    image = Image.new("P", (10, 10), 0)
    image.putpalette([0, 128, 0] + [0] * 765)
    with Image.open(io.BytesIO(scrub_image(encoded(image, "PNG")))) as result:
        assert (result.format, result.mode) == ("PNG", "RGB") and result.getpixel((3, 3)) == (0, 128, 0)


@pytest.mark.parametrize("mode, fmt", [("LA", "PNG"), ("RGBA", "WEBP")])
def test_other_images_with_alpha_keep_it_in_their_format(mode, fmt):
    image = Image.new(mode, (8, 8), (120, 0) if mode == "LA" else (0, 0, 0, 0))
    with Image.open(io.BytesIO(scrub_image(encoded(image, fmt, **({"lossless": True} if fmt == "WEBP" else {}))))) \
            as result:
        assert result.format == fmt and result.mode == "RGBA" and result.getpixel((0, 0))[3] == 0


def test_a_jpeg_in_cmyk_comes_out_as_an_rgb_jpeg():
    clean = scrub_image(encoded(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG"))
    with Image.open(io.BytesIO(clean)) as result:
        assert (result.format, result.mode) == ("JPEG", "RGB")
        red, green, blue = result.getpixel((4, 4))
        assert red > 200 and green < 60 and blue < 60


@pytest.mark.parametrize("setting", WARNING_SETTINGS)
@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])  # Pillow decodes a WebP whole when it opens it
def test_an_image_whose_header_reads_but_whose_pixels_are_cut_off_is_refused_as_damaged(app, setting, fmt):
    """The header opens (format and size known); the pixels end halfway: refused when they
    are read, with the damaged-image message, not a 500."""
    noise = Image.effect_noise((400, 300), 60).convert("RGB")  # does not compress away
    whole = encoded(noise, fmt)
    with Image.open(io.BytesIO(whole[: len(whole) // 2])) as header_only:
        assert header_only.format == fmt and header_only.size == (400, 300)
    assert refusal(app, whole[: len(whole) // 2], setting) == "The image is damaged or incomplete."
