"""An uploaded process file waiting for the analyst to confirm its deploy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base
from engine.types import UTCDateTime


class PendingUpload(Base):
    """A checked file, kept until deployed or discarded; nothing is deployed from here without a confirm."""

    __tablename__ = "pending_upload"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    findings: Mapped[str] = mapped_column(Text, default="[]")
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
