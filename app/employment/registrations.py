"""Employment and unemployment registrations (items 10 and 11), recorded when the county approves.

The two exclude each other: a person who registers flexible employment is no longer unemployed, so their
active unemployment registration ends, and the other way round. Registering again supersedes the active row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.employment.common import Person, Stamp
from app.employment.models import FlexibleEmployment, UnemploymentRegistration
from app.employment.vocab import FLEXIBLE_TYPES, TOWNS, UNEMPLOYMENT_REASONS, label

Registration = FlexibleEmployment | UnemploymentRegistration


def _end_active(session: Session, table: type[Registration], id_number: str, at: datetime, reason: str) -> int:
    """End the person's active rows of a table; return how many."""
    rows = session.scalars(select(table).where(table.id_number == id_number, table.active)).all()
    for row in rows:
        row.active, row.ended_at, row.ended_reason = False, at, reason
    return len(rows)


def active_registration(session: Session, table: type[Registration], id_number: str) -> Registration | None:
    """Return the person's active registration in a table."""
    return session.scalar(select(table).where(table.id_number == id_number, table.active))


def latest_registration(session: Session, table: type[Registration], id_number: str) -> Registration | None:
    """Return the person's newest registration in a table, active or ended."""
    return session.scalar(select(table).where(table.id_number == id_number).order_by(table.id.desc()).limit(1))


def register_flexible_employment(
    session: Session, stamp: Stamp, person: Person, *, employment_type: str, work_content: str,
    started_on: date, work_town: str, phone: str, remark: str,
) -> tuple[FlexibleEmployment, str]:
    """Record an approved flexible-employment registration; return it and the applicant's message."""
    if employment_type not in FLEXIBLE_TYPES or work_town not in TOWNS:
        raise ValueError(f"bad flexible employment: {employment_type!r} {work_town!r}")
    _end_active(session, FlexibleEmployment, person.id_number, stamp.created_at, "re_registered")
    ended = _end_active(session, UnemploymentRegistration, person.id_number, stamp.created_at, "employed")
    row = FlexibleEmployment(
        id_number=person.id_number, name=person.name, employment_type=employment_type,
        work_content=work_content, started_on=started_on, work_town=work_town, phone=phone, remark=remark,
        active=True, **stamp.columns(),
    )
    session.add(row)
    session.flush()
    message = (f"您的灵活就业登记已办理完成：就业形式为{label(FLEXIBLE_TYPES, employment_type)}，"
               f"从{started_on.isoformat()}起在{label(TOWNS, work_town)}从事{work_content}。")
    if ended:
        message += "您此前的失业登记已随之注销。"
    return row, message


def register_unemployment(
    session: Session, stamp: Stamp, person: Person, *, unemployment_date: date, last_employer: str,
    reason: str, reason_other: str, phone: str, job_intention: str,
) -> tuple[UnemploymentRegistration, str]:
    """Record an approved unemployment registration; return it and the applicant's message."""
    if reason not in UNEMPLOYMENT_REASONS:
        raise ValueError(f"unknown unemployment reason {reason!r}")
    _end_active(session, UnemploymentRegistration, person.id_number, stamp.created_at, "re_registered")
    ended = _end_active(session, FlexibleEmployment, person.id_number, stamp.created_at, "unemployed")
    row = UnemploymentRegistration(
        id_number=person.id_number, name=person.name, unemployment_date=unemployment_date,
        last_employer=last_employer, reason=reason, reason_other=reason_other, phone=phone,
        job_intention=job_intention, active=True, **stamp.columns(),
    )
    session.add(row)
    session.flush()
    message = f"您的失业登记已办理完成，登记时间：{stamp.today.isoformat()}。"
    if ended:
        message += "您此前的灵活就业登记已随之终止。"
    return row, message
