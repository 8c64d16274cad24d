"""Import what the county receives or publishes: fixed postings, job fairs, policies, rosters, institutions.

Each file is checked whole before anything is written; a row whose key is already stored updates that row,
so an enterprise's or office's newer export can be loaded again (e.g. a posting marked 已招满).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.employment.models import (
    ArchiveRecord,
    EmploymentCardRecord,
    JobFair,
    JobPosting,
    PolicyDocument,
    TrainingInstitution,
)
from app.employment.tabular import (
    Column,
    day,
    id_number,
    integer,
    many_of,
    one_of,
    parse_table,
    phone,
    read_table,
    text,
)
from app.employment.vocab import JOB_TYPES, TOWNS, TRAINING_TYPES

POSTING_STATUS = {"open": "招聘中", "filled": "已招满"}
INSTITUTION_STATUS = {"active": "正常", "inactive": "停用"}


@dataclass(frozen=True)
class Importer:
    """One kind of import file: its table, columns, natural key and the values every row gets."""

    noun: str
    table: type
    columns: list[Column]
    key: tuple[str, ...]
    fixed: dict[str, Any] = field(default_factory=dict)
    check: Any = None  # record -> problem text or None, for rules across columns


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    noun: str
    added: int
    updated: int

    def __str__(self) -> str:
        return f"{self.noun}：新增{self.added}条，更新{self.updated}条"


def _period(record: dict) -> str | None:
    if record["date_to"] < record["date_from"]:
        return "“截止日期”早于“开始日期”"
    return None


FIXED_POSTINGS = Importer("固定工岗位", JobPosting, [
    Column("岗位编号", "ref", text(60)),
    Column("单位名称", "employer_name", text(120)),
    Column("联系电话", "contact_phone", phone),
    Column("工种", "job_type", one_of(JOB_TYPES, "工种")),
    Column("工作地点（乡镇）", "work_town", one_of(TOWNS, "乡镇")),
    Column("月薪（元）", "pay", integer(1)),
    Column("开始日期", "date_from", day),
    Column("截止日期", "date_to", day),
    Column("招聘人数", "headcount", integer(0)),
    Column("岗位描述", "description", text(2000), required=False),
    Column("招聘状态", "status", one_of(POSTING_STATUS, "招聘状态"), required=False, default="open"),
], key=("ref",), fixed={"kind": "fixed"}, check=_period)

JOB_FAIRS = Importer("招聘会", JobFair, [
    Column("名称", "title", text(200)),
    Column("举办日期", "held_on", day),
    Column("时间", "time_text", text(40), required=False),
    Column("地点", "venue", text(200)),
    Column("所在乡镇", "town_code", one_of(TOWNS, "乡镇"), required=False, default=None),
    Column("主办单位", "organizer", text(120)),
    Column("服务对象", "audience", text(200), required=False),
    Column("简介", "description", text(2000), required=False),
    Column("链接", "link", text(500), required=False),
], key=("title", "held_on"))

POLICIES = Importer("政策法规", PolicyDocument, [
    Column("标题", "title", text(300)),
    Column("文号", "doc_no", text(80), required=False),
    Column("发布机关", "issuer", text(120)),
    Column("发布日期", "published_on", day),
    Column("摘要", "summary", text(2000), required=False),
    Column("链接", "link", text(500), required=False),
], key=("title",))

EMPLOYMENT_CARDS = Importer("就业创业证记录", EmploymentCardRecord, [
    Column("证号", "card_no", text(40)),
    Column("身份证号码", "id_number", id_number),
    Column("姓名", "name", text(80)),
    Column("发证日期", "issued_on", day),
    Column("发证机构", "issuer", text(120)),
    Column("状态", "status", text(40), required=False),
], key=("card_no",))

ARCHIVES = Importer("档案存放记录", ArchiveRecord, [
    Column("身份证号码", "id_number", id_number),
    Column("姓名", "name", text(80)),
    Column("存放机构", "agency", text(200)),
    Column("机构地址", "agency_address", text(200), required=False),
    Column("联系电话", "agency_phone", phone, required=False),
    Column("存放日期", "stored_since", day, required=False, default=None),
    Column("备注", "note", text(500), required=False),
], key=("id_number",))

INSTITUTIONS = Importer("培训机构", TrainingInstitution, [
    Column("机构名称", "name", text(120)),
    Column("所在乡镇", "town_code", one_of(TOWNS, "乡镇")),
    Column("地址", "address", text(200)),
    Column("联系电话", "phone", phone),
    Column("培训项目", "programs", many_of(TRAINING_TYPES, "培训项目")),
    Column("状态", "active", one_of(INSTITUTION_STATUS, "状态"), required=False, default="active"),
], key=("name",))

IMPORTERS = {"postings": FIXED_POSTINGS, "fairs": JOB_FAIRS, "policies": POLICIES, "cards": EMPLOYMENT_CARDS,
             "archives": ARCHIVES, "institutions": INSTITUTIONS}


def _stamp(importer: Importer, source: str, actor: str, now: datetime, new: bool) -> dict[str, Any]:
    """Return the bookkeeping columns of an imported row."""
    if importer.table is JobPosting:  # postings also come from cases, so they carry case-style columns
        stamp = {"source": source, "updated_at": now}
        return {**stamp, "created_by": actor, "created_at": now} if new else stamp
    return {"source": source, "imported_by": actor, "imported_at": now}


def import_rows(session: Session, importer: Importer, records: list[dict[str, Any]], *, source: str,
                actor: str, now: datetime) -> ImportResult:
    """Insert or update checked records by their natural key, in the caller's transaction."""
    table, added, updated = importer.table, 0, 0
    for record in records:
        values = {**record, **importer.fixed}
        if table is TrainingInstitution:
            values["active"] = values["active"] == "active"
        where = [getattr(table, k) == values[k] for k in (*importer.key, *importer.fixed)]
        row = session.scalar(select(table).where(*where))
        if row is None:
            session.add(table(**values, **_stamp(importer, source, actor, now, True)))
            added += 1
        else:
            for name, value in {**values, **_stamp(importer, source, actor, now, False)}.items():
                setattr(row, name, value)
            updated += 1
    session.flush()
    return ImportResult(importer.noun, added, updated)


def import_file(session: Session, importer: Importer, path: str | Path, *, actor: str,
                now: datetime) -> ImportResult:
    """Check a whole .csv/.xlsx file, then write it; raise ImportFileError naming the bad row and write nothing."""
    path = Path(path)
    records = parse_table(path.name, read_table(path), importer.columns,
                          key=lambda r: tuple(r[k] for k in importer.key), check=importer.check)
    return import_rows(session, importer, records, source=path.name, actor=actor, now=now)
