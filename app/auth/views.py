"""Log in, log out and change one's own password; check the login session on every request."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import passwords, services, sessions
from app.auth.models import LoginSession, User
from app.auth.throttle import ThrottleRules
from engine import audit

bp = Blueprint("auth", __name__)

SESSION_KEY = "login_sid"  # the login session's row id, inside Flask's signed session cookie
# Pages a user who must change their password may still reach.
_OPEN_WHILE_FORCED = {"auth.password", "auth.logout", "static"}
_ENDED = {
    "idle": "登录已超时，请重新登录。",
    "expired": "登录时间已超过上限，请重新登录。",
    "revoked": "登录已失效，请重新登录。",
}


def _engine():
    """Return the app's engine (its store and clock)."""
    return current_app.extensions["cuncun.engine"]


def _settings():
    """Return the app's Settings."""
    return current_app.extensions["cuncun.settings"]


def _client_addr() -> str:
    """Return the client's address as the WSGI server saw it."""
    return request.remote_addr or "unknown"


def load_user(ident: str) -> User | None:
    """Load the session's user for flask-login; None logs out an inactive or rotated session."""
    with _engine().store.session() as s:
        return services.load_session_user(s, ident)


def _safe_next(target: str | None) -> str | None:
    """Return the `next` target when it stays on this site, else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _session_over() -> str | None:
    """Return why this request's login session is over (and revoke it), or None while it lives."""
    sid = session.get(SESSION_KEY)
    engine, settings = _engine(), _settings()
    now = engine.clock()
    with engine.store.session() as s:
        row = s.get(LoginSession, sid) if sid else None
        verdict = sessions.judge(row, current_user.id, now, timedelta(minutes=settings.session_idle_minutes),
                                 timedelta(hours=settings.session_max_hours))
    if verdict.touch or verdict.ended in ("idle", "expired"):
        with engine.store.session(write=True) as s:
            if verdict.touch:
                sessions.touch(s, sid, now)
            else:
                sessions.revoke(s, sid, now, verdict.ended)
                audit.record(s, at=now, actor=current_user.username, action="session_" + verdict.ended,
                             point_code=current_user.point_code, client=_client_addr())
    return verdict.ended


def _password_expired() -> bool:
    """Tell whether the current user's password is past the maximum age."""
    rules = passwords.PasswordRules.from_settings(_settings())
    return passwords.is_expired(current_user.password_changed_at, current_user.created_at, _engine().clock(), rules)


@bp.before_app_request
def guard_session():
    """End a revoked, idle or too old login session; send a user whose password must change to that page first."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    ended = _session_over()
    if ended:
        logout_user()
        session.pop(SESSION_KEY, None)
        flash(_ENDED[ended], "info")
        return redirect(url_for("auth.login", next=_safe_next(request.full_path.rstrip("?"))
                                if request.method == "GET" else None))
    if request.endpoint in _OPEN_WHILE_FORCED:
        return None
    if current_user.must_change_password or _password_expired():
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
    engine, addr = _engine(), _client_addr()
    with engine.store.session(write=True) as s:
        now = engine.clock()
        outcome = services.authenticate(s, username, request.form.get("password", ""), now, addr,
                                        ThrottleRules.from_settings(_settings()))
        sid = sessions.start(s, outcome.user, now, addr) if outcome.user else None
    if outcome.error:
        page = render_template("auth/login.html", next_url=next_url, username=username.strip()[:40],
                               error=outcome.error)
        if outcome.retry_after:
            return page, 429, {"Retry-After": str(outcome.retry_after)}
        return page
    login_user(outcome.user)
    session[SESSION_KEY] = sid
    if outcome.user.must_change_password or _password_expired():
        return redirect(url_for("auth.password"))
    return redirect(next_url or url_for("home.index"))


@bp.post("/logout")
def logout():
    """Log the user out: the session row is revoked, so a copy of the cookie no longer works."""
    if current_user.is_authenticated:
        engine = _engine()
        with engine.store.session(write=True) as s:
            now = engine.clock()
            if session.get(SESSION_KEY):
                sessions.revoke(s, session[SESSION_KEY], now, "logout")
            audit.record(s, at=now, actor=current_user.username, action="logout",
                         point_code=current_user.point_code, client=_client_addr())
    logout_user()
    session.pop(SESSION_KEY, None)
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Show the change-password form, or change the user's own password."""
    rules = passwords.PasswordRules.from_settings(_settings())
    forced = "first" if current_user.must_change_password else "expired" if _password_expired() else None
    shown = {"forced": forced, "rules": rules, "rules_text": passwords.rules_text(rules)}
    if request.method == "GET":
        return render_template("auth/password.html", **shown)
    engine = _engine()
    form = request.form
    with engine.store.session(write=True) as s:
        outcome = services.change_password(s, current_user.id, form.get("current", ""), form.get("new", ""),
                                           form.get("confirm", ""), engine.clock(), rules,
                                           keep_session=session.get(SESSION_KEY))
    if outcome.error:
        return render_template("auth/password.html", error=outcome.error, **shown), 422
    login_user(outcome.user)  # the token rotated: keep this session, end the others
    flash("密码已修改。", "info")
    return redirect(url_for("home.index"))
