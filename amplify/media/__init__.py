"""Images that are safe to share (``/media``): every stored image is scrubbed of metadata,
faces and signs can be blurred irreversibly, and quote cards are drawn with a real font."""

from amplify.media.scrub import ImageRefused, scrub_image

__all__ = ["ImageRefused", "scrub_image"]
