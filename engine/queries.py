"""Read-only queries over the engine's tables."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import defer

from engine.models import AuditEvent, InboxTask, ProcessInstance, ProcessVersion, Timer
from engine.store import Store


@dataclass(frozen=True)
class ProcessRow:
    """A deployed process's current version and its open-case counts."""

    process_id: str
    name: str
    version_id: int
    content_hash: str
    limit_days: int | None
    deployed_at: datetime
    open_cases: int
    overdue: int


# Lists never load Spiff's state (kilobytes per case): only the case page and the engine read it.
NO_STATE = defer(ProcessInstance.state)


def in_county(column_town, column_county, town_codes: Collection[str], county_code: str | None):
    """Return a county scope's condition: a record in one of its towns, or one without a town that is the county's."""
    in_towns = column_town.in_(sorted(town_codes))
    if column_county is None or county_code is None:
        return in_towns
    return or_(in_towns, and_(column_town.is_(None), column_county == county_code))


def _scoped(query, column_point, column_town, point_code: str | None, town_code: str | None,
            town_codes: Collection[str] | None = None, column_county=None, county_code: str | None = None):
    if point_code is not None:
        query = query.where(column_point == point_code)
    if town_code is not None:
        query = query.where(column_town == town_code)
    if town_codes is not None:  # a county: its towns, and its own records that have no town
        query = query.where(in_county(column_town, column_county, town_codes, county_code))
    return query


@dataclass(frozen=True)
class Overview:
    """Counts for the landing page."""

    processes: list[ProcessRow]
    running: int
    completed_recent: int  # finished in the last RECENT_DAYS days: a range of an index, not the whole history
    errors: int
    waiting_timers: int
    next_timer: datetime | None


RECENT_DAYS = 30
OPEN = ("running", "error")


def overview(store: Store, now: datetime, *, point_code: str | None = None, town_code: str | None = None,
             town_codes: Collection[str] | None = None, county_code: str | None = None) -> Overview:
    """Count a scope's open cases by state and process and its recently finished ones; list process versions."""
    # Every count here reads an index range of open or recent cases, never the million finished ones.
    c = ProcessInstance
    def scoped(query):
        return _scoped(query, c.point_code, c.town_code, point_code, town_code, town_codes, c.county_code, county_code)

    with store.session() as s:
        by_status = dict(s.execute(scoped(select(c.status, func.count()).where(c.status.in_(OPEN)))
                                   .group_by(c.status)).all())
        recent = s.scalar(scoped(select(func.count()).where(c.completed_at >= now - timedelta(days=RECENT_DAYS)))) or 0
        open_by_process = {
            pid: (n, late) for pid, n, late in s.execute(
                scoped(select(c.process_id, func.count(), func.count().filter(c.overdue.is_(True)))
                       .where(c.status.in_(OPEN))).group_by(c.process_id))
        }
        versions = s.scalars(select(ProcessVersion).options(defer(ProcessVersion.bpmn_xml),
                                                            defer(ProcessVersion.spec_json))
                             .where(ProcessVersion.is_current).order_by(ProcessVersion.process_id)).all()
        timers, next_due = s.execute(select(func.count(), func.min(Timer.due_at))).one()
    rows = [ProcessRow(v.process_id, v.name, v.id, v.content_hash, v.limit_days, v.deployed_at,
                       *open_by_process.get(v.process_id, (0, 0))) for v in versions]
    return Overview(rows, by_status.get("running", 0), recent, by_status.get("error", 0), timers, next_due)


def ping(store: Store) -> None:
    """Ask the database one trivial question: the health check must stay cheap at any size."""
    with store.session() as s:
        s.execute(select(literal(1))).one()


