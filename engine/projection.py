"""Keep the inbox and timer tables in step with an instance's workflow, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from engine.models import InboxTask, ProcessInstance, Timer
from engine.script_env import parse_moment

DEFAULT_ROLE = "clerk"
# Built once and run on the session's connection: the ORM execute path costs several times more per call.
_STORED_TIMERS = select(Timer.id, Timer.task_id, Timer.bpmn_id, Timer.is_deadline, Timer.due_at).where(
    Timer.instance_id == bindparam("instance_id"))
_ADD_TIMERS = insert(Timer)
_DROP_TIMERS = delete(Timer).where(Timer.id.in_(bindparam("ids", expanding=True)))
_MOVE_TIMER = update(Timer).where(Timer.id == bindparam("timer_id")).values(
    due_at=bindparam("new_due"), failed=False)
_STORED_INBOX = select(InboxTask.task_id, InboxTask.due_at, InboxTask.overdue).where(
    InboxTask.instance_id == bindparam("instance_id"))
_ADD_INBOX = insert(InboxTask)
_DROP_INBOX = delete(InboxTask).where(InboxTask.task_id.in_(bindparam("task_ids", expanding=True)))
_SET_INBOX_DUE = update(InboxTask).where(InboxTask.task_id == bindparam("open_task_id")).values(
    due_at=bindparam("new_due"), overdue=bindparam("new_overdue"))


def candidate_role(task: Task) -> str:
    """Return the role a user task is offered to (the spiffworkflow property `candidate_role`)."""
    props = (getattr(task.task_spec, "extensions", None) or {}).get("properties", {})
    return props.get("candidate_role", DEFAULT_ROLE)


def task_title(task: Task) -> str:
    """Return a user task's display name."""
    return task.task_spec.bpmn_name or task.task_spec.bpmn_id or task.task_spec.name


def ready_user_tasks(workflow: BpmnWorkflow) -> list[Task]:
    """Return the user tasks waiting for a person."""
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def _timer_due(task: Task) -> datetime | None:
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(task.task_spec.event_definition, CycleTimerEventDefinition):
        value = value.get("next") if isinstance(value, dict) else None
    return parse_moment(value) if value else None


def waiting_timers(workflow: BpmnWorkflow) -> dict[str, tuple[Task, datetime]]:
    """Return the waiting timer tasks with the moment each comes due."""
    timers = {}
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            due = _timer_due(task)
            if due is not None:
                timers[str(task.id)] = (task, due)
    return timers


@dataclass(frozen=True)
class FiredTimer:
    """A timer that fired since the last save."""

    task_id: str
    bpmn_id: str
    is_deadline: bool


def sync_timers(
    session: Session, row: ProcessInstance, workflow: BpmnWorkflow, deadline_timer_id: str | None
) -> list[FiredTimer]:
    """Upsert waiting timers, drop finished ones, and report those that fired (Core statements: a hot path)."""
    current = waiting_timers(workflow)
    conn = session.connection()
    stored = {r.task_id: r for r in conn.execute(_STORED_TIMERS, {"instance_id": row.id})}
    fired, gone = [], []
    for task_id, timer in stored.items():
        if task_id in current:
            continue
        task = workflow.get_task_from_id(UUID(task_id))
        if task is not None and task.state != TaskState.CANCELLED:
            fired.append(FiredTimer(task_id, timer.bpmn_id, timer.is_deadline))
        gone.append(timer.id)
    if gone:
        conn.execute(_DROP_TIMERS, {"ids": gone})
    new = [{"instance_id": row.id, "task_id": task_id, "bpmn_id": task.task_spec.bpmn_id, "due_at": due,
            "is_deadline": task.task_spec.bpmn_id == deadline_timer_id, "failed": False}
           for task_id, (task, due) in current.items() if task_id not in stored]
    if new:
        conn.execute(_ADD_TIMERS, new)
    for task_id, (_, due) in current.items():
        if task_id in stored and stored[task_id].due_at != due:
            conn.execute(_MOVE_TIMER, {"timer_id": stored[task_id].id, "new_due": due})
    return fired


def task_due(task: Task, row: ProcessInstance) -> tuple[datetime | None, bool]:
    """Return a task's due moment and overdue flag: the case's, unless the task names a data key (`due_from`)."""
    props = (getattr(task.task_spec, "extensions", None) or {}).get("properties", {})
    value = task.data.get(props["due_from"]) if "due_from" in props else None
    if value:  # e.g. a reminder due before the next yearly certification, long after the case's own deadline
        return parse_moment(value), False
    return row.due_at, row.overdue


def sync_inbox(session: Session, row: ProcessInstance, workflow: BpmnWorkflow, now: datetime) -> None:
    """Make the instance's inbox rows exactly its ready user tasks; keep assignees of tasks still open."""
    ready = {str(t.id): t for t in ready_user_tasks(workflow)}
    conn = session.connection()
    stored = {r.task_id: r for r in conn.execute(_STORED_INBOX, {"instance_id": row.id})}
    gone = set(stored) - set(ready)
    if gone:
        conn.execute(_DROP_INBOX, {"task_ids": list(gone)})
    new = []
    for task_id, task in ready.items():
        due, overdue = task_due(task, row)
        if task_id not in stored:
            new.append({"instance_id": row.id, "task_id": task_id, "bpmn_id": task.task_spec.bpmn_id,
                        "title": task_title(task), "candidate_role": candidate_role(task),
                        "point_code": row.point_code, "town_code": row.town_code,
                        "county_code": row.county_code, "assignee": None,
                        "created_at": now, "due_at": due, "overdue": overdue})
        elif (stored[task_id].due_at, stored[task_id].overdue) != (due, overdue):
            conn.execute(_SET_INBOX_DUE, {"open_task_id": task_id, "new_due": due, "new_overdue": overdue})
    if new:
        conn.execute(_ADD_INBOX, new)
