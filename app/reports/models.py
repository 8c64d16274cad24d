"""Tables of the reports domain: each month's reports and their towns' confirmations, and the subsidy ledger."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base
from engine.types import UTCDateTime

# SQLite's INTEGER PRIMARY KEY is its rowid; BigInteger would lose autoincrement there (as in engine.models).
BigId = BigInteger().with_variant(Integer, "sqlite")


class ReportRun(Base):
    """One report of one month of one county (the county's case); the unique key makes the dispatch happen once."""

    __tablename__ = "report_run"
    __table_args__ = (UniqueConstraint("kind", "period", "county_code", name="uq_report_run_county"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7), index=True)  # "2026-12"
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    towns_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # every town's case is started
    submitted_by: Mapped[str | None] = mapped_column(String(80))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submit_note: Mapped[str | None] = mapped_column(Text)


class ReportConfirmation(Base):
    """A town's confirmation of its figures in one month's report, with the figures it confirmed."""

    __tablename__ = "report_confirmation"
    __table_args__ = (UniqueConstraint("kind", "period", "town_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7), index=True)
    town_code: Mapped[str] = mapped_column(ForeignKey("town.code"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20))  # open, confirmed
    figures: Mapped[str] = mapped_column(Text)  # the figures as last shown to the town, as text
    rechecks: Mapped[int] = mapped_column(Integer, default=0)
    confirmed_by: Mapped[str | None] = mapped_column(String(80))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SubsidyEntry(Base):
    """A line of the subsidy ledger: money allocated to (下达) or arrived at (到位) a point for a year."""

    __tablename__ = "subsidy_entry"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    point_code: Mapped[str] = mapped_column(ForeignKey("service_point.code"), index=True)
    town_code: Mapped[str] = mapped_column(String(10), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # allocated or arrived
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # in fen: money keeps its exact digits
    on_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(80))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
