"""Tables of the inspection domain: one inspection per case, and each round of scoring on the sheet."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base
from engine.types import UTCDateTime

# SQLite's INTEGER PRIMARY KEY is its rowid; BigInteger would lose autoincrement there (as in engine.models).
BigId = BigInteger().with_variant(Integer, "sqlite")

# scheduled → (scored below the pass mark) rectifying → (rectified) reinspecting → … → passed
STATUSES = {"scheduled": "待验收", "rectifying": "整改中", "reinspecting": "待复验", "passed": "验收合格"}


class Inspection(Base):
    """An acceptance inspection (附件2) of one point: who scheduled it, for when and whom, and where it stands."""

    __tablename__ = "inspection"

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), primary_key=True,
                                             autoincrement=False)
    point_code: Mapped[str] = mapped_column(ForeignKey("service_point.code"), index=True)
    town_code: Mapped[str] = mapped_column(String(10), index=True)
    sheet_kind: Mapped[str] = mapped_column(String(10))  # basic or demo: the point's kind when scheduled
    scheduled_on: Mapped[date] = mapped_column(Date)
    inspector: Mapped[str] = mapped_column(String(40))  # the username the county put down to inspect
    scheduled_by: Mapped[str] = mapped_column(String(80))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), index=True)
    rounds: Mapped[int] = mapped_column(Integer, default=0)
    last_total: Mapped[int | None] = mapped_column(Integer)
    last_maximum: Mapped[int | None] = mapped_column(Integer)
    passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def status_label(self) -> str:
        """Return the status in Chinese."""
        return STATUSES.get(self.status, self.status)


class InspectionRound(Base):
    """One scoring of the point on its sheet, with every line as scored and, when it failed, the rectification."""

    __tablename__ = "inspection_round"
    __table_args__ = (UniqueConstraint("instance_id", "round_no"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    round_no: Mapped[int] = mapped_column(Integer)
    point_code: Mapped[str] = mapped_column(String(40), index=True)
    town_code: Mapped[str] = mapped_column(String(10), index=True)
    sheet_kind: Mapped[str] = mapped_column(String(10))
    inspector: Mapped[str] = mapped_column(String(80))  # who scored (completed the task)
    inspector_name: Mapped[str] = mapped_column(String(80))
    inspected_on: Mapped[date] = mapped_column(Date)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime())
    total: Mapped[int] = mapped_column(Integer)
    maximum: Mapped[int] = mapped_column(Integer)
    pass_percent: Mapped[int] = mapped_column(Integer)  # the setting when scored, out of 100
    pass_mark: Mapped[str] = mapped_column(String(10))  # scaled to the sheet's maximum, e.g. "88"
    passed: Mapped[bool] = mapped_column(Boolean)
    lines: Mapped[str] = mapped_column(Text)  # JSON: each line's group, text, points, score and note, as scored
    opinion: Mapped[str] = mapped_column(Text, default="")
    rectify_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rectify_report: Mapped[str | None] = mapped_column(Text)
    rectified_on: Mapped[date | None] = mapped_column(Date)
    rectified_by: Mapped[str | None] = mapped_column(String(80))
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
