"""The landing page and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from engine.queries import overview

bp = Blueprint("home", __name__)


def engine():
    """Return the app's engine."""
    return current_app.extensions["cuncun.engine"]


@bp.get("/")
def index():
    """Show deployed processes and case counts (no personal data)."""
    return render_template("home.html", overview=overview(engine().store))


@bp.get("/healthz")
def healthz():
    """Report that the app and its database answer."""
    overview(engine().store)
    return jsonify(status="ok")
