"""Read process versions with their case counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from engine.models import InboxTask, ProcessInstance, ProcessVersion
from engine.store import Store


@dataclass(frozen=True)
class VersionRow:
    """A version with how many of its cases are open and finished."""

    version: ProcessVersion
    open_cases: int
    finished: int


def process_ids(store: Store) -> list[tuple[str, str, int]]:
    """Return (process id, current name, number of versions) for every deployed process."""
    with store.session() as s:
        rows = s.execute(select(ProcessVersion.process_id, func.count()).group_by(ProcessVersion.process_id)
                         .order_by(ProcessVersion.process_id)).all()
        names = dict(s.execute(select(ProcessVersion.process_id, ProcessVersion.name)
                               .where(ProcessVersion.is_current)).all())
    return [(pid, names.get(pid, pid), count) for pid, count in rows]


def versions(store: Store, process_id: str) -> list[VersionRow]:
    """Return a process's versions, newest first, with open and finished case counts."""
    with store.session() as s:
        counts = {}
        for version_id, status, n in s.execute(
                select(ProcessInstance.version_id, ProcessInstance.status, func.count())
                .where(ProcessInstance.process_id == process_id)
                .group_by(ProcessInstance.version_id, ProcessInstance.status)):
            counts.setdefault(version_id, {})[status] = n
        rows = s.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
                         .order_by(ProcessVersion.id.desc())).all()
    return [VersionRow(v, sum(n for st, n in counts.get(v.id, {}).items() if st != "completed"),
                       counts.get(v.id, {}).get("completed", 0)) for v in rows]


def get_version(store: Store, version_id: int) -> ProcessVersion | None:
    """Return one version row."""
    with store.session() as s:
        return s.get(ProcessVersion, version_id)


def waiting_by_task(store: Store, version_id: int) -> dict[str, tuple[int, int]]:
    """Count open tasks per BPMN id for a version's cases: (waiting, overdue)."""
    with store.session() as s:
        rows = s.execute(
            select(InboxTask.bpmn_id, func.count(), func.count().filter(InboxTask.overdue.is_(True)))
            .join(ProcessInstance, ProcessInstance.id == InboxTask.instance_id)
            .where(ProcessInstance.version_id == version_id).group_by(InboxTask.bpmn_id)).all()
    return {bpmn_id: (n, late) for bpmn_id, n, late in rows}
