"""Read the SLA view from the inbox projection and the case rows, always inside a scope."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from engine.clock import CHINA
from engine.models import InboxTask, ProcessInstance
from engine.store import Store


@dataclass(frozen=True)
class SlaFilters:
    """What the supervisor narrowed the list to (empty = all in scope)."""

    town: str = ""
    point: str = ""
    item: str = ""
    process: str = ""
    assignee: str = ""


def _scoped(query, scope: dict[str, str], filters: SlaFilters):
    point = scope.get("point_code") or filters.point
    town = scope.get("town_code") or filters.town
    if point:
        query = query.where(ProcessInstance.point_code == point)
    if town:
        query = query.where(ProcessInstance.town_code == town)
    if filters.item:
        query = query.where(ProcessInstance.item_code == filters.item)
    if filters.process:
        query = query.where(ProcessInstance.process_id == filters.process)
    return query


def attention_rows(store: Store, scope: dict[str, str], filters: SlaFilters, cutoff: datetime,
                   limit: int = 1000) -> list[tuple[InboxTask, ProcessInstance]]:
    """Open tasks overdue or due before `cutoff` (end of the next working day), the latest first."""
    query = (select(InboxTask, ProcessInstance).join(ProcessInstance, ProcessInstance.id == InboxTask.instance_id)
             .where(or_(InboxTask.overdue.is_(True), InboxTask.due_at <= cutoff)))
    query = _scoped(query, scope, filters)
    if filters.assignee:
        query = query.where(InboxTask.assignee == filters.assignee)
    query = query.order_by(InboxTask.due_at, InboxTask.id).limit(limit)
    with store.session() as s:
        return [(task, case) for task, case in s.execute(query)]


def parked_cases(store: Store, scope: dict[str, str], filters: SlaFilters) -> list[ProcessInstance]:
    """Cases an expression error or a failed timer branch parked, oldest first."""
    query = _scoped(select(ProcessInstance).where(ProcessInstance.status == "error"), scope, filters)
    with store.session() as s:
        return list(s.scalars(query.order_by(ProcessInstance.updated_at)))


@dataclass(frozen=True)
class Week:
    """Cases opened, finished and gone overdue in one week (Monday to Sunday, Beijing time)."""

    start: datetime
    opened: int
    finished: int
    overdue: int


def _week_start(moment: datetime) -> datetime:
    local = moment.astimezone(CHINA)
    return (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def weekly(store: Store, scope: dict[str, str], filters: SlaFilters, now: datetime, weeks: int = 12) -> list[Week]:
    """Count per week over the last `weeks` weeks; a case counts as overdue in the week its deadline passed."""
    first = _week_start(now) - timedelta(weeks=weeks - 1)
    columns = (ProcessInstance.accepted_at, ProcessInstance.completed_at, ProcessInstance.due_at)
    query = _scoped(select(*columns).where(or_(ProcessInstance.accepted_at >= first,
                                                ProcessInstance.completed_at >= first,
                                                ProcessInstance.due_at >= first)), scope, filters)
    opened, finished, late = Counter(), Counter(), Counter()
    with store.session() as s:
        for accepted, completed, due in s.execute(query):
            opened[_week_start(accepted)] += 1
            if completed:
                finished[_week_start(completed)] += 1
            if due and due <= now and (completed is None or completed > due):
                late[_week_start(due)] += 1
    starts = [first + timedelta(weeks=n) for n in range(weeks)]
    return [Week(w, opened[w], finished[w], late[w]) for w in starts]
