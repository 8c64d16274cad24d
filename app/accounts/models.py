"""Tables of account requests, staff profiles (the personnel ledger, 附件7) and point milestones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base
from engine.types import UTCDateTime

# SQLite's INTEGER PRIMARY KEY is its rowid; BigInteger would lose autoincrement there (as in engine.models).
BigId = BigInteger().with_variant(Integer, "sqlite")


class AccountRequest(Base):
    """One 用户申请（变更）单: the case that carries it, who filed it, and where its review stands."""

    __tablename__ = "account_request"

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), primary_key=True,
                                             autoincrement=False)
    request_no: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # new, freeze, unlock, cancel, change_role
    account_role: Mapped[str | None] = mapped_column(String(40))
    username: Mapped[str] = mapped_column(String(40), index=True)  # the new or the target account
    person_name: Mapped[str] = mapped_column(String(80))
    requester: Mapped[str] = mapped_column(String(80), index=True)
    requester_role: Mapped[str] = mapped_column(String(40))
    point_code: Mapped[str | None] = mapped_column(String(40), index=True)
    town_code: Mapped[str | None] = mapped_column(String(40), index=True)
    # The case's county (as on process_instance): what keeps a county-level request (no town) in its county.
    county_code: Mapped[str | None] = mapped_column(String(10), index=True)
    # pending (waiting for review), returned (to the requester), approved, withdrawn
    status: Mapped[str] = mapped_column(String(20), index=True)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rounds: Mapped[int] = mapped_column(Integer, default=1)  # 1 + the number of resubmissions
    reviewed_by: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_decision: Mapped[str | None] = mapped_column(String(20))
    review_opinion: Mapped[str | None] = mapped_column(Text)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class StaffProfile(Base):
    """A user's line in the personnel ledger: 专职/兼职, unit, post and contact, kept by account requests."""

    __tablename__ = "staff_profile"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True, autoincrement=False)
    staff_type: Mapped[str | None] = mapped_column(String(20))  # full_time (专职) or part_time (兼职)
    unit: Mapped[str | None] = mapped_column(String(100))
    post: Mapped[str | None] = mapped_column(String(60))
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    # 注销 is final, unlike 冻结: the row keeps it so an unlock request for a cancelled account is refused.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    point_code: Mapped[str | None] = mapped_column(String(40), index=True)
    town_code: Mapped[str | None] = mapped_column(String(40), index=True)
    instance_id: Mapped[int | None] = mapped_column(BigId)  # the account request that last changed it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PointMilestone(Base):
    """A point's milestone (附件3/5: 签订协议, 工作人员授权, …): set once, by whom, when and from what."""

    __tablename__ = "point_milestone"
    __table_args__ = (UniqueConstraint("point_code", "milestone"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    point_code: Mapped[str] = mapped_column(ForeignKey("service_point.code"), index=True)
    town_code: Mapped[str] = mapped_column(String(10), index=True)
    milestone: Mapped[str] = mapped_column(String(40))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())
    set_by: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(40))  # e.g. "account_request", "manual"
    instance_id: Mapped[int | None] = mapped_column(BigId)
    note: Mapped[str | None] = mapped_column(Text)
