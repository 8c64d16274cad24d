"""Server-side login sessions: one row per login, checked on every request, revoked on logout.

The cookie carries only the row's random id. Logging out, an idle spell longer than the idle timeout,
the absolute lifetime, a password change or an account being disabled revoke the row, so a copy of the
cookie taken earlier is refused. `last_seen_at` is written at most once a minute (TOUCH_EVERY), not on
every request; the idle timeout is therefore exact to within that minute.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.auth.models import LoginSession, User

TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Verdict:
    """Why a session is over ("revoked", "idle", "expired"; None: it lives) and whether to note its use."""

    ended: str | None
    touch: bool = False


def start(session: Session, user: User, now: datetime, client_addr: str) -> str:
    """Record a new login of `user`; return its random id for the cookie."""
    sid = secrets.token_urlsafe(32)
    session.add(LoginSession(id=sid, user_id=user.id, created_at=now, last_seen_at=now,
                             client_addr=(client_addr or "")[:64]))
    return sid


def judge(row: LoginSession | None, user_id: int, now: datetime, idle: timedelta, lifetime: timedelta) -> Verdict:
    """Judge a session row against the request's user, the idle timeout and the absolute lifetime."""
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        return Verdict("revoked")
    if now - row.last_seen_at > idle:
        return Verdict("idle")
    if now - row.created_at > lifetime:
        return Verdict("expired")
    return Verdict(None, touch=now - row.last_seen_at >= TOUCH_EVERY)


def touch(session: Session, sid: str, now: datetime) -> None:
    """Note that the session was used now."""
    session.execute(update(LoginSession).where(LoginSession.id == sid).values(last_seen_at=now))


def revoke(session: Session, sid: str, now: datetime, reason: str) -> None:
    """End one session (if it is still live)."""
    session.execute(update(LoginSession).where(LoginSession.id == sid, LoginSession.revoked_at.is_(None))
                    .values(revoked_at=now, revoked_reason=reason))


def revoke_all(session: Session, user_id: int, now: datetime, reason: str, keep: str | None = None) -> int:
    """End every live session of a user except `keep`; return how many ended."""
    query = update(LoginSession).where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
    if keep:
        query = query.where(LoginSession.id != keep)
    return session.execute(query.values(revoked_at=now, revoked_reason=reason)).rowcount
