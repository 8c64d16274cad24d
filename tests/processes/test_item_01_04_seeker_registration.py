"""Items 1 and 4, 求职登记（固定工/零工）: the registration row, re-registration history, refusal loop."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from app.employment.models import JobSeeker
from engine.models import ProcessInstance
from engine.runtime import CaseContext
from tests.factories import CONTEXT, do, open_tasks, start_item, task_of

FIXED = {"seeker_phone": "13800138000", "seeker_job_types": ["construction", "electrician"],
         "seeker_towns": ["LG", "JF"], "seeker_min_pay": "4000", "seeker_available_from": "2026-12-01"}


def ready_data(engine, case, bpmn_id) -> dict:
    """Return the task data of the open task with this BPMN id."""
    task = task_of(engine, case, bpmn_id)
    with engine.store.session() as s:
        workflow = engine.load_workflow(s, s.get(ProcessInstance, case))
    return workflow.get_task_from_id(UUID(task.task_id)).data


def status(engine, case) -> str:
    with engine.store.session() as s:
        return s.get(ProcessInstance, case).status


def seekers(store, kind=None) -> list[JobSeeker]:
    with store.session() as s:
        query = select(JobSeeker).order_by(JobSeeker.id)
        return list(s.scalars(query.where(JobSeeker.kind == kind) if kind else query))


def register(engine, code, data, context=CONTEXT) -> int:
    case = start_item(engine, str(int(code)), context)
    do(engine, case, f"item{code}_register", data)
    return case


def test_fixed_registration_records_the_seeker_and_tells_the_applicant(engine, store):
    case = register(engine, "01", FIXED)
    message = ready_data(engine, case, "notify_applicant")["notify_message"]
    assert "固定工求职登记已办理" in message and "建筑施工、电工" in message and "龙港镇、嘉峰镇" in message
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    assert status(engine, case) == "completed"
    (row,) = seekers(store)
    assert (row.kind, row.id_number, row.name, row.phone) == ("fixed", CONTEXT.applicant_id_number, "张三",
                                                              "13800138000")
    assert row.job_types == ["construction", "electrician"] and row.towns == ["LG", "JF"]
    assert row.min_pay == 4000 and row.available_from.isoformat() == "2026-12-01" and row.available_to is None
    assert (row.instance_id, row.point_code, row.town_code, row.created_by) == (case, "LG-V01", "LG", "clerk1")
    assert row.active and row.created_at is not None


def test_registering_again_supersedes_and_keeps_history(engine, store):
    first = register(engine, "01", FIXED)
    do(engine, first, "notify_applicant", {"notify_method": "in_person"})
    second = register(engine, "01", {**FIXED, "seeker_min_pay": "5000", "seeker_towns": []})
    assert "已更新您此前的登记" in ready_data(engine, second, "notify_applicant")["notify_message"]
    old, new = seekers(store)
    assert not old.active and old.superseded_at is not None and old.instance_id == first
    assert new.active and new.min_pay == 5000 and new.towns == [] and new.instance_id == second


def test_end_before_start_goes_back_to_the_form_with_the_reason(engine, store):
    case = register(engine, "01", {**FIXED, "seeker_available_to": "2026-11-30"})
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["item01_register"]
    assert ready_data(engine, case, "item01_register")["seeker_problem"] == "可工作截止日期早于开始日期，请修改。"
    assert seekers(store) == []
    do(engine, case, "item01_register", {**FIXED, "seeker_available_to": "2027-06-30"})
    do(engine, case, "notify_applicant", {"notify_method": "sms"})
    assert status(engine, case) == "completed"
    assert seekers(store)[0].available_to.isoformat() == "2027-06-30"


def test_gig_registration_is_its_own_kind(engine, store):
    fixed = register(engine, "01", FIXED)
    gig = register(engine, "04", {**FIXED, "seeker_min_pay": "200", "seeker_job_types": ["loading"]})
    assert "零工求职登记已办理" in ready_data(engine, gig, "notify_applicant")["notify_message"]
    assert "200元/天" in ready_data(engine, gig, "notify_applicant")["notify_message"]
    assert [s.instance_id for s in seekers(store, "fixed")] == [fixed]
    (row,) = seekers(store, "gig")
    assert row.active and row.min_pay == 200 and row.job_types == ["loading"]


def test_proxy_registration_at_home(engine, store):
    context = CaseContext(**{**vars(CONTEXT), "channel": "proxy"})
    case = start_item(engine, "4", context, verified=False)
    do(engine, case, "record_home_visit", {"visit_reason": "elderly", "visit_date": "2026-11-23",
                                           "proxy_name": "张小三", "proxy_id_number": "140521199003150014",
                                           "proxy_relation": "子女"})
    do(engine, case, "item04_register", {**FIXED, "seeker_min_pay": "150"})
    do(engine, case, "notify_applicant", {"notify_method": "phone"})
    assert status(engine, case) == "completed" and seekers(store, "gig")[0].instance_id == case
