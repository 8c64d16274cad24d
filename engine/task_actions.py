"""Work a user task: claim it, give it back, complete it; each call safe to retry after a lost answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import CHINA, Clock
from engine.errors import FormInvalid, TaskStateError
from engine.forms import FormRegistry, validate
from engine.models import InboxTask, ProcessInstance
from engine.retry import RetryPolicy, retrying
from engine.services import ServiceCall, ServiceRegistry
from engine.store import Store

# Built once: the hot paths run them on the session's connection, which costs a fraction of the ORM path.
_OPEN_TASK = select(InboxTask.instance_id, InboxTask.assignee, InboxTask.point_code).where(
    InboxTask.task_id == bindparam("task_id"))
_HOLDER = select(InboxTask.assignee).where(InboxTask.task_id == bindparam("task_id")).with_for_update()


@dataclass
class _Call:
    """One engine call across its retried attempts: the token its audit row carries and the case it touched."""

    action: str
    task_id: str
    op: str = field(default_factory=lambda: uuid4().hex)
    instance_id: int | None = None
    attempts: int = 0

    def already_committed(self, session: Session) -> bool:
        """Count an attempt; on a retry, tell whether an earlier attempt committed although it reported an error.

        A transient error can arrive after the server committed (the connection died while COMMIT's answer was
        on its way): running the work again would then find the task gone and report a failure for a change
        that happened. The audit row written in the same transaction, carrying our token, says it did.
        """
        self.attempts += 1
        return (self.attempts > 1 and self.instance_id is not None
                and audit.carries_op(session, instance_id=self.instance_id, task_id=self.task_id,
                                     action=self.action, op=self.op))


def _refuse_if_held(holder: str | None, actor: str, task_id: str) -> None:
    """Refuse working a task someone else has claimed."""
    if holder not in (None, actor):
        raise TaskStateError(f"该任务已由 {holder} 认领。", f"task {task_id} held by {holder}")


class TaskActions:
    """The Engine's task calls (engine.runtime.Engine supplies the store, clock, forms, services and _write)."""

    store: Store
    clock: Clock
    forms: FormRegistry | None
    services: ServiceRegistry
    retry_policy: RetryPolicy
    _write: Callable[..., Any]
    run_steps: Callable[..., bool]

    def _inbox_row(self, session: Session, task_id: str) -> Row:
        row = session.connection().execute(_OPEN_TASK, {"task_id": task_id}).one_or_none()
        if row is None:
            raise TaskStateError("该任务已办结或不存在，请刷新。", f"task {task_id} is not open")
        return row

    def claim(self, task_id: str, actor: str) -> None:
        """Take an open task for oneself; fail if someone else holds it."""
        self._set_assignee(task_id, actor, expect=None, action="claim")

    def unclaim(self, task_id: str, actor: str) -> None:
        """Give a task one holds back to the queue."""
        self._set_assignee(task_id, None, expect=actor, action="unclaim")

    def _set_assignee(self, task_id: str, assignee: str | None, *, expect: str | None, action: str) -> None:
        call = _Call(action, task_id)
        retrying(lambda: self._assign(call, assignee, expect=expect), self.retry_policy, what=action)

    def _assign(self, call: _Call, assignee: str | None, *, expect: str | None) -> None:
        task_id, action = call.task_id, call.action
        with self.store.session(write=True) as session:
            if call.already_committed(session):
                return
            inbox = self._inbox_row(session, task_id)
            call.instance_id = inbox.instance_id
            changed = session.execute(
                update(InboxTask).where(InboxTask.task_id == task_id,
                                        InboxTask.assignee.is_(None) if expect is None
                                        else InboxTask.assignee == expect)
                .values(assignee=assignee)
            ).rowcount
            if not changed:
                # Read again: the row we first saw may have been claimed, released or completed meanwhile.
                holder = self._inbox_row(session, task_id).assignee
                raise TaskStateError(f"该任务已由 {holder} 认领。" if holder else "该任务尚未被认领。",
                                     f"{action} refused: task {task_id} held by {holder}")
            audit.record(session, at=self.clock(), actor=assignee or expect, action=action,
                         instance_id=inbox.instance_id, task_id=task_id, point_code=inbox.point_code, op=call.op)

    def complete(self, task_id: str, actor: str, submitted: Mapping[str, Any],
                 expected_version: int | None = None) -> ProcessInstance:
        """Validate a user task's form, complete it and run the case on; return the saved instance row."""
        call = _Call("complete_task", task_id)

        def change(session: Session, row: ProcessInstance, workflow: BpmnWorkflow) -> ProcessInstance:
            task = workflow.get_task_from_id(UUID(task_id))
            if task is None or task.state != TaskState.READY or not task.task_spec.manual:
                raise TaskStateError("该任务已办结或不存在，请刷新。", f"task {task_id} not ready")
            # Ask again under a row lock: a claim committed since `locate` read the inbox wins, and a claim still
            # in flight waits for this completion and then finds the task gone (claims do not lock the case).
            holder = session.connection().execute(_HOLDER, {"task_id": task_id}).scalar_one_or_none()
            _refuse_if_held(holder, actor, task_id)
            data = dict(submitted)
            form = self.forms.get(task.task_spec.bpmn_id) if self.forms else None
            if form is not None:
                result = validate(form, submitted, task.data, today=self.clock().astimezone(CHINA).date())
                if result.errors:
                    raise FormInvalid(result.errors)
                data = result.data
            # A domain rule may hold the task back (the county submits only after every town confirmed).
            refusal = self.services.refusal(task.task_spec.bpmn_id,
                                            ServiceCall(session, row, self.clock(), {**task.data, **data}))
            if refusal:
                raise TaskStateError(refusal, f"task {task_id} held back: {refusal}")
            task.set_data(**data)
            task.run()
            verdict = {f.name: data.get(f.name) for f in form.verdict_fields} if form is not None else {}
            audit.record(session, at=self.clock(), actor=actor, action="complete_task", instance_id=row.id,
                         task_id=task_id, point_code=row.point_code, bpmn_id=task.task_spec.bpmn_id,
                         fields=sorted(data), op=call.op, **({"verdict": verdict} if verdict else {}))
            self.run_steps(session, row, workflow, actor)
            return row

        def locate(session: Session) -> int:
            inbox = self._inbox_row(session, task_id)
            call.instance_id = inbox.instance_id
            _refuse_if_held(inbox.assignee, actor, task_id)  # early, before the case's state is loaded
            return inbox.instance_id

        def done(session: Session) -> ProcessInstance | None:
            return session.get(ProcessInstance, call.instance_id) if call.already_committed(session) else None

        return self._write(locate, change, expected_version, done)
