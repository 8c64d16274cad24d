"""The province outbox: one row per application handed to the provincial system, and its result."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, BigId
from engine.types import UTCDateTime

# pending: waiting to be sent; sent: the province took it, its result is awaited;
# acknowledged: the result came back and reached the case; dead: gave up after the last attempt.
OUTBOX_STATUSES = {"pending": "待报送", "sent": "已报送，待省里结果", "acknowledged": "已收到结果",
                   "dead": "报送失败（死信）"}


class ProvinceOutbox(Base):
    """An application waiting to reach the province, or waiting for the province's answer."""

    __tablename__ = "province_outbox"
    __table_args__ = (Index("ix_province_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    case_no: Mapped[str | None] = mapped_column(String(40))
    item_code: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    point_code: Mapped[str | None] = mapped_column(String(40))
    town_code: Mapped[str | None] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)  # JSON: what the province receives
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    result_status: Mapped[str | None] = mapped_column(String(20))  # approved, rejected
    result_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProvinceCallbackNonce(Base):
    """A signed callback already accepted: a replay of the same signature is refused."""

    __tablename__ = "province_callback_nonce"

    signature: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