def open_tasks(
    store: Store,
    *,
    roles: Iterable[str] | None = None,
    point_code: str | None = None,
    town_code: str | None = None,
    town_codes: Collection[str] | None = None,
    county_code: str | None = None,
    assignee: str | None = None,
    unassigned: bool = False,
    instance_id: int | None = None,
    search: str | None = None,
    limit: int = 200,
) -> list[tuple[InboxTask, ProcessInstance]]:
    """List open user tasks with their cases from the inbox projection, soonest due first."""
    query = (select(InboxTask, ProcessInstance).join(ProcessInstance, ProcessInstance.id == InboxTask.instance_id)
             .options(NO_STATE))
    query = _scoped(query, InboxTask.point_code, InboxTask.town_code, point_code, town_code, town_codes,
                    InboxTask.county_code, county_code)
    if roles is not None:
        query = query.where(InboxTask.candidate_role.in_(list(roles)))
    if assignee is not None:
        query = query.where(InboxTask.assignee == assignee)
    if unassigned:
        query = query.where(InboxTask.assignee.is_(None))
    if instance_id is not None:
        query = query.where(InboxTask.instance_id == instance_id)
    if search:
        query = query.where(_matches(search))
    # NULLS LAST rather than "due_at IS NULL" first: the ordering an index on (..., due_at) gives on PostgreSQL.
    query = query.order_by(InboxTask.due_at.asc().nulls_last(), InboxTask.id).limit(limit)
    with store.session() as s:
        return [(task, case) for task, case in s.execute(query)]


def _matches(search: str):
    """Match a case by its number or its applicant's ID number."""
    text = search.strip().upper()
    return or_(ProcessInstance.case_no == text, ProcessInstance.applicant_id_number == text)


def find_cases(store: Store, search: str, *, point_code: str | None = None, town_code: str | None = None,
               town_codes: Collection[str] | None = None, county_code: str | None = None,
               limit: int = 50) -> list[ProcessInstance]:
    """Find cases by case number or applicant ID number, newest first, inside a scope."""
    c = ProcessInstance
    query = _scoped(select(c).where(_matches(search)).options(NO_STATE), c.point_code, c.town_code, point_code,
                    town_code, town_codes, c.county_code, county_code)
    with store.session() as s:
        return list(s.scalars(query.order_by(ProcessInstance.id.desc()).limit(limit)))


def get_case(store: Store, instance_id: int) -> ProcessInstance | None:
    """Return one case row."""
    with store.session() as s:
        return s.get(ProcessInstance, instance_id)


@dataclass(frozen=True)
class FinishedTask:
    """A task that existed but is no longer open: its case (without the state) and who completed it, if anyone."""

    case: ProcessInstance
    completed_by: str | None


def finished_task(store: Store, task_id: str) -> FinishedTask | None:
    """Find a task that is no longer open through the audit trail; None if no task had this id or it is open.

    The trail is the only record of a task once its inbox row is gone (completed, or cancelled with its case).
    """
    try:
        if str(UUID(task_id)) != task_id:  # task ids are canonical UUIDs: anything else never existed
            return None
    except ValueError:
        return None
    with store.session() as s:
        if s.scalar(select(InboxTask.id).where(InboxTask.task_id == task_id)) is not None:
            return None
        events = s.execute(select(AuditEvent.instance_id, AuditEvent.action, AuditEvent.actor).where(
            AuditEvent.task_id == task_id, AuditEvent.instance_id.is_not(None))).all()
        if not events:
            return None
        case = s.get(ProcessInstance, events[0].instance_id, options=[defer(ProcessInstance.state)])
        if case is None:
            return None
        return FinishedTask(case, next((e.actor for e in events if e.action == "complete_task"), None))


def case_history(store: Store, instance_id: int) -> list[AuditEvent]:
    """Return a case's audit events, oldest first."""
    with store.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                              .order_by(AuditEvent.at, AuditEvent.id)))


def process_names(store: Store) -> dict[str, str]:
    """Map each process id to its current version's name."""
    with store.session() as s:
        return dict(s.execute(select(ProcessVersion.process_id, ProcessVersion.name)
                              .where(ProcessVersion.is_current)).all())
