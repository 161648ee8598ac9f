"""Irreversible blurring: each marked rectangle is pixelated to coarse blocks and then
blurred, so nothing of the face, sign or plate can be recovered from the new image."""

import io

from PIL import Image, ImageFilter

from amplify.media.scrub import describe


def blur_regions(clean_bytes, rectangles, block=None):
    """A new image from already-scrubbed bytes with ``rectangles`` — ``(x, y, w, h)`` in
    pixels — made unrecognisable. Rectangles are clipped to the image."""
    mime, width, height = describe(clean_bytes)
    with Image.open(io.BytesIO(clean_bytes)) as source:
        image = source.convert("RGBA" if source.mode in ("RGBA", "LA", "P") else "RGB")
    for x, y, w, h in rectangles:
        left, top = max(0, int(x)), max(0, int(y))
        right, bottom = min(width, int(x + w)), min(height, int(y + h))
        if right <= left or bottom <= top:
            continue
        region = image.crop((left, top, right, bottom))
        size = block or max(8, min(right - left, bottom - top) // 6)
        small = region.resize((max(1, (right - left) // size), max(1, (bottom - top) // size)),
                              Image.Resampling.BILINEAR)
        coarse = small.resize(region.size, Image.Resampling.NEAREST)
        image.paste(coarse.filter(ImageFilter.GaussianBlur(radius=size / 2)), (left, top))
    out = io.BytesIO()
    fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[mime]
    if fmt == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
    else:
        image.save(out, format=fmt)
    return out.getvalue()
