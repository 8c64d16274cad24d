"""Move waiting cases to a newer version of their process: a dry run first, then the move, audited."""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import EngineError
from engine.models import InboxTask, ProcessInstance, ProcessVersion
from engine.runtime import Engine
from engine.specs import SERIALIZER

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


@dataclass(frozen=True)
class MigrationCheck:
    """Whether one case can move to the target version, and why not."""

    instance_id: int
    case_no: str | None
    from_version: int
    movable: bool
    reason: str


def _blockers(engine: Engine, workflow: BpmnWorkflow, target: ProcessVersion, session: Session) -> list[str]:
    """Say what stops this workflow from moving; empty when it can."""
    loaded = engine.loaded_spec(session, target.id)
    top, subs = diff_workflow(SERIALIZER.registry, workflow, loaded.spec, loaded.subprocess_specs)
    reasons = [f"等待中的步骤“{t.task_spec.bpmn_name or t.task_spec.name}”在新版本中已删除"
               for t in top.removed if t.state & LIVE]
    for sp_id, diff in subs.items():
        subprocess = workflow.subprocesses[sp_id]
        if subprocess.completed:
            continue
        if diff is None:
            reasons.append(f"进行中的子流程 {subprocess.spec.name} 在新版本中已删除")
            continue
        reasons += [f"等待中的步骤“{t.task_spec.bpmn_name or t.task_spec.name}”在新版本中已删除"
                    for t in diff.removed if t.state & LIVE]
    return reasons


def _target(session: Session, process_id: str, version_id: int | None) -> ProcessVersion:
    query = select(ProcessVersion).where(ProcessVersion.process_id == process_id)
    query = query.where(ProcessVersion.id == version_id) if version_id else query.where(ProcessVersion.is_current)
    target = session.scalars(query).one_or_none()
    if target is None:
        raise EngineError("没有找到目标版本。", f"no version {version_id} of {process_id}")
    return target


def plan_migration(engine: Engine, process_id: str, target_version_id: int | None = None) -> list[MigrationCheck]:
    """Dry run: for every open case on an older version, say whether it can move to the target and why not."""
    checks = []
    with engine.store.session() as session:
        target = _target(session, process_id, target_version_id)
        rows = session.scalars(select(ProcessInstance).where(
            ProcessInstance.process_id == process_id, ProcessInstance.status != "completed",
            ProcessInstance.version_id != target.id).order_by(ProcessInstance.id)).all()
        for row in rows:
            workflow = engine.load_workflow(session, row)
            reasons = _blockers(engine, workflow, target, session)
            if row.limit_days != target.limit_days:
                reasons.append(f"法定时限不同（{row.limit_days} → {target.limit_days} 个工作日）")
            checks.append(MigrationCheck(row.id, row.case_no, row.version_id, not reasons, "；".join(reasons)))
    return checks


def migrate(engine: Engine, process_id: str, instance_ids: list[int], *, actor: str,
            target_version_id: int | None = None) -> list[MigrationCheck]:
    """Move the given cases that can move; each move is its own transaction and audit event."""
    with engine.store.session() as session:
        target_id = _target(session, process_id, target_version_id).id
    results = []
    for instance_id in instance_ids:

        def change(session: Session, row: ProcessInstance, workflow: BpmnWorkflow) -> MigrationCheck:
            target = session.get(ProcessVersion, target_id)
            reasons = _blockers(engine, workflow, target, session)
            if row.process_id != process_id or row.status == "completed" or row.limit_days != target.limit_days:
                reasons.append("案件已办结、流程不同或法定时限不同")
            if reasons:
                return MigrationCheck(row.id, row.case_no, row.version_id, False, "；".join(reasons))
            loaded = engine.loaded_spec(session, target.id)
            top, subs = diff_workflow(SERIALIZER.registry, workflow, loaded.spec, loaded.subprocess_specs)
            migrate_workflow(top, workflow, loaded.spec)
            for sp_id, diff in subs.items():
                if diff is not None:
                    migrate_workflow(diff, workflow.subprocesses[sp_id], loaded.subprocess_specs[
                        workflow.subprocesses[sp_id].spec.name])
            workflow.subprocess_specs = loaded.subprocess_specs
            old = row.version_id
            row.version_id = target.id
            # Rebuild the inbox from the new version (names may differ); claimed tasks go back to the queue.
            session.execute(delete(InboxTask).where(InboxTask.instance_id == row.id))
            engine.run_steps(session, row, workflow, actor)
            audit.record(session, at=engine.clock(), actor=actor, action="migrate", instance_id=row.id,
                         point_code=row.point_code, from_version=old, to_version=target.id)
            return MigrationCheck(row.id, row.case_no, old, True, "")

        results.append(engine.mutate(instance_id, change))
    return results
