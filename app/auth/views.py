"""Log in, log out and change one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services
from app.auth.models import User
from engine import audit

bp = Blueprint("auth", __name__)

# Pages a user who must change their password may still reach.
_OPEN_WHILE_FORCED = {"auth.password", "auth.logout", "static"}


def _engine():
    """Return the app's engine (its store and clock)."""
    return current_app.extensions["cuncun.engine"]


def load_user(ident: str) -> User | None:
    """Load the session's user for flask-login; None logs out an inactive or rotated session."""
    with _engine().store.session() as session:
        return services.load_session_user(session, ident)


def _safe_next(target: str | None) -> str | None:
    """Return the `next` target when it stays on this site, else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.before_app_request
def force_password_change():
    """Send a user who must change their password to the password page first."""
    if request.endpoint in _OPEN_WHILE_FORCED or not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        return redirect(url_for("auth.password"))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form, or log the user in."""
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(next_url or url_for("home.index"))
        return render_template("auth/login.html", next_url=next_url, username="")
    username = request.form.get("username", "")
    engine = _engine()
    with engine.store.session(write=True) as session:
        outcome = services.authenticate(session, username, request.form.get("password", ""), engine.clock())
    if outcome.error:
        return render_template("auth/login.html", next_url=next_url, username=username.strip(),
                               error=outcome.error)
    login_user(outcome.user)
    if outcome.user.must_change_password:
        return redirect(url_for("auth.password"))
    return redirect(next_url or url_for("home.index"))


@bp.post("/logout")
def logout():
    """Log the user out of this session."""
    if current_user.is_authenticated:
        engine = _engine()
        with engine.store.session(write=True) as session:
            audit.record(session, at=engine.clock(), actor=current_user.username, action="logout",
                         point_code=current_user.point_code)
    logout_user()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Show the change-password form, or change the user's own password."""
    forced = current_user.must_change_password
    if request.method == "GET":
        return render_template("auth/password.html", forced=forced)
    engine = _engine()
    form = request.form
    with engine.store.session(write=True) as session:
        outcome = services.change_password(session, current_user.id, form.get("current", ""), form.get("new", ""),
                                           form.get("confirm", ""), engine.clock())
    if outcome.error:
        return render_template("auth/password.html", forced=forced, error=outcome.error)
    login_user(outcome.user)  # the token rotated: keep this session, end the others
    flash("密码已修改。", "info")
    return redirect(url_for("home.index"))
