"""Read a case's current task data (for task pages, the case page and printouts)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from engine.errors import TaskStateError
from engine.models import InboxTask, ProcessInstance
from engine.projection import ready_user_tasks
from engine.queries import FinishedTask
from engine.runtime import Engine


def task_context(engine: Engine, task_id: str) -> tuple[InboxTask, ProcessInstance, dict[str, Any]]:
    """Return an open task's inbox row, its case and the task's data."""
    with engine.store.session() as session:
        inbox = session.query(InboxTask).filter_by(task_id=task_id).one_or_none()
        if inbox is None:
            raise TaskStateError("该任务已办结或不存在，请刷新。", f"task {task_id} is not open")
        row = session.get(ProcessInstance, inbox.instance_id)
        workflow = engine.load_workflow(session, row)
    task = workflow.get_task_from_id(UUID(task_id))
    return inbox, row, dict(task.data) if task is not None else {}


def finished_message(found: FinishedTask, for_citizen: bool = False) -> str:
    """Say that a task is done and need not be worked again; a citizen is not told staff usernames."""
    if found.completed_by and not for_citizen:
        return f"该任务已由 {found.completed_by} 办结，无需再次办理。"
    return "该任务已办结，无需再次办理。" if found.completed_by else "该任务已结束，无需再次办理。"


def case_data(engine: Engine, row: ProcessInstance) -> dict[str, Any]:
    """Return the case's most recent data: a waiting task's, else the last finished task's."""
    with engine.store.session() as session:
        workflow = engine.load_workflow(session, row)
    ready = ready_user_tasks(workflow)
    if ready:
        return dict(ready[0].data)
    return dict(workflow.last_task.data) if workflow.last_task is not None else {}
