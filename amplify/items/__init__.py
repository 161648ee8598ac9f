"""Items: what is published or handed out, built from approved messages (``/items``)."""
