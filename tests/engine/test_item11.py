"""Item 11 失业登记 end to end through the engine; every call restores the case from the database."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.employment.models import UnemploymentRegistration
from engine.clock import CHINA
from engine.errors import FormInvalid, TaskStateError
from engine.models import AuditEvent, InboxTask, ProcessInstance
from engine.runtime import CaseContext
from engine.timers import fire_due_timers
from tests.factories import ACCEPT, CONTEXT, VERIFY, do, start_item11


def only_task(store, instance_id, bpmn_id):
    tasks = open_tasks_rows(store, instance_id)
    assert [t.bpmn_id for t in tasks] == [bpmn_id]
    return tasks[0]


def open_tasks_rows(store, instance_id):
    with store.session() as s:
        return s.scalars(select(InboxTask).where(InboxTask.instance_id == instance_id)
                         .order_by(InboxTask.id)).all()


def instance(store, instance_id) -> ProcessInstance:
    with store.session() as s:
        return s.get(ProcessInstance, instance_id)


def start(engine):
    return start_item11(engine)


def test_start_sets_context_deadline_and_first_task(engine, store):
    case = start(engine)
    row = instance(store, case)
    assert row.case_no == f"QS20261123{case:06d}"
    assert row.limit_days == 10 and row.status == "running" and not row.due_provisional
    # Accepted Mon 2026-11-23: the 10th working day after is Mon 2026-12-07, due at 17:30.
    assert row.due_at == datetime(2026, 12, 7, 17, 30, tzinfo=CHINA)
    task = only_task(store, case, "item11_accept")
    assert (task.candidate_role, task.point_code, task.town_code) == ("clerk", "LG-V01", "LG")
    assert task.title == "受理登记" and task.due_at == row.due_at and task.assignee is None


def test_identity_is_verified_first_at_the_counter(engine, store):
    case = start_item11(engine, verified=False)
    task = only_task(store, case, "verify_identity")
    with pytest.raises(FormInvalid) as err:
        engine.complete(task.task_id, "clerk1", {"identity_document": "id_card"})
    assert err.value.errors == {"identity_confirmed": "请确认已核对证件原件，人证一致"}
    engine.complete(task.task_id, "clerk1", VERIFY)
    only_task(store, case, "item11_accept")


def test_proxy_handling_records_the_proxy(engine, store):
    context = CaseContext(**{**vars(CONTEXT), "channel": "proxy"})
    case = start_item11(engine, context, verified=False)
    task = only_task(store, case, "record_home_visit")
    with pytest.raises(FormInvalid) as err:
        engine.complete(task.task_id, "clerk1", {"visit_reason": "elderly", "visit_date": "2026-11-23"})
    assert set(err.value.errors) == {"proxy_name", "proxy_id_number", "proxy_relation"}
    engine.complete(task.task_id, "clerk1", {"visit_reason": "elderly", "visit_date": "2026-11-23",
                                            "proxy_name": "张小三", "proxy_id_number": "11010519491231002X",
                                            "proxy_relation": "子女"})
    only_task(store, case, "item11_accept")


def test_complete_materials_approved(engine, store):
    case = start(engine)
    do(engine, case, "item11_accept", ACCEPT)
    do(engine, case, "check_materials", {"materials_received": ["本人身份证或社会保障卡"]})
    review = only_task(store, case, "item11_review")
    assert review.candidate_role == "county_reviewer"
    do(engine, case, "item11_review", {"decision": "approve"}, actor="reviewer1")
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    row = instance(store, case)
    assert row.status == "completed" and row.completed_at is not None and not row.overdue
    assert open_tasks_rows(store, case) == []
    with store.session() as s:
        workflow = engine.load_workflow(s, row)
    assert workflow.data.get("registration_status") == "registered" or any(
        t.data.get("registration_status") == "registered" for t in workflow.get_tasks())
    with store.session() as s:
        (registration,) = s.scalars(select(UnemploymentRegistration)).all()
    assert (registration.id_number, registration.instance_id, registration.active) == (
        CONTEXT.applicant_id_number, case, True)
    assert (registration.reason, registration.last_employer, registration.phone) == (
        "contract_expired", "沁水县某公司", "13800138000")


def test_incomplete_materials_get_one_time_notice_then_supplement(engine, store):
    case = start(engine)
    do(engine, case, "item11_accept", ACCEPT)
    do(engine, case, "check_materials", {"materials_received": [], "other_missing": "户口簿"})
    notice = only_task(store, case, "issue_notice")
    with store.session() as s:
        workflow = engine.load_workflow(s, instance(store, case))
    ready = workflow.get_task_from_id(__import__("uuid").UUID(notice.task_id))
    assert ready.data["materials_missing"] == ["本人身份证或社会保障卡", "户口簿"]
    do(engine, case, "issue_notice", {"notice_handed_over": "on"})
    do(engine, case, "receive_supplement", {"supplement_note": "已带来身份证"})
    do(engine, case, "check_materials", {"materials_received": ["本人身份证或社会保障卡"]})
    only_task(store, case, "item11_review")


def test_rejection_requires_opinion_and_notifies(engine, store):
    case = start(engine)
    do(engine, case, "item11_accept", ACCEPT)
    do(engine, case, "check_materials", {"materials_received": ["本人身份证或社会保障卡"]})
    review = only_task(store, case, "item11_review")
    with pytest.raises(FormInvalid) as err:
        engine.complete(review.task_id, "reviewer1", {"decision": "reject"})
    assert "review_opinion" in err.value.errors
    only_task(store, case, "item11_review")  # nothing changed
    engine.complete(review.task_id, "reviewer1", {"decision": "reject", "review_opinion": "仍在职，不符合条件"})
    do(engine, case, "notify_applicant", {"notify_method": "phone"})
    assert instance(store, case).status == "completed"
    with store.session() as s:
        assert s.scalars(select(UnemploymentRegistration)).all() == []


def test_claim_unclaim_and_foreign_completion(engine, store):
    case = start(engine)
    task = only_task(store, case, "item11_accept")
    engine.claim(task.task_id, "clerk1")
    with pytest.raises(TaskStateError):
        engine.claim(task.task_id, "clerk2")
    with pytest.raises(TaskStateError):
        engine.complete(task.task_id, "clerk2", ACCEPT)
    engine.unclaim(task.task_id, "clerk1")
    assert only_task(store, case, "item11_accept").assignee is None
    engine.complete(task.task_id, "clerk2", ACCEPT)
    with pytest.raises(TaskStateError):
        engine.complete(task.task_id, "clerk2", ACCEPT)  # a second submit of the same form


def test_deadline_marks_overdue_and_supervisor_task_while_clerk_finishes(engine, store, clock):
    case = start(engine)
    do(engine, case, "item11_accept", ACCEPT)
    clock.set(datetime(2026, 12, 7, 17, 29, tzinfo=CHINA))
    assert fire_due_timers(engine).fired == 0
    clock.set(datetime(2026, 12, 7, 17, 31, tzinfo=CHINA))
    assert fire_due_timers(engine).fired == 1
    row = instance(store, case)
    assert row.overdue and row.status == "running"
    tasks = {t.bpmn_id: t for t in open_tasks_rows(store, case)}
    assert set(tasks) == {"check_materials", "supervise_overdue"}
    assert tasks["supervise_overdue"].candidate_role == "supervisor"
    assert all(t.overdue for t in tasks.values())
    do_task = tasks["check_materials"]
    engine.complete(do_task.task_id, "clerk1", {"materials_received": ["本人身份证或社会保障卡"]})
    do(engine, case, "item11_review", {"decision": "approve"}, actor="reviewer1")
    do(engine, case, "notify_applicant", {"notify_method": "sms"})
    assert instance(store, case).status == "running"  # the supervisor has not recorded yet
    supervision = {"overdue_reason": "申请人补件延迟", "supervise_action": "已约谈经办人"}
    do(engine, case, "supervise_overdue", supervision, "sup1")
    assert instance(store, case).status == "completed"


def test_audit_trail_has_every_change(engine, store):
    case = start(engine)
    task = only_task(store, case, "item11_accept")
    engine.claim(task.task_id, "clerk1")
    engine.complete(task.task_id, "clerk1", ACCEPT)
    with store.session() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.instance_id == case)
                            .order_by(AuditEvent.id)).all()
        assert actions == ["start", "complete_task", "claim", "complete_task"]
        assert s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "deploy")) >= 2
