"""Tables of the problem ledger (问题台账): problems, their thread of answers, attachments, backbone desks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base
from engine.types import UTCDateTime


class Fault(Base):
    """One reported problem: what it is, where it came from, and where it stands now (责任清单)."""

    __tablename__ = "fault"
    __table_args__ = (
        Index("ix_fault_town_filed", "town_code", "filed_at"),
        Index("ix_fault_point_filed", "point_code", "filed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    case_no: Mapped[str] = mapped_column(String(40), index=True)
    point_code: Mapped[str | None] = mapped_column(String(40))  # None: filed by town staff for the town
    town_code: Mapped[str | None] = mapped_column(String(40))
    reporter: Mapped[str] = mapped_column(String(80))  # username
    reporter_name: Mapped[str] = mapped_column(String(80))
    reporter_role: Mapped[str] = mapped_column(String(40))  # clerk or town_staff: who confirms the answers
    category: Mapped[str] = mapped_column(String(20), index=True)
    line: Mapped[str] = mapped_column(String(20), index=True)
    item_code: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    suggestion: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), index=True)  # handling, answered, solved
    level: Mapped[str] = mapped_column(String(20))  # vocab.LEVELS: who holds it now
    holder_role: Mapped[str | None] = mapped_column(String(40))
    level_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    level_days: Mapped[int | None] = mapped_column(Integer)  # the level's limit; None while the reporter holds it
    answered_level: Mapped[str | None] = mapped_column(String(20))  # the level whose answer is awaiting confirmation
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    reopens: Mapped[int] = mapped_column(Integer, default=0)
    overdue_levels: Mapped[int] = mapped_column(Integer, default=0)  # levels that let their limit pass
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FaultEntry(Base):
    """One step of a problem's thread: filed, moved to a level, answered, lapsed, reopened, solved."""

    __tablename__ = "fault_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fault_id: Mapped[int] = mapped_column(ForeignKey("fault.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    point_code: Mapped[str | None] = mapped_column(String(40))
    town_code: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))  # vocab.ENTRY_KINDS
    level: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(20))  # vocab.REASONS, for "entered"
    actor: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text, default="")
    time_limit: Mapped[date | None] = mapped_column(Date)  # the 反馈时限 an answer gave
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class FaultAttachment(Base):
    """A screenshot or file sent with a problem, kept as bytes (small by rule: see settings)."""

    __tablename__ = "fault_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fault_id: Mapped[int] = mapped_column(ForeignKey("fault.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    point_code: Mapped[str | None] = mapped_column(String(40))
    town_code: Mapped[str | None] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(160))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FaultDesk(Base):
    """A county backbone's desk: a business line they answer guidance for, or the province liaison."""

    __tablename__ = "fault_desk"
    __table_args__ = (UniqueConstraint("username", "desk"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), index=True)
    desk: Mapped[str] = mapped_column(String(20))  # vocab.DESKS
    assigned_by: Mapped[str] = mapped_column(String(80))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
