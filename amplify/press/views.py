"""The press desk's pages, one module per sub-resource (``/press/`` and ``/press/outlets``,
``/press/journalists``: ``media_views``; ``/press/releases``: ``release_views``;
``/press/pitches``: ``pitch_views``; ``/press/spokespeople``: ``spokespeople_views``;
``/s/press``: ``shared_views``)."""

from amplify.press import (  # noqa: F401 (their routes)
    media_views, pitch_views, release_views, shared_views, spokespeople_views,
)
from amplify.press.blueprint import bp, shared_bp

__all__ = ["bp", "shared_bp"]
