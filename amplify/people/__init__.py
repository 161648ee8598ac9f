"""Movement organizations and activists (``/people``)."""
