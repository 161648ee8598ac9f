"""Small previews for slow phones: at most 640 pixels wide, PNG, no metadata."""

import io
from functools import lru_cache

from PIL import Image

PREVIEW_WIDTH = 640


@lru_cache(maxsize=128)  # keyed by content hash: an asset never changes
def preview_png(sha):
    from amplify.media.models import Asset

    asset = Asset.get(Asset.sha256 == sha)
    with Image.open(io.BytesIO(bytes(asset.data))) as image:
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        image.thumbnail((PREVIEW_WIDTH, PREVIEW_WIDTH * 4))
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
