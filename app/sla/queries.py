"""Read the SLA view from the inbox projection and the case rows, always inside a scope.

At province scale (a million cases, 100k open tasks) every count here is a SQL aggregate over indexed
columns and every list is a bounded page: nothing is counted from a capped list in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, literal, or_, select, text

from engine.clock import CHINA
from engine.models import InboxTask, ProcessInstance
from engine.queries import NO_STATE, in_county
from engine.store import Store

MARKS = ("overdue", "today", "soon")


@dataclass(frozen=True)
class SlaFilters:
    """What the supervisor narrowed the list to (empty = all in scope)."""

    town: str = ""
    point: str = ""
    item: str = ""
    process: str = ""
    assignee: str = ""


def _scoped(query, scope: dict, filters: SlaFilters, place=ProcessInstance):
    """Narrow to the scope and filters; `place` is the table whose point and town columns carry the index."""
    point = scope.get("point_code") or filters.point
    town = scope.get("town_code") or filters.town
    if point:
        query = query.where(place.point_code == point)
    if town:
        query = query.where(place.town_code == town)
    if scope.get("town_codes") is not None:  # a county role: its county's towns and its own town-less cases
        query = query.where(in_county(place.town_code, place.county_code, scope["town_codes"],
                                      scope.get("county_code")))
    if filters.item:
        query = query.where(ProcessInstance.item_code == filters.item)
    if filters.process:
        query = query.where(ProcessInstance.process_id == filters.process)
    return query


def _attention(query, scope: dict, filters: SlaFilters, cutoff: datetime):
    query = (query.join(ProcessInstance, ProcessInstance.id == InboxTask.instance_id)
             .where(or_(InboxTask.overdue.is_(True), InboxTask.due_at <= cutoff)))
    query = _scoped(query, scope, filters, InboxTask)  # a task's point and town are its case's
    if filters.assignee:
        query = query.where(InboxTask.assignee == filters.assignee)
    return query


def attention_rows(store: Store, scope: dict, filters: SlaFilters, cutoff: datetime, *, limit: int = 100,
                   offset: int = 0) -> list[tuple[InboxTask, ProcessInstance]]:
    """One page of the open tasks overdue or due before `cutoff` (end of the next working day), soonest first."""
    query = _attention(select(InboxTask, ProcessInstance).options(NO_STATE), scope, filters, cutoff)
    query = query.order_by(InboxTask.due_at, InboxTask.id).limit(limit).offset(offset)
    with store.session() as s:
        return [(task, case) for task, case in s.execute(query)]


def _mark(now: datetime, cutoff: datetime):
    """The deadline mark of app.cases.marks.deadline_mark, as a SQL expression."""
    local = now.astimezone(CHINA)
    tomorrow = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return case((or_(InboxTask.overdue.is_(True), InboxTask.due_at < now), literal("overdue")),
                (InboxTask.due_at < tomorrow, literal("today")), else_=literal("soon"))


@dataclass(frozen=True)
class Counts:
    """Tasks needing attention by town and by item, each split into overdue / today / soon, and the total."""

    total: int
    by_town: dict[str, dict[str, int]]
    by_item: dict[str, dict[str, int]]


def attention_counts(store: Store, scope: dict, filters: SlaFilters, now: datetime, cutoff: datetime) -> Counts:
    """Count every task needing attention in SQL (GROUP BY), whatever the length of the list."""
    mark = _mark(now, cutoff).label("mark")
    item = func.coalesce(ProcessInstance.item_code, ProcessInstance.process_id).label("item")
    query = _attention(select(ProcessInstance.town_code, item, mark, func.count()).select_from(InboxTask),
                       scope, filters, cutoff)
    # Group by the output names: PostgreSQL would not match a CASE repeated with fresh bound parameters.
    query = query.group_by(ProcessInstance.town_code, text("item"), text("mark"))
    by_town: dict[str, dict[str, int]] = {}
    by_item: dict[str, dict[str, int]] = {}
    total = 0
    with store.session() as s:
        for town, item_code, key, n in s.execute(query):
            total += n
            for counts, code in ((by_town, town), (by_item, item_code)):
                counts.setdefault(code, dict.fromkeys(MARKS, 0))[key] += n
    return Counts(total, dict(sorted(by_town.items())), dict(sorted(by_item.items())))


def parked_cases(store: Store, scope: dict, filters: SlaFilters, limit: int = 200) -> list[ProcessInstance]:
    """Cases an expression error or a failed timer branch parked, oldest first."""
    query = _scoped(select(ProcessInstance).options(NO_STATE).where(ProcessInstance.status == "error"),
                    scope, filters)
    with store.session() as s:
        return list(s.scalars(query.order_by(ProcessInstance.updated_at).limit(limit)))


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


def _bucket(column, starts: list[datetime]):
    """Number the week a moment falls in: a CASE over the week boundaries works alike on SQLite and PostgreSQL."""
    return case(*[(column >= start, literal(n)) for n, start in reversed(list(enumerate(starts)))], else_=literal(-1))


def _per_week(s, column, starts: list[datetime], end: datetime, scope: dict, filters: SlaFilters,
              *extra) -> dict[int, int]:
    bucket = _bucket(column, starts).label("week")
    query = select(bucket, func.count()).where(column >= starts[0], column < end, *extra)
    return dict(s.execute(_scoped(query, scope, filters).group_by(text("week"))).all())


def weekly(store: Store, scope: dict, filters: SlaFilters, now: datetime, weeks: int = 12) -> list[Week]:
    """Count per week over the last `weeks` weeks; a case counts as overdue in the week its deadline passed."""
    first = _week_start(now) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=n) for n in range(weeks)]
    end = starts[-1] + timedelta(weeks=1)
    c = ProcessInstance
    with store.session() as s:  # each count is a range scan of its own indexed column
        opened = _per_week(s, c.accepted_at, starts, end, scope, filters)
        finished = _per_week(s, c.completed_at, starts, end, scope, filters)
        late = _per_week(s, c.due_at, starts, min(end, now + timedelta(microseconds=1)), scope, filters,
                         or_(c.completed_at.is_(None), c.completed_at > c.due_at))
    return [Week(w, opened.get(n, 0), finished.get(n, 0), late.get(n, 0)) for n, w in enumerate(starts)]
