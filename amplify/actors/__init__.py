"""The power map of each campaign (``/actors``): see models.py."""
