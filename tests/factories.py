"""Test data builders shared by the tests."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select

from app.cases.starting import start_item_case
from app.catalog import load_catalog
from app.employment.models import UnemploymentRegistration
from engine.models import InboxTask, ProcessInstance
from engine.runtime import CaseContext, Engine
from tests.conftest import PROCESSES

CATALOG = load_catalog(PROCESSES / "catalog.toml")

ITEM11 = "item_11_unemployment_registration"
MATERIALS = ["本人身份证或社会保障卡"]
VERIFY = {"identity_document": "id_card", "identity_confirmed": "on"}
ACCEPT = {"unemployment_date": "2026-11-01", "last_employer": "沁水县某公司",
          "unemployment_reason": "contract_expired", "contact_phone": "13800138000"}
CONTEXT = CaseContext(point_code="LG-V01", town_code="LG", item_code="11",
                      applicant_id_number="11010519491231002X", applicant_name="张三")


def open_tasks(engine: Engine, instance_id: int) -> list[InboxTask]:
    """Return a case's open inbox rows in creation order."""
    with engine.store.session() as s:
        return list(s.scalars(select(InboxTask).where(InboxTask.instance_id == instance_id).order_by(InboxTask.id)))


def task_of(engine: Engine, instance_id: int, bpmn_id: str) -> InboxTask:
    """Return the one open task with this BPMN id."""
    (task,) = [t for t in open_tasks(engine, instance_id) if t.bpmn_id == bpmn_id]
    return task


def do(engine: Engine, instance_id: int, bpmn_id: str, data: dict, actor: str = "clerk1") -> None:
    """Complete the open task with this BPMN id."""
    engine.complete(task_of(engine, instance_id, bpmn_id).task_id, actor, data)


def start_item11(engine: Engine, context: CaseContext = CONTEXT, *, verified: bool = True, **kwargs) -> int:
    """Start an item 11 case at a counter; by default the applicant's identity is already verified."""
    case = engine.start_case(ITEM11, context, actor="clerk1", data={"required_materials": MATERIALS}, **kwargs)
    if verified:
        do(engine, case, "verify_identity", VERIFY)
    return case


def unemployment_registration(engine: Engine, decision: str = "approve", context: CaseContext = CONTEXT) -> int:
    """Run an item 11 registration through the county's review to the end; return its case."""
    case = start_item11(engine, context)
    do(engine, case, "item11_accept", ACCEPT)
    do(engine, case, "check_materials", {"materials_received": ["本人身份证或社会保障卡"]})
    review = {"decision": decision, "review_opinion": "" if decision == "approve" else "失业日期与原单位证明不符"}
    do(engine, case, "item11_review", review, "reviewer1")
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    return case


def end_unemployment_registration(engine: Engine, id_number: str, reason: str = "employed") -> None:
    """End a person's active registration as item 10 (flexible employment) does, on 2026-11-20."""
    with engine.store.session(write=True) as s:
        row = s.scalar(select(UnemploymentRegistration).where(UnemploymentRegistration.id_number == id_number,
                                                              UnemploymentRegistration.active))
        row.active, row.ended_at, row.ended_reason = False, datetime(2026, 11, 20, 2, tzinfo=UTC), reason


def start_item(engine: Engine, code: str, context: CaseContext = CONTEXT, *, verified: bool = True,
               actor: str = "clerk1", **kwargs) -> int:
    """Start any catalog item's case as the counter does; by default verify the applicant's identity too."""
    item = CATALOG.get(code)
    case = start_item_case(engine, item, context, actor=actor, point_is_demo=item.demo_only, **kwargs)
    if verified and context.channel in ("counter", "kiosk_assisted"):
        do(engine, case, "verify_identity", VERIFY, actor)
    return case


def data_at(engine: Engine, instance_id: int, bpmn_id: str) -> dict:
    """Return the data of the case's open task with this BPMN id (what its form shows)."""
    task = task_of(engine, instance_id, bpmn_id)
    with engine.store.session() as s:
        workflow = engine.load_workflow(s, s.get(ProcessInstance, instance_id))
        return workflow.get_task_from_id(UUID(task.task_id)).data


def told(engine: Engine, instance_id: int) -> str:
    """Return the result sentence the clerk tells the applicant at the notify step."""
    return data_at(engine, instance_id, "notify_applicant")["notify_message"]


def status(engine: Engine, instance_id: int) -> str:
    """Return the case's status."""
    with engine.store.session() as s:
        return s.get(ProcessInstance, instance_id).status


def province_answers(engine: Engine, instance_id: int, status: str = "approved", note: str | None = None) -> None:
    """Deliver the province's result to a case waiting for it (as the results import or callback does)."""
    from app.province.models import ProvinceOutbox
    from app.province.results import deliver_result

    with engine.store.session() as s:
        key = s.scalars(select(ProvinceOutbox.idempotency_key).where(ProvinceOutbox.instance_id == instance_id)
                        .order_by(ProvinceOutbox.id.desc())).first()
    assert key is not None, f"case {instance_id} has handed nothing to the province"
    assert deliver_result(engine, key, status, note, "test:province")
