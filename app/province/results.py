"""The province's results reach their waiting cases exactly once, however often they are delivered."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.province.models import ProvinceOutbox
from engine import audit
from engine.errors import EngineError
from engine.models import ProcessInstance
from engine.runtime import Engine

MESSAGE = "province_result"  # the name of the BPMN message the waiting catch event listens for
RESULTS = {"approved": "省级经办通过", "rejected": "省级经办不予通过"}


class ResultError(EngineError):
    """A result that cannot be delivered: unknown key, bad status, or a case that is not waiting."""


def check_result(session: Session, key: str, status: str) -> ProvinceOutbox:
    """Return the outbox row a result is for, or say in Chinese why it cannot be taken."""
    if status not in RESULTS:
        raise ResultError(f"结果状态“{status}”无法识别，应为 approved（通过）或 rejected（不通过）。")
    row = session.scalars(select(ProvinceOutbox).where(ProvinceOutbox.idempotency_key == key)).first()
    if row is None:
        raise ResultError(f"报送编号“{key}”不存在。")
    if row.status == "acknowledged" and row.result_status != status:
        raise ResultError(f"报送编号“{key}”已收到结果“{RESULTS[row.result_status]}”，与本次结果矛盾。")
    return row


def deliver_in(engine: Engine, session: Session, key: str, status: str, note: str | None, actor: str) -> bool:
    """Hand one result to its waiting case inside the caller's transaction; False when it had already arrived."""
    found = check_result(session, key, status)
    if found.status == "acknowledged":
        return False
    instance = engine.lock_instance(session, found.instance_id)

    def change(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow) -> bool:
        query = select(ProvinceOutbox).where(ProvinceOutbox.idempotency_key == key)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        row = session.scalars(query.execution_options(populate_existing=True)).one()
        if row.status == "acknowledged":
            return False  # a duplicate delivery raced us and won: nothing to do
        payload = {"status": status, "note": (note or "").strip(), "idempotency_key": key}
        caught = workflow.event_manager.catch(BpmnEvent(MessageEventDefinition(MESSAGE), payload), internal=False)
        if not caught:
            raise ResultError(f"案件 {instance.case_no} 当前不在等待省级结果，无法接收。",
                              f"instance {instance.id} is not waiting for {MESSAGE}")
        now = engine.clock()
        row.status, row.result_status, row.result_note = "acknowledged", status, payload["note"] or None
        row.result_at = row.updated_at = now
        row.sent_at = row.sent_at or now  # a file result can arrive for a row the sender never marked sent
        audit.record(session, at=now, actor=actor, action="province_result", instance_id=instance.id,
                     point_code=instance.point_code, key=key, result=status)
        engine.run_steps(session, instance, workflow, actor)
        return True

    return engine.apply(session, instance, change)


def deliver_result(engine: Engine, key: str, status: str, note: str | None, actor: str) -> bool:
    """Hand the province's result to its waiting case; return False when it had already arrived."""
    return engine.in_transaction(lambda session: deliver_in(engine, session, key, status, note, actor),
                                 what="province result")
