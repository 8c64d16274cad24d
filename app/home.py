"""The landing page, the overview and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.auth.policy import scope_kwargs
from engine.queries import RECENT_DAYS, ping
from engine.queries import overview as overview_counts

bp = Blueprint("home", __name__)


def engine():
    """Return the app's engine."""
    return current_app.extensions["cuncun.engine"]


@bp.get("/")
def index():
    """Send a signed-in user to their inbox, anyone else to the login page."""
    return redirect(url_for("cases.inbox" if current_user.is_authenticated else "auth.login"))


@bp.get("/overview")
@login_required
def overview():
    """Show deployed processes and the case counts of the user's scope (no personal data)."""
    eng = engine()
    counts = overview_counts(eng.store, eng.clock(), **scope_kwargs(current_user))
    return render_template("home.html", overview=counts, recent_days=RECENT_DAYS)


@bp.get("/healthz")
def healthz():
    """Report that the app and its database answer."""
    ping(engine().store)
    return jsonify(status="ok")
