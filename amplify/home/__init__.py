"""The start page (``/``): what needs attention today."""
