"""Declare the user account table."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.roles import role_label
from engine.models import Base
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
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the login cookie's id: replacing it ends every session of this user at their next request.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

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
