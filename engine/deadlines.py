"""Recompute provisional deadlines of open cases once a year's official schedule is loaded."""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import china_iso
from engine.models import ProcessInstance
from engine.projection import waiting_timers
from engine.runtime import Engine

ACTOR = "system:calendar"


def _recompute(engine: Engine):
    def change(session: Session, row: ProcessInstance, workflow: BpmnWorkflow) -> bool:
        due = engine.calendar.current().due(row.accepted_at, row.limit_days)
        old = row.due_at
        row.due_at, row.due_provisional = due.at, due.provisional
        # Timers cached their value when they started waiting: evaluate their text again on the new calendar.
        for task, _ in waiting_timers(workflow).values():
            definition = task.task_spec.event_definition
            if isinstance(definition, TimeDateEventDefinition):
                value = engine.script_engine.evaluate(task, definition.expression)
                if value != task._get_internal_data("event_value"):
                    task._set_internal_data(event_value=value)
        changed = old != due.at
        audit.record(session, at=engine.clock(), actor=ACTOR, action="deadline_recomputed",
                     instance_id=row.id, point_code=row.point_code, old=china_iso(old) if old else None,
                     new=due.iso(), provisional=due.provisional)
        return changed

    return change


def recompute_provisional_deadlines(engine: Engine) -> tuple[int, int]:
    """Recompute every open case whose deadline is provisional; return (examined, changed)."""
    engine.calendar.invalidate()
    with engine.store.session() as session:
        ids = session.scalars(
            select(ProcessInstance.id).where(
                ProcessInstance.due_provisional.is_(True),
                ProcessInstance.status != "completed",
                ProcessInstance.limit_days.is_not(None),
            )
        ).all()
    changed = sum(1 for instance_id in ids if engine.mutate(instance_id, _recompute(engine)))
    return len(ids), changed
