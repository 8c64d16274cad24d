"""Read the problem ledger and the responsibility list, always inside a scope."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.policy import Scope
from app.auth.roles import COUNTY_BACKBONE, role_label
from app.faults import vocab
from app.faults.models import Fault, FaultAttachment, FaultDesk, FaultEntry
from engine.calendar.working import WorkingCalendar
from engine.clock import CHINA
from engine.models import InboxTask, ProcessInstance


@dataclass(frozen=True)
class LedgerFilters:
    """What the user narrowed the ledger to (empty = everything in scope)."""

    category: str = ""
    line: str = ""
    town: str = ""
    point: str = ""
    state: str = ""
    level: str = ""
    date_from: date | None = None  # filed on or after this day (Beijing)
    date_to: date | None = None  # filed on or before this day
    overdue: bool = False
    q: str = ""  # case number


@dataclass(frozen=True)
class LedgerRow:
    """One problem as the ledger lists it: where it stands, who holds it, its level's deadline."""

    fault: Fault
    case_status: str
    case_overdue: bool
    holders: tuple[str, ...]  # assignees of its open tasks; empty when still unclaimed
    level_due: datetime | None
    level_overdue: bool
    age_days: float

    @property
    def state_label(self) -> str:
        """Say the state in Chinese, naming the level that holds an open problem."""
        if self.case_status == "error":
            return "出错待处理"
        if self.fault.state == "handling":
            return f"{vocab.label(vocab.LEVELS, self.fault.level)}处理中"
        return vocab.label(vocab.STATES, self.fault.state)

    @property
    def holder_label(self) -> str:
        """Say who holds the problem now: the assignee, else the role whose queue it waits in."""
        if self.holders:
            return "、".join(self.holders)
        return f"待认领（{role_label(self.fault.holder_role)}）" if self.fault.holder_role else "—"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=CHINA)


def _filtered(query: Select, scope: Scope, filters: LedgerFilters) -> Select:
    """Narrow a query over Fault to the scope (which wins over any filter) and the filters."""
    point = scope.point_code if scope.point_code is not None else filters.point
    town = scope.town_code if scope.town_code is not None else filters.town
    if point:
        query = query.where(Fault.point_code == point)
    if town:
        query = query.where(Fault.town_code == town)
    if scope.towns is not None and scope.is_county:
        query = query.where(Fault.town_code.in_(sorted(scope.towns)))
    for column, value in ((Fault.category, filters.category), (Fault.line, filters.line),
                          (Fault.state, filters.state), (Fault.level, filters.level)):
        if value:
            query = query.where(column == value)
    if filters.date_from:
        query = query.where(Fault.filed_at >= _day_start(filters.date_from))
    if filters.date_to:
        query = query.where(Fault.filed_at < _day_start(filters.date_to + timedelta(days=1)))
    if filters.q:
        query = query.where(Fault.case_no == filters.q.strip().upper())
    return query


def level_due(calendar: WorkingCalendar, fault: Fault) -> datetime | None:
    """Return when the level holding the problem must answer (the same rule its BPMN timer uses)."""
    if fault.level_days is None or fault.state != "handling":
        return None
    return calendar.due(fault.level_started_at, fault.level_days).at


def ledger(session: Session, calendar: WorkingCalendar, scope: Scope, filters: LedgerFilters, now: datetime,
           limit: int = 2000) -> list[LedgerRow]:
    """List the problems in scope, newest first, with holder, level deadline and age."""
    query = _filtered(select(Fault, ProcessInstance.status, ProcessInstance.overdue)
                      .join(ProcessInstance, ProcessInstance.id == Fault.instance_id), scope, filters)
    found = session.execute(query.order_by(Fault.filed_at.desc(), Fault.id.desc()).limit(limit)).all()
    holders: dict[int, list[str]] = {}
    ids = [fault.instance_id for fault, _, _ in found]
    for instance_id, assignee in session.execute(select(InboxTask.instance_id, InboxTask.assignee)
                                                 .where(InboxTask.instance_id.in_(ids))):
        if assignee:
            holders.setdefault(instance_id, []).append(assignee)
    rows = []
    for fault, status, case_overdue in found:
        due = level_due(calendar, fault)
        late = due is not None and due < now
        if filters.overdue and not (late or (case_overdue and fault.state != "solved")):
            continue
        end = fault.closed_at or now
        rows.append(LedgerRow(fault, status, case_overdue, tuple(holders.get(fault.instance_id, ())), due, late,
                              round((end - fault.filed_at).total_seconds() / 86400, 1)))
    return rows


