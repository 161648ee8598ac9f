"""The ``/invitations`` blueprint, which the views of each sub-resource (board and
invitations, events, documents) register their routes on."""

from flask import Blueprint

bp = Blueprint("invitations", __name__, url_prefix="/invitations")
