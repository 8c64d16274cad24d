"""Account services: log in with throttling, load a session's user, change passwords, end sessions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import passwords, sessions, throttle
from app.auth.models import PasswordHistory, User, new_session_token
from app.auth.roles import ROLES, role_level
from app.filters import china_time
from app.org.models import Point
from engine import audit

# One message whether the username or the password was wrong, so logins cannot probe for usernames.
BAD_CREDENTIALS = "用户名或密码错误。多次输错后，本机将暂停该账号的登录一段时间。"


@dataclass(frozen=True)
class Outcome:
    """The user an account operation succeeded for, or the Chinese reason it failed (and how long to wait)."""

    user: User | None = None
    error: str | None = None
    retry_after: int | None = None


def user_by_name(session: Session, username: str) -> User | None:
    """Return the user with this username, if any."""
    return session.scalar(select(User).where(User.username == username))


def _throttled(seconds: int, until: datetime) -> Outcome:
    """Refuse a login attempt while its address or account-and-address is locked."""
    return Outcome(error=f"登录失败次数过多，请 {seconds} 秒后（{china_time(until)} 之后）再试。", retry_after=seconds)


def authenticate(session: Session, username: str, password: str, now: datetime, client_addr: str,
                 rules: throttle.ThrottleRules) -> Outcome:
    """Check a login, throttled per client address and per account from that address (see app.auth.throttle)."""
    username = username.strip()
    if not username or not password:
        return Outcome(error="请输入用户名和密码。")
    keys = {throttle.address_key(client_addr): rules.address_failures,
            throttle.account_key(username, client_addr): rules.account_failures}
    seconds, until = throttle.retry_after(session, list(keys), now)
    if seconds:
        return _throttled(seconds, until)
    user = user_by_name(session, username)
    if not passwords.check_password(user.password_hash if user else None, password):
        locks = {key: throttle.fail(session, key, threshold, now) for key, threshold in keys.items()}
        if user is not None:  # shown in the staff ledger and lifted by an unlock request; it stops no other address
            user.failed_logins = (user.failed_logins or 0) + 1
            account_lock = locks[throttle.account_key(username, client_addr)]
            if account_lock:
                user.locked_until = account_lock
        audit.record(session, at=now, actor=username[:80], action="login_failed",
                     point_code=user.point_code if user else None, client=client_addr, known_user=user is not None)
        locked = {key: until for key, until in locks.items() if until}
        if locked:
            until = max(locked.values())
            audit.record(session, at=now, actor=username[:80], action="login_locked",
                         point_code=user.point_code if user else None, client=client_addr,
                         keys=sorted(k.split(":", 1)[0] for k in locked), until=until.isoformat())
            return _throttled(max(1, int((until - now).total_seconds())), until)
        return Outcome(error=BAD_CREDENTIALS)
    if not user.active:
        return Outcome(error="账号已停用，请联系系统管理员。")
    throttle.forget(session, throttle.account_key(username, client_addr))
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, at=now, actor=user.username, action="login", point_code=user.point_code,
                 client=client_addr)
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


def set_password(session: Session, user: User, new: str, now: datetime) -> None:
    """Store a new password for `user`, remember its hash for the history rule, restart its age."""
    user.password_hash = passwords.hash_password(new)
    user.password_changed_at = now
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, set_at=now))


def reused_password(session: Session, user: User, new: str, rules: passwords.PasswordRules) -> bool:
    """Tell whether `new` is the current password or one of the `rules.history` before it."""
    if not rules.history:
        return False
    recent = session.scalars(select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
                             .order_by(PasswordHistory.set_at.desc(), PasswordHistory.id.desc())
                             .limit(rules.history)).all()
    return any(passwords.check_password(h, new) for h in {user.password_hash, *recent})


def policy_refusal(session: Session, user: User, new: str, confirm: str, rules: passwords.PasswordRules) -> str | None:
    """Return why the policy refuses `new` for `user`, in Chinese, or None."""
    problem = passwords.password_problem(new, confirm, username=user.username, rules=rules)
    if problem is None and reused_password(session, user, new, rules):
        problem = f"新密码不能与当前密码或最近 {rules.history} 次使用过的密码相同。"
    return problem


def change_password(session: Session, user_id: int, current: str, new: str, confirm: str, now: datetime,
                    rules: passwords.PasswordRules, keep_session: str | None = None) -> Outcome:
    """Change a user's own password; their other sessions end (server-side and by rotating the token)."""
    user = session.get(User, user_id)
    if user is None:
        return Outcome(error="账号不存在。")
    if not passwords.check_password(user.password_hash, current):
        return Outcome(error="当前密码不正确。")
    problem = policy_refusal(session, user, new, confirm, rules)
    if problem:
        return Outcome(error=problem)
    set_password(session, user, new, now)
    user.must_change_password = False
    user.session_token = new_session_token()
    ended = sessions.revoke_all(session, user.id, now, "password", keep=keep_session)
    audit.record(session, at=now, actor=user.username, action="change_password", point_code=user.point_code,
                 sessions_ended=ended)
    return Outcome(user=user)


def end_sessions(session: Session, user_id: int, *, actor: str, now: datetime, reason: str = "ended") -> None:
    """Log a user out everywhere: revoke their session rows and rotate their session token."""
    user = session.get(User, user_id)
    if user is not None:
        user.session_token = new_session_token()
        ended = sessions.revoke_all(session, user.id, now, reason)
        audit.record(session, at=now, actor=actor, action="end_sessions", point_code=user.point_code,
                     user=user.username, sessions_ended=ended)


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
                created_at=now, password_changed_at=now)
    session.add(user)
    session.flush()
    session.add(PasswordHistory(user_id=user.id, password_hash=password_hash, set_at=now))
    return user
