"""Tables of kiosks and API tokens, the citizens' sessions at a kiosk, and the rate-limit windows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, BigId
from engine.types import UTCDateTime


class Kiosk(Base):
    """A self-service kiosk (自助机) registered to one service point."""

    __tablename__ = "kiosk"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    point_code: Mapped[str] = mapped_column(ForeignKey("service_point.code"), index=True)
    town_code: Mapped[str] = mapped_column(String(40), index=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_by: Mapped[str] = mapped_column(String(80))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(80))


class ApiToken(Base):
    """A bearer token of a kiosk or of a staff account; only its SHA-256 is kept."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "kiosk" or "staff"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, so an admin can tell tokens apart in a list without the secret.
    prefix: Mapped[str] = mapped_column(String(12))
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosk.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(80))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CitizenSession(Base):
    """A citizen identified at a kiosk; the ID number is wiped when the session ends."""

    __tablename__ = "kiosk_citizen_session"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosk.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number: Mapped[str | None] = mapped_column(String(18))
    name: Mapped[str | None] = mapped_column(String(80))
    document: Mapped[str] = mapped_column(String(10))  # "id_card" or "ss_card", as verify_identity records it
    card_number: Mapped[str | None] = mapped_column(String(18))  # a 9-character SS card number, when used
    # The kiosk's card reader read the document (a typed number is not a read): personal records need one.
    card_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    ended_reason: Mapped[str | None] = mapped_column(String(20))  # "logout", "idle", "replaced", "revoked"


class RateWindow(Base):
    """Requests one subject (kiosk or token) made in one fixed time window of one bucket."""

    __tablename__ = "api_rate_window"

    subject: Mapped[str] = mapped_column(String(40), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(20), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(Integer, default=0)


class UsedCardRead(Base):
    """A signed card read that already identified a citizen: presented again, it is a replay and refused.

    Rows older than cardread.READ_MAX_AGE are purged: by then the read is refused as stale anyway.
    """

    __tablename__ = "kiosk_card_read"

    signature: Mapped[str] = mapped_column(String(64), primary_key=True)  # HMAC over device, card and moment
    kiosk_id: Mapped[int] = mapped_column(BigId)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime())
