"""Protect her now, and her data on request (issue 18): ``/people/<id>/protect`` and
``/people/<id>/data``.

Protection is one transaction on her row (``Activist.protected_since``) plus a record of
who protected her, why and when; every domain reacts on its own: ``clearance()`` stops
each item naming her, reports count her as anonymous, the take-down queue and the
notifications listen to ``signals.protection_started``."""
