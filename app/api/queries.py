"""Paged queries of the API: the inbox projection, open postings and active job seekers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.employment.matching import candidate_postings, candidate_seekers
from app.employment.models import JobPosting, JobSeeker
from engine.models import AuditEvent, InboxTask, ProcessInstance
from engine.queries import NO_STATE, in_county


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def inbox_page(session: Session, *, roles: Iterable[str], point_code: str | None, town_code: str | None,
               assignee: str | None, search: str | None, offset: int, limit: int,
               town_codes: Iterable[str] | None = None, county_code: str | None = None
               ) -> tuple[list[tuple[InboxTask, ProcessInstance]], int]:
    """Return one page of open tasks for these roles inside a scope (soonest due first) and the total."""
    query = (select(InboxTask, ProcessInstance).join(ProcessInstance, ProcessInstance.id == InboxTask.instance_id)
             .options(NO_STATE).where(InboxTask.candidate_role.in_(list(roles))))
    if point_code is not None:
        query = query.where(InboxTask.point_code == point_code)
    if town_code is not None:
        query = query.where(InboxTask.town_code == town_code)
    if town_codes is not None:  # a county role: its county's towns and its own town-less tasks
        query = query.where(in_county(InboxTask.town_code, InboxTask.county_code, town_codes, county_code))
    if assignee is not None:
        query = query.where(InboxTask.assignee == assignee)
    if search:
        text = search.strip().upper()
        query = query.where(or_(ProcessInstance.case_no == text, ProcessInstance.applicant_id_number == text))
    total = _count(session, query)
    rows = session.execute(query.order_by(InboxTask.due_at.asc().nulls_last(), InboxTask.id)
                           .offset(offset).limit(limit)).all()
    return [(task, case) for task, case in rows], total


def history_page(session: Session, instance_id: int, *, offset: int, limit: int) -> tuple[list[AuditEvent], int]:
    """Return one page of a case's audit events, oldest first, and the total."""
    query = select(AuditEvent).where(AuditEvent.instance_id == instance_id)
    total = _count(session, query)
    return list(session.scalars(query.order_by(AuditEvent.at, AuditEvent.id).offset(offset).limit(limit))), total


def search_postings(session: Session, kind: str, today: date, *, job_type: str | None = None,
                    town: str | None = None, min_pay: int | None = None, keyword: str = "") -> list[JobPosting]:
    """Return the open postings of a kind that fit the criteria, soonest ending first (as items 3 and 6 do)."""
    found = [p for p in candidate_postings(session, kind, today)
             if (not job_type or p.job_type == job_type) and (not town or p.work_town == town)
             and (min_pay is None or p.pay >= min_pay)
             and (not keyword or keyword in p.employer_name or keyword in p.description)]
    return sorted(found, key=lambda p: (p.date_to, p.id))


def search_seekers(session: Session, kind: str, today: date, *, job_type: str | None = None,
                   town: str | None = None, work_date: date | None = None, max_pay: int | None = None
                   ) -> list[JobSeeker]:
    """Return the active seekers of a kind that fit an employer's criteria, lowest minimum pay first (item 9)."""
    day = work_date or today
    found = [s for s in candidate_seekers(session, kind, today)
             if (not job_type or job_type in s.job_types) and (not town or not s.towns or town in s.towns)
             and s.available_from <= day and (s.available_to is None or day <= s.available_to)
             and (max_pay is None or s.min_pay <= max_pay)]
    return sorted(found, key=lambda s: (s.min_pay, s.id))


def posting(session: Session, posting_id: int) -> JobPosting | None:
    """Return one posting."""
    return session.get(JobPosting, posting_id)


def seeker(session: Session, seeker_id: int) -> JobSeeker | None:
    """Return one job-seeker registration."""
    return session.get(JobSeeker, seeker_id)
