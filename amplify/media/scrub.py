"""``scrub_image``: the only way an image gets into Amplify.

The type is read from the bytes, never the name; size and pixel count are capped (a
decompression bomb is refused before it is decoded); the EXIF orientation is applied, then
the pixels alone are re-encoded — EXIF (GPS included), XMP, IPTC, comments, ICC-embedded
text and thumbnails do not survive. The raw upload is never stored.
"""

import io
import warnings

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about 7,300 × 5,500: any phone camera, and no bomb
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class ImageRefused(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def _looks_like_image(data):
    return data.startswith(SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def _open(data):
    if len(data) > MAX_BYTES:
        raise ImageRefused(_l("The image is larger than 20 MB."))
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a decompression bomb below its own hard limit.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRefused(_l("The image has too many pixels (at most 40 megapixels).")) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        if _looks_like_image(data):
            raise ImageRefused(_l("The image is damaged or incomplete.")) from None
        raise ImageRefused(_l("This file is not a JPEG, PNG or WebP image.")) from None
    if image.format not in FORMATS:
        raise ImageRefused(_l("This file is not a JPEG, PNG or WebP image."))
    if image.width * image.height > MAX_PIXELS:
        raise ImageRefused(_l("The image has too many pixels (at most 40 megapixels)."))
    return image


def scrub_image(data: bytes) -> bytes:
    """Re-encode ``data`` with its orientation applied and no metadata at all.
    Raises ImageRefused with a message for the user."""
    image = _open(data)
    kind = image.format
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise ImageRefused(_l("The image is damaged or incomplete.")) from None
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
    clean = Image.new("RGBA" if has_alpha else "RGB", upright.size)
    clean.paste(upright.convert(clean.mode))  # pixels only: no info dict, no EXIF, no ICC
    out = io.BytesIO()
    if kind == "JPEG" and not has_alpha:
        clean.save(out, format="JPEG", quality=88, optimize=True)
    elif kind == "WEBP":
        clean.save(out, format="WEBP", quality=88)
    else:
        clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def describe(data):
    """``(mime, width, height)`` of already-scrubbed bytes."""
    with Image.open(io.BytesIO(data)) as image:
        return FORMATS[image.format], image.width, image.height
