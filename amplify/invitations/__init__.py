"""Events and invitations of activists to them (``/invitations``)."""
