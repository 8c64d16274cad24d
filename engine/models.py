"""Declare the engine's tables (SQLAlchemy 2 declarative)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from engine.types import UTCDateTime


class Base(DeclarativeBase):
    """Base class of every table."""


# SQLite's INTEGER PRIMARY KEY is its rowid; BigInteger would lose autoincrement there.
BigId = BigInteger().with_variant(Integer, "sqlite")


class ProcessVersion(Base):
    """One deployed version of a process: its files and serialized spec, stored once."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_id", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    spec_json: Mapped[str] = mapped_column(Text)
    limit_days: Mapped[int | None] = mapped_column(Integer)
    deadline_timer_id: Mapped[str | None] = mapped_column(String(120))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deployed_by: Mapped[str] = mapped_column(String(80))


class ProcessInstance(Base):
    """A running or finished case; `state` is Spiff's state without the spec."""

    __tablename__ = "process_instance"
    __table_args__ = (
        # The overview's open cases of a county's towns per process and state, read from the index alone.
        Index("ix_instance_status_town", "status", "town_code", "process_id", "overdue"),
        # The SLA chart's weeks of a county's towns: ranges of acceptance, completion and deadline.
        Index("ix_instance_town_accepted", "town_code", "accepted_at"),
        Index("ix_instance_town_completed", "town_code", "completed_at"),
        Index("ix_instance_town_due", "town_code", "due_at"),
        # A county's own cases without a town (its report submission, its staff's account requests).
        Index("ix_instance_county_town", "county_code", "town_code"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    request_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    item_code: Mapped[str | None] = mapped_column(String(20), index=True)
    point_code: Mapped[str | None] = mapped_column(String(40), index=True)
    town_code: Mapped[str | None] = mapped_column(String(40), index=True)
    # The county the case belongs to: its town's, or for a county-level case (no town) the county it is for.
    county_code: Mapped[str | None] = mapped_column(String(10))
    applicant_id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    applicant_name: Mapped[str | None] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(20), default="counter")
    status: Mapped[str] = mapped_column(String(20), index=True)
    error_message: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    limit_days: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # recent completions

    __mapper_args__ = {"version_id_col": lock_version}


class InboxTask(Base):
    """Projection of one open user task, kept in step with the instance's state."""

    __tablename__ = "inbox_task"
    __table_args__ = (
        Index("ix_inbox_queue", "candidate_role", "point_code", "due_at"),
        Index("ix_inbox_assignee", "assignee", "due_at"),
        Index("ix_inbox_town", "town_code", "due_at"),
        # A county role's queue: its role, the county's towns, soonest due first.
        Index("ix_inbox_role_town", "candidate_role", "town_code", "due_at"),
        # A county role's county-level tasks (no town): its role, its county.
        Index("ix_inbox_role_county", "candidate_role", "county_code", "town_code"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    bpmn_id: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    candidate_role: Mapped[str] = mapped_column(String(40))
    point_code: Mapped[str | None] = mapped_column(String(40))
    town_code: Mapped[str | None] = mapped_column(String(40))
    county_code: Mapped[str | None] = mapped_column(String(10))
    assignee: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)


class Timer(Base):
    """A timer event waiting in some instance, indexed by when it comes due."""

    __tablename__ = "timer"
    __table_args__ = (UniqueConstraint("instance_id", "task_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(120))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    is_deadline: Mapped[bool] = mapped_column(Boolean, default=False)
    failed: Mapped[bool] = mapped_column(Boolean, default=False)
    # A worker's claim: another worker takes the timer over once claimed_until has passed (the holder hung or died).
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """One append-only record of who changed what, when and from where."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40), index=True)
    instance_id: Mapped[int | None] = mapped_column(BigId, index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)  # a finished task is found by its trail
    point_code: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="{}")


class CalendarYear(Base):
    """A year's official schedule loaded by an admin; it wins over the chinesecalendar package."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(255))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    loaded_by: Mapped[str] = mapped_column(String(80))


class CalendarDay(Base):
    """One holiday or make-up workday of a loaded year."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("calendar_year.year"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "holiday" or "workday"
    name: Mapped[str] = mapped_column(String(80), default="")
