"""Personal review pages (``/r/<token>``): where activists decide, on their own phone,
without an account. Light, JavaScript-free, in their language."""
