"""Information queries (items 12-15) over what the county itself holds; nothing held is said plainly."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.employment.common import Person, day_text, numbered
from app.employment.models import ArchiveRecord, EmploymentCardRecord, JobFair, PolicyDocument
from app.employment.vocab import TOWNS, label

# Items 13 and 15 are provincial data; the county answers only from the rosters it has imported.
NO_COUNTY_RECORD = "县级数据中没有该人员的记录，请到省就业服务平台查询。"
LIMIT = 30


def _listing(lines: list[str], noun: str) -> str:
    if not lines:
        return f"没有找到符合条件的{noun}。"
    more = f"\n（共{len(lines)}条，仅显示前{LIMIT}条，请缩小查询条件。）" if len(lines) > LIMIT else ""
    return f"共找到{len(lines)}条{noun}：\n{numbered(lines[:LIMIT])}{more}"


def query_policies(session: Session, keyword: str = "", issuer: str = "") -> str:
    """Return the published policy documents whose title, number or summary has the keyword (item 12)."""
    query = select(PolicyDocument)
    if keyword:
        query = query.where(or_(*(column.contains(keyword, autoescape=True) for column in (
            PolicyDocument.title, PolicyDocument.summary, PolicyDocument.doc_no))))
    if issuer:
        query = query.where(PolicyDocument.issuer.contains(issuer, autoescape=True))
    docs = session.scalars(query.order_by(PolicyDocument.published_on.desc(), PolicyDocument.id)).all()
    lines = [f"《{d.title}》{f'（{d.doc_no}）' if d.doc_no else ''}；发布机关：{d.issuer}；"
             f"发布日期：{day_text(d.published_on)}" + (f"；摘要：{d.summary}" if d.summary else "")
             + (f"；全文：{d.link}" if d.link else "") for d in docs]
    return _listing(lines, "就业政策法规")


def query_job_fairs(session: Session, today: date, *, since: date | None = None, town: str | None = None,
                    keyword: str = "") -> str:
    """Return the published job fairs held on or after a day (default today), soonest first (item 14)."""
    query = select(JobFair).where(JobFair.held_on >= (since or today))
    if town:
        query = query.where(JobFair.town_code == town)
    if keyword:
        query = query.where(or_(*(column.contains(keyword, autoescape=True) for column in (
            JobFair.title, JobFair.audience, JobFair.description))))
    fairs = session.scalars(query.order_by(JobFair.held_on, JobFair.id)).all()
    lines = [f"{f.title}；时间：{day_text(f.held_on)}{f' {f.time_text}' if f.time_text else ''}；"
             f"地点：{f.venue}{f'（{label(TOWNS, f.town_code)}）' if f.town_code else ''}；主办：{f.organizer}"
             + (f"；服务对象：{f.audience}" if f.audience else "") + (f"；{f.description}" if f.description else "")
             + (f"；详情：{f.link}" if f.link else "") for f in fairs]
    return _listing(lines, "招聘会信息")


def employment_card(session: Session, person: Person) -> str:
    """Return the applicant's 《就业创业证》 records the county holds (item 13)."""
    cards = session.scalars(select(EmploymentCardRecord).where(EmploymentCardRecord.id_number == person.id_number)
                            .order_by(EmploymentCardRecord.issued_on)).all()
    if not cards:
        return NO_COUNTY_RECORD
    lines = [f"证号：{c.card_no}；发证日期：{day_text(c.issued_on)}；发证机构：{c.issuer}"
             + (f"；状态：{c.status}" if c.status else "") for c in cards]
    return f"{person.name}的《就业创业证》记录（县级数据）：\n{numbered(lines)}"


def archive_agency(session: Session, person: Person) -> str:
    """Return where the applicant's personnel file is kept, as the county's roster has it (item 15)."""
    row = session.scalar(select(ArchiveRecord).where(ArchiveRecord.id_number == person.id_number))
    if row is None:
        return NO_COUNTY_RECORD
    parts = [f"{person.name}的档案存放机构：{row.agency}"]
    if row.agency_address:
        parts.append(f"地址：{row.agency_address}")
    if row.agency_phone:
        parts.append(f"电话：{row.agency_phone}")
    if row.stored_since:
        parts.append(f"存放时间：{day_text(row.stored_since)}起")
    if row.note:
        parts.append(row.note)
    return "；".join(parts) + "。（县级数据）"
