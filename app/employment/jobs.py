"""Job seekers and gig postings: registration (items 1, 4, 7) and the read-only queries (items 3, 6, 9)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.employment.common import Person, Refused, Stamp, day_text, mask_name, numbered
from app.employment.matching import candidate_postings, candidate_seekers
from app.employment.models import JobPosting, JobSeeker
from app.employment.vocab import JOB_TYPES, KINDS, PAY_UNITS, TOWNS, label, labels

QUERY_LIMIT = 50  # lines shown in a query's result; more asks for narrower criteria


def _check_codes(values: list[str], allowed: dict[str, str], what: str) -> list[str]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {what}: {unknown}")
    return list(values)


def _check_period(start: date, end: date | None, today: date, noun: str) -> None:
    if end is not None and end < start:
        raise Refused(f"{noun}截止日期早于开始日期，请修改。")
    if end is not None and end < today:
        raise Refused(f"{noun}截止日期已经过去，请修改。")


def active_seeker(session: Session, id_number: str, kind: str) -> JobSeeker | None:
    """Return a person's active registration of a kind."""
    return session.scalar(select(JobSeeker).where(JobSeeker.id_number == id_number, JobSeeker.kind == kind,
                                                  JobSeeker.active))


def register_seeker(
    session: Session, stamp: Stamp, person: Person, *, kind: str, phone: str, job_types: list[str],
    towns: list[str], min_pay: int, available_from: date, available_to: date | None, note: str,
) -> tuple[JobSeeker, JobSeeker | None]:
    """Record a job-seeker registration, superseding the person's active one; return (new, superseded)."""
    if kind not in KINDS or min_pay < 0 or not job_types:
        raise ValueError(f"bad registration: kind={kind!r} min_pay={min_pay} job_types={job_types}")
    _check_period(available_from, available_to, stamp.today, "可工作")
    previous = active_seeker(session, person.id_number, kind)
    if previous is not None:
        previous.active, previous.superseded_at = False, stamp.created_at
        session.flush()  # the partial unique index allows one active row per person and kind
    seeker = JobSeeker(
        kind=kind, id_number=person.id_number, name=person.name, phone=phone,
        job_types=_check_codes(job_types, JOB_TYPES, "job type"), towns=_check_codes(towns, TOWNS, "town"),
        min_pay=min_pay, available_from=available_from, available_to=available_to, note=note, active=True,
        **stamp.columns(),
    )
    session.add(seeker)
    session.flush()
    return seeker, previous


def seeker_summary(seeker: JobSeeker) -> str:
    """Describe a registration in one line, as told to the seeker."""
    return (f"求职工种：{labels(JOB_TYPES, seeker.job_types)}；意向乡镇：{labels(TOWNS, seeker.towns) or '不限'}；"
            f"最低薪酬：{seeker.min_pay}{PAY_UNITS[seeker.kind]}；可工作时间：{day_text(seeker.available_from)}至"
            f"{day_text(seeker.available_to)}")


def seeker_line(seeker: JobSeeker, *, masked: bool) -> str:
    """Describe a seeker for an employer: masked in open queries, with contact in a recommendation."""
    who = mask_name(seeker.name) if masked else f"{seeker.name}，电话{seeker.phone}"
    note = f"；情况：{seeker.note}" if seeker.note else ""
    return f"{who}；{seeker_summary(seeker)}{note}"


def register_gig_posting(
    session: Session, stamp: Stamp, owner: Person, *, employer_name: str, phone: str, job_type: str,
    work_town: str, pay: int, date_from: date, date_to: date, headcount: int, description: str,
) -> JobPosting:
    """Record a gig recruitment (item 7) as an open posting owned by the applicant."""
    if job_type not in JOB_TYPES or work_town not in TOWNS or pay <= 0 or headcount <= 0:
        raise ValueError(f"bad gig posting: {job_type!r} {work_town!r} pay={pay} headcount={headcount}")
    _check_period(date_from, date_to, stamp.today, "用工")
    posting = JobPosting(
        kind="gig", employer_name=employer_name, contact_phone=phone, job_type=job_type, work_town=work_town,
        pay=pay, date_from=date_from, date_to=date_to, headcount=headcount, status="open",
        description=description, owner_id_number=owner.id_number, instance_id=stamp.instance_id,
        point_code=stamp.point_code, town_code=stamp.town_code, source="零工招聘登记",
        created_by=stamp.created_by, created_at=stamp.created_at, updated_at=stamp.created_at,
    )
    session.add(posting)
    session.flush()
    return posting


def posting_line(posting: JobPosting) -> str:
    """Describe a posting in one line, with the employer's contact."""
    text = (f"{posting.employer_name}；工种：{label(JOB_TYPES, posting.job_type)}；"
            f"地点：{label(TOWNS, posting.work_town)}；薪酬：{posting.pay}{PAY_UNITS[posting.kind]}；"
            f"时间：{day_text(posting.date_from)}至{day_text(posting.date_to)}；招{posting.headcount}人；"
            f"联系电话：{posting.contact_phone}")
    return text + (f"；{posting.description}" if posting.description else "")


def _listing(lines: list[str], noun: str) -> str:
    if not lines:
        return f"没有找到符合条件的{noun}。"
    shown = lines[:QUERY_LIMIT]
    more = f"\n（共{len(lines)}条，仅显示前{QUERY_LIMIT}条，请缩小查询条件。）" if len(lines) > QUERY_LIMIT else ""
    return f"共找到{len(lines)}条{noun}：\n{numbered(shown)}{more}"


def query_postings(
    session: Session, kind: str, today: date, *, job_type: str | None = None, town: str | None = None,
    min_pay: int | None = None, keyword: str = "",
) -> str:
    """Return the open postings of a kind that fit the criteria, as the text shown to the person."""
    found = [p for p in candidate_postings(session, kind, today)
             if (not job_type or p.job_type == job_type) and (not town or p.work_town == town)
             and (min_pay is None or p.pay >= min_pay)
             and (not keyword or keyword in p.employer_name or keyword in p.description)]
    found.sort(key=lambda p: (p.date_to, p.id))
    return _listing([posting_line(p) for p in found], f"{KINDS[kind]}岗位信息")


def query_gig_seekers(
    session: Session, today: date, *, job_type: str | None = None, town: str | None = None,
    work_date: date | None = None, max_pay: int | None = None,
) -> str:
    """Return the active gig seekers that fit an employer's criteria, names masked, as shown text."""
    day = work_date or today
    found = [s for s in candidate_seekers(session, "gig", today)
             if (not job_type or job_type in s.job_types) and (not town or not s.towns or town in s.towns)
             and s.available_from <= day and (s.available_to is None or day <= s.available_to)
             and (max_pay is None or s.min_pay <= max_pay)]
    found.sort(key=lambda s: (s.min_pay, s.id))
    text = _listing([seeker_line(s, masked=True) for s in found], "零工求职信息")
    # Contacts are handed over only through a recorded recommendation (item 8), never in an open list.
    return text + ("\n如需联系以上求职者，请办理“零工求职信息推荐”。" if found else "")
