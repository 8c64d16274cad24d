"""Account services: log in with lockout, load a session's user, change passwords, end sessions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import passwords
from app.auth.models import User, new_session_token
from app.auth.roles import ROLES, role_level
from app.filters import china_time
from app.org.models import Point
from engine import audit

MAX_FAILURES = 5
LOCK_MINUTES = 15
# One message whether the username or the password was wrong, so logins cannot probe for usernames.
BAD_CREDENTIALS = f"用户名或密码错误。连续 {MAX_FAILURES} 次输错密码，账号将被锁定 {LOCK_MINUTES} 分钟。"


@dataclass(frozen=True)
class Outcome:
    """The user an account operation succeeded for, or the Chinese reason it failed."""

    user: User | None = None
    error: str | None = None


def _locked(until: datetime) -> str:
    """Say that the account is locked and until when."""
    return f"连续 {MAX_FAILURES} 次密码错误，账号已锁定 {LOCK_MINUTES} 分钟，请于 {china_time(until)} 后再试。"


def user_by_name(session: Session, username: str) -> User | None:
    """Return the user with this username, if any."""
    return session.scalar(select(User).where(User.username == username))


def authenticate(session: Session, username: str, password: str, now: datetime) -> Outcome:
    """Check a login; count failures and lock the account for 15 minutes after the fifth in a row."""
    username = username.strip()
    if not username or not password:
        return Outcome(error="请输入用户名和密码。")
    user = user_by_name(session, username)
    if user is None:
        passwords.check_password(None, password)
        return Outcome(error=BAD_CREDENTIALS)
    if user.locked_until is not None and user.locked_until > now:
        return Outcome(error=_locked(user.locked_until))
    if not passwords.check_password(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins < MAX_FAILURES:
            audit.record(session, at=now, actor=user.username, action="login_failed", point_code=user.point_code)
            return Outcome(error=BAD_CREDENTIALS)
        user.failed_logins = 0  # the lock is the penalty; afterwards the count starts again
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        audit.record(session, at=now, actor=user.username, action="login_locked", point_code=user.point_code,
                     until=user.locked_until.isoformat())
        return Outcome(error=_locked(user.locked_until))
    if not user.active:
        return Outcome(error="账号已停用，请联系系统管理员。")
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, at=now, actor=user.username, action="login", point_code=user.point_code)
    return Outcome(user=user)


def load_session_user(session: Session, ident: str) -> User | None:
    """Return the active user a session id ("<id>:<token>") names, or None once the token was rotated."""
    user_id, _, token = ident.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or not secrets.compare_digest(token, user.session_token):
        return None
    return user


def change_password(session: Session, user_id: int, current: str, new: str, confirm: str, now: datetime) -> Outcome:
    """Change a user's own password; rotating the session token ends their other sessions."""
    user = session.get(User, user_id)
    if user is None:
        return Outcome(error="账号不存在。")
    if not passwords.check_password(user.password_hash, current):
        return Outcome(error="当前密码不正确。")
    problem = passwords.password_problem(new, confirm, username=user.username, current=current)
    if problem:
        return Outcome(error=problem)
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    user.session_token = new_session_token()
    audit.record(session, at=now, actor=user.username, action="change_password", point_code=user.point_code)
    return Outcome(user=user)


def end_sessions(session: Session, user_id: int, *, actor: str, now: datetime) -> None:
    """Log a user out everywhere at their next request by rotating their session token."""
    user = session.get(User, user_id)
    if user is not None:
        user.session_token = new_session_token()
        audit.record(session, at=now, actor=actor, action="end_sessions", point_code=user.point_code,
                     user=user.username)


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password_hash: str,
    role: str,
    now: datetime,
    point_code: str | None = None,
    town_code: str | None = None,
    must_change_password: bool = True,
) -> User:
    """Add a user whose binding fits their role (a clerk a point, town staff a town, county roles neither)."""
    level = role_level(role)
    if level is None:
        raise ValueError(f"unknown role {role!r}; known: {', '.join(ROLES)}")
    if (level == "point") != (point_code is not None) or (level == "town" and town_code is None):
        raise ValueError(f"role {role!r} is {level}-level: point_code={point_code!r} town_code={town_code!r}")
    if level == "county" and town_code is not None:
        raise ValueError(f"county role {role!r} takes no town")
    if point_code is not None:
        point = session.get(Point, point_code)
        if point is None or town_code not in (None, point.town_code):
            raise ValueError(f"point {point_code!r} does not exist in town {town_code!r}")
        town_code = point.town_code  # a clerk's town is their point's, kept for display and reports
    user = User(username=username, display_name=display_name, password_hash=password_hash, role=role,
                point_code=point_code, town_code=town_code, active=True,
                must_change_password=must_change_password, failed_logins=0, session_token=new_session_token(),
                created_at=now)
    session.add(user)
    session.flush()
    return user
