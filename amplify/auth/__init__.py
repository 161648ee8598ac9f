"""Staff accounts: sign in, sign out, own settings (``/auth``)."""
