"""Tables of the social domain: what the county's processes recorded, and the imported provincial roster."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, BigId
from engine.types import UTCDateTime


class RosterRecord(Base):
    """One row of a provincial-system export the county imported (e.g. a year's pension contribution)."""

    __tablename__ = "roster_record"
    __table_args__ = (Index("ix_roster_person", "id_number", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    id_number: Mapped[str] = mapped_column(String(18))
    fields: Mapped[str] = mapped_column(Text)  # JSON object: column key (or original header) -> text
    source_file: Mapped[str] = mapped_column(String(255))
    row_number: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    imported_by: Mapped[str] = mapped_column(String(80))


class SocialApplication(Base):
    """An application a point accepted: forwarded to the provincial system, or decided by the county."""

    __tablename__ = "social_application"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    item_code: Mapped[str] = mapped_column(String(20))
    id_number: Mapped[str] = mapped_column(String(18), index=True)  # the insured person concerned
    name: Mapped[str | None] = mapped_column(String(80))
    applicant_id_number: Mapped[str | None] = mapped_column(String(18))  # who applied (a relative, a proxy)
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON: the accept form's answers
    status: Mapped[str] = mapped_column(String(20), index=True)  # submitted, approved, rejected
    opinion: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(String(80))
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    point_code: Mapped[str | None] = mapped_column(String(40))
    town_code: Mapped[str | None] = mapped_column(String(40))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SsCardEvent(Base):
    """A change of a social-security card's social-insurance function done through a case."""

    __tablename__ = "ss_card_event"
    __table_args__ = (Index("ix_ss_card_event_person", "id_number", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18))
    kind: Mapped[str] = mapped_column(String(20))  # activated, temporary_loss, formal_loss, released, auto_released
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    card_number: Mapped[str | None] = mapped_column(String(18))
    note: Mapped[str | None] = mapped_column(Text)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    point_code: Mapped[str | None] = mapped_column(String(40))
    town_code: Mapped[str | None] = mapped_column(String(40))


class SsCertification(Base):
    """A benefit-qualification certification (item 21); the next one is due 12 months later."""

    __tablename__ = "ss_certification"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str | None] = mapped_column(String(80))
    benefit_kind: Mapped[str] = mapped_column(String(40))
    certified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    reviewer: Mapped[str | None] = mapped_column(String(80))
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    point_code: Mapped[str | None] = mapped_column(String(40))
    town_code: Mapped[str | None] = mapped_column(String(40))


class ResidentContribution(Base):
    """A resident-pension contribution collected at a demo point (item D3), with its receipt number."""

    __tablename__ = "resident_contribution"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str | None] = mapped_column(String(80))
    scheme: Mapped[str] = mapped_column(String(20))  # basic, supplementary
    year: Mapped[int] = mapped_column(Integer)
    amount_yuan: Mapped[str] = mapped_column(String(20))  # exact decimal text, e.g. "500.00"
    payment_method: Mapped[str] = mapped_column(String(20))
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    collected_by: Mapped[str | None] = mapped_column(String(80))
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    point_code: Mapped[str | None] = mapped_column(String(40))
    town_code: Mapped[str | None] = mapped_column(String(40))
