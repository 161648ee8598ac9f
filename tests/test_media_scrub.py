"""scrub_image on real files: what is removed, kept and refused."""

import io

import pytest
from PIL import Image, PngImagePlugin

from amplify.media import ImageRefused, scrub_image

XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Rosa secret</dc:creator>'
       b'</rdf:Description></rdf:RDF></x:xmpmeta>')


def jpeg_with_everything(size=(60, 30), orientation=6):
    """A JPEG with GPS EXIF, a camera owner, XMP, a comment and a rotated orientation."""
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((20, 20, 200), (0, 0, size[0] // 2, size[1]))  # left half blue: shows rotation
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: rotate 90° CW to display
    exif[0x013B] = "Rosa M. (artist)"  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "S", (12.0, 2.0, 46.0), "W", (77.0, 2.0, 34.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at the union office", xmp=XMP)
    return out.getvalue()


def test_jpeg_loses_gps_exif_xmp_and_comments_and_is_turned_upright():
    raw = jpeg_with_everything()
    assert b"Rosa" in raw and b"union office" in raw
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif()[0x0112] == 6
    clean = scrub_image(raw)
    for secret in (b"Rosa", b"union office", b"GPS", b"Exif", b"xmpmeta", b"adobe"):
        assert secret not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == "JPEG"
        assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info
        assert image.size == (30, 60)  # orientation applied, then forgotten
        top = image.getpixel((15, 5))
        assert top[2] > top[0]  # the blue half is now on top


def test_png_text_chunks_are_removed_and_transparency_kept():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "meeting at Calle Los Olivos 1234")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    clean = scrub_image(out.getvalue())
    assert b"Olivos" not in clean and b"xmp" not in clean.lower()
    with Image.open(io.BytesIO(clean)) as result:
        assert result.mode == "RGBA" and result.getpixel((0, 0))[3] == 0 and not result.text


def test_webp_is_accepted():
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "green").save(out, format="WEBP")
    with Image.open(io.BytesIO(scrub_image(out.getvalue()))) as result:
        assert result.format == "WEBP"


@pytest.mark.parametrize("data, message", [
    (b"<html>not an image</html>", "not a JPEG, PNG or WebP"),  # a file named .jpg holding HTML
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not a JPEG, PNG or WebP"),
    (jpeg_with_everything()[:300], "damaged or incomplete"),
])
def test_bad_files_are_refused_with_a_clear_message(app, data, message):
    with app.test_request_context(), pytest.raises(ImageRefused) as refused:
        scrub_image(data)
    assert message in str(refused.value.message)


def test_decompression_bomb_is_refused_before_decoding(app):
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, format="PNG")  # 144 megapixels in a few KB
    assert len(out.getvalue()) < 100_000
    with app.test_request_context(), pytest.raises(ImageRefused) as refused:
        scrub_image(out.getvalue())
    assert "too many pixels" in str(refused.value.message)


def test_oversized_upload_is_refused(app):
    with app.test_request_context(), pytest.raises(ImageRefused) as refused:
        scrub_image(b"\xff\xd8" + b"0" * (20 * 1024 * 1024))
    assert "20 MB" in str(refused.value.message)