@dataclass(frozen=True)
class Counts:
    """Problems counted by category, business line, town and service item, for training plans."""

    total: int
    by_category: dict[str, int]
    by_line: dict[str, int]
    by_town: dict[str, int]
    by_item: dict[str, int]
    by_town_line: dict[tuple[str, str], int]


def counts(session: Session, scope: Scope, filters: LedgerFilters) -> Counts:
    """Count the filtered problems in scope (the period is the filters' date range)."""
    query = _filtered(select(Fault.category, Fault.line, Fault.town_code, Fault.item_code), scope, filters)
    rows = session.execute(query).all()
    return Counts(
        total=len(rows),
        by_category=dict(Counter(r.category for r in rows)),
        by_line=dict(Counter(r.line for r in rows)),
        by_town=dict(Counter(r.town_code or "" for r in rows).most_common()),
        by_item=dict(Counter(r.item_code for r in rows if r.item_code).most_common()),
        by_town_line=dict(Counter((r.town_code or "", r.line) for r in rows)),
    )


def get_fault(session: Session, fault_id: int) -> Fault | None:
    """Return one problem."""
    return session.get(Fault, fault_id)


def fault_for_case(session: Session, instance_id: int) -> Fault | None:
    """Return the problem a case carries."""
    return session.scalar(select(Fault).where(Fault.instance_id == instance_id))


def thread(session: Session, fault_id: int) -> list[FaultEntry]:
    """Return a problem's thread, oldest first."""
    return list(session.scalars(select(FaultEntry).where(FaultEntry.fault_id == fault_id)
                                .order_by(FaultEntry.at, FaultEntry.id)))


@dataclass(frozen=True)
class AttachmentInfo:
    """An attachment without its bytes, for lists."""

    id: int
    filename: str
    content_type: str
    size: int


def attachments(session: Session, fault_id: int) -> list[AttachmentInfo]:
    """List a problem's attachments without loading their content."""
    columns = (FaultAttachment.id, FaultAttachment.filename, FaultAttachment.content_type, FaultAttachment.size)
    return [AttachmentInfo(*row) for row in session.execute(select(*columns).where(FaultAttachment.fault_id == fault_id)
                                                            .order_by(FaultAttachment.id))]


def case_attachments(session: Session, instance_id: int) -> list[tuple[int, AttachmentInfo]]:
    """List the attachments filed with a case's problem, each with its problem's id, without their content."""
    columns = (FaultAttachment.fault_id, FaultAttachment.id, FaultAttachment.filename, FaultAttachment.content_type,
               FaultAttachment.size)
    rows = session.execute(select(*columns).where(FaultAttachment.instance_id == instance_id)
                           .order_by(FaultAttachment.id))
    return [(fault_id, AttachmentInfo(*rest)) for fault_id, *rest in rows]


def attachment(session: Session, fault_id: int, attachment_id: int) -> FaultAttachment | None:
    """Return one attachment of a problem, with its content."""
    return session.scalar(select(FaultAttachment).where(FaultAttachment.id == attachment_id,
                                                        FaultAttachment.fault_id == fault_id))


def desks_of(session: Session, username: str) -> set[str]:
    """Return a county backbone's desks."""
    return set(session.scalars(select(FaultDesk.desk).where(FaultDesk.username == username)))


def backbones(session: Session) -> list[tuple[User, set[str]]]:
    """Return the county backbone accounts with their desks."""
    users = list(session.scalars(select(User).where(User.role == COUNTY_BACKBONE).order_by(User.username)))
    desks: dict[str, set[str]] = {}
    for username, desk in session.execute(select(FaultDesk.username, FaultDesk.desk)):
        desks.setdefault(username, set()).add(desk)
    return [(u, desks.get(u.username, set())) for u in users]


def fault_tasks(session: Session, role: str, scope: Scope, desks: set[str] | None = None
                ) -> list[tuple[InboxTask, Fault]]:
    """List open fault tasks offered to a role in scope, oldest level first; a backbone's narrowed to their desks."""
    query = (select(InboxTask, Fault).join(Fault, Fault.instance_id == InboxTask.instance_id)
             .where(InboxTask.candidate_role == role).order_by(Fault.level_started_at, InboxTask.id))
    query = scope.narrow(query, InboxTask.point_code, InboxTask.town_code, InboxTask.county_code)
    rows = [(task, fault) for task, fault in session.execute(query)]
    if not desks:
        return rows
    lines = desks & set(vocab.LINES)
    wanted = []
    for task, fault in rows:
        if task.bpmn_id == vocab.LEVEL_TASKS["province"] and "province" in desks:
            wanted.append((task, fault))
        elif task.bpmn_id == vocab.LEVEL_TASKS["backbone"] and fault.line in lines:
            wanted.append((task, fault))
    return wanted
