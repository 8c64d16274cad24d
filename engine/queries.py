"""Read-only queries over the engine's tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.models import InboxTask, ProcessInstance, ProcessVersion, Timer
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


@dataclass(frozen=True)
class Overview:
    """Counts for the landing page."""

    processes: list[ProcessRow]
    running: int
    completed: int
    errors: int
    waiting_timers: int
    next_timer: datetime | None


def overview(store: Store) -> Overview:
    """Count cases by state and list current process versions."""
    with store.session() as s:
        by_status = dict(s.execute(select(ProcessInstance.status, func.count())
                                     .group_by(ProcessInstance.status)).all())
        open_by_process = {
            pid: (n, late) for pid, n, late in s.execute(
                select(ProcessInstance.process_id, func.count(),
                       func.count().filter(ProcessInstance.overdue.is_(True)))
                .where(ProcessInstance.status != "completed").group_by(ProcessInstance.process_id))
        }
        versions = s.scalars(select(ProcessVersion).where(ProcessVersion.is_current)
                             .order_by(ProcessVersion.process_id)).all()
        timers, next_due = s.execute(select(func.count(), func.min(Timer.due_at))).one()
    rows = [ProcessRow(v.process_id, v.name, v.id, v.content_hash, v.limit_days, v.deployed_at,
                       *open_by_process.get(v.process_id, (0, 0))) for v in versions]
    return Overview(rows, by_status.get("running", 0), by_status.get("completed", 0),
                    by_status.get("error", 0), timers, next_due)


def open_tasks(
    store: Store,
    *,
    roles: Iterable[str] | None = None,
    point_code: str | None = None,
    town_code: str | None = None,
    assignee: str | None = None,
    unassigned: bool = False,
    instance_id: int | None = None,
    limit: int = 200,
) -> list[InboxTask]:
    """List open user tasks from the inbox projection, soonest due first."""
    query = select(InboxTask)
    if roles is not None:
        query = query.where(InboxTask.candidate_role.in_(list(roles)))
    if point_code is not None:
        query = query.where(InboxTask.point_code == point_code)
    if town_code is not None:
        query = query.where(InboxTask.town_code == town_code)
    if assignee is not None:
        query = query.where(InboxTask.assignee == assignee)
    if unassigned:
        query = query.where(InboxTask.assignee.is_(None))
    if instance_id is not None:
        query = query.where(InboxTask.instance_id == instance_id)
    query = query.order_by(InboxTask.due_at.is_(None), InboxTask.due_at, InboxTask.id).limit(limit)
    with store.session() as s:
        return list(s.scalars(query))
