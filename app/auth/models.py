"""Declare the user account table."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.roles import role_label
from engine.models import Base, BigId
from engine.types import UTCDateTime


def new_session_token() -> str:
    """Return a fresh random session token."""
    return secrets.token_urlsafe(24)


class User(UserMixin, Base):
    """A login: a role bound to a point (clerk), a town (town staff) or the county (neither)."""

    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(40), index=True)
    point_code: Mapped[str | None] = mapped_column(ForeignKey("service_point.code"), index=True)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("town.code"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    # Informational: failures and the latest lock of this account from some address (app.auth.throttle keys the
    # real lock by account and address, so an outsider's failures never stop the user's own address).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the login cookie's id: replacing it ends every session of this user at their next request.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the password was last set (None: before this was recorded, count from created_at); drives expiry.
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def get_id(self) -> str:
        """Return the id flask-login keeps in the session: the user's id and current session token."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        """Tell flask-login whether this account may be logged in."""
        return self.active

    @property
    def role_label(self) -> str:
        """Return the role in Chinese."""
        return role_label(self.role)


class LoginSession(Base):
    """One login in one browser: the random id lives in Flask's session cookie, the verdict here.

    Why a row and not only the signed cookie: a cookie copied before logout would stay valid until it
    expired; with the row revoked, the server refuses it.
    """

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    client_addr: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(20))  # logout, idle, expired, password, ended


class LoginThrottle(Base):
    """Failed logins counted under one key: a client address, or an account tried from one address."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PasswordHistory(Base):
    """A password hash a user once had, so a new password cannot repeat one of the last few."""

    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())
