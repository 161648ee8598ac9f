"""The press desk's two blueprints: staff pages at ``/press``, and a release shared through
its signed link at ``/s/press/<token>`` (a personal page: its URL is the secret)."""

from flask import Blueprint

bp = Blueprint("press", __name__, url_prefix="/press")
shared_bp = Blueprint("press_shared", __name__, url_prefix="/s/press")
