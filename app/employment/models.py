"""Tables of the employment domain: seekers, postings, recommendations, registrations, training, references."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base
from engine.types import UTCDateTime


class CaseRecord:
    """Columns of every row a case writes: the case, its point and town, who started it and when."""

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    point_code: Mapped[str | None] = mapped_column(String(40), index=True)
    town_code: Mapped[str | None] = mapped_column(String(40), index=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Imported:
    """Columns of rows an admin loads from a file the county publishes or receives."""

    source: Mapped[str] = mapped_column(String(255))
    imported_by: Mapped[str] = mapped_column(String(80))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class JobSeeker(CaseRecord, Base):
    """A job-seeker registration (items 1 and 4); a new one supersedes the person's active one of that kind."""

    __tablename__ = "job_seeker"
    __table_args__ = (
        # One active registration per person and kind; superseded rows stay as history.
        Index("ux_job_seeker_active", "id_number", "kind", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "fixed" or "gig"
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(40))
    job_types: Mapped[list[str]] = mapped_column(JSON)
    towns: Mapped[list[str]] = mapped_column(JSON)  # empty: any town
    min_pay: Mapped[int] = mapped_column(Integer)  # yuan per month (fixed) or per day (gig)
    available_from: Mapped[date] = mapped_column(Date)
    available_to: Mapped[date | None] = mapped_column(Date)  # None: open-ended
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class JobPosting(Base):
    """A job offered: fixed postings imported from enterprises' exports, gig postings registered by item 7."""

    __tablename__ = "job_posting"
    __table_args__ = (UniqueConstraint("kind", "ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    ref: Mapped[str | None] = mapped_column(String(60))  # the enterprise's posting number (imports)
    employer_name: Mapped[str] = mapped_column(String(120))
    contact_phone: Mapped[str] = mapped_column(String(40))
    job_type: Mapped[str] = mapped_column(String(30), index=True)
    work_town: Mapped[str] = mapped_column(String(10))
    pay: Mapped[int] = mapped_column(Integer)  # yuan per month (fixed) or per day (gig)
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date, index=True)
    headcount: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")  # "open" or "filled"
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id_number: Mapped[str | None] = mapped_column(String(18), index=True)  # item 7's registrant
    # Where it came from: the case (item 7) or the imported file.
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    point_code: Mapped[str | None] = mapped_column(String(40))
    town_code: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(255))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class JobRecommendation(CaseRecord, Base):
    """One posting handed to a seeker (items 2, 5) or one seeker handed to an employer (item 8)."""

    __tablename__ = "job_recommendation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(12))  # "to_seeker" or "to_employer"
    seeker_id: Mapped[int] = mapped_column(ForeignKey("job_seeker.id"), index=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("job_posting.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)


class FlexibleEmployment(CaseRecord, Base):
    """A flexible-employment registration (item 10), recorded on the county's approval."""

    __tablename__ = "flexible_employment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(80))
    employment_type: Mapped[str] = mapped_column(String(20))
    work_content: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    work_town: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str] = mapped_column(String(40))
    remark: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_reason: Mapped[str | None] = mapped_column(String(40))


class UnemploymentRegistration(CaseRecord, Base):
    """An unemployment registration (item 11), recorded on the county's approval."""

    __tablename__ = "unemployment_registration"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(80))
    unemployment_date: Mapped[date] = mapped_column(Date)
    last_employer: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(String(30))
    reason_other: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40))
    job_intention: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_reason: Mapped[str | None] = mapped_column(String(40))


class TrainingIntention(CaseRecord, Base):
    """A training intention (item 16): registered → recommended → followed_up → delivered."""

    __tablename__ = "training_intention"
    __table_args__ = (
        # One open intention per person; a delivered one is closed and kept.
        Index("ux_training_intention_open", "id_number", unique=True,
              sqlite_where=text("is_open"), postgresql_where=text("is_open")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(40))
    priority_group: Mapped[str] = mapped_column(String(30))
    training_types: Mapped[list[str]] = mapped_column(JSON)
    home_town: Mapped[str | None] = mapped_column(String(10))
    preferred_time: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), index=True)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("training_institution.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TrainingEvent(CaseRecord, Base):
    """One step of an intention: registered, recommended (institution), followed_up (feedback), delivered."""

    __tablename__ = "training_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intention_id: Mapped[int] = mapped_column(ForeignKey("training_intention.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("training_institution.id"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class TrainingInstitution(Imported, Base):
    """A training institution the county works with (importable)."""

    __tablename__ = "training_institution"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    town_code: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40))
    programs: Mapped[list[str]] = mapped_column(JSON)  # TRAINING_TYPES codes
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class JobFair(Imported, Base):
    """A job fair the county publishes (importable)."""

    __tablename__ = "job_fair"
    __table_args__ = (UniqueConstraint("title", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    time_text: Mapped[str] = mapped_column(String(40), default="")
    venue: Mapped[str] = mapped_column(String(200))
    town_code: Mapped[str | None] = mapped_column(String(10))
    organizer: Mapped[str] = mapped_column(String(120))
    audience: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")


class PolicyDocument(Imported, Base):
    """A published employment policy or regulation (importable)."""

    __tablename__ = "policy_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), unique=True)
    doc_no: Mapped[str] = mapped_column(String(80), default="")
    issuer: Mapped[str] = mapped_column(String(120))
    published_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")


class EmploymentCardRecord(Imported, Base):
    """A 《就业创业证》 the county holds a record of (roster imported from the provincial system)."""

    __tablename__ = "employment_card_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_no: Mapped[str] = mapped_column(String(40), unique=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(80))
    issued_on: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(40), default="")


class ArchiveRecord(Imported, Base):
    """Where a mobile worker's personnel file is kept, as the county's roster has it (importable)."""

    __tablename__ = "archive_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    agency: Mapped[str] = mapped_column(String(200))
    agency_address: Mapped[str] = mapped_column(String(200), default="")
    agency_phone: Mapped[str] = mapped_column(String(40), default="")
    stored_since: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
