"""The consent ledger (``/consent`` for staff) and personal review pages (``/r/<token>``)."""
