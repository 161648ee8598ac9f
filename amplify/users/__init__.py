"""Staff account administration (``/users``), for admins."""
