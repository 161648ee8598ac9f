"""Feeds: the movement's own statements and the coverage that follows (``/feeds``)."""
