"""Items 20 and 24: flexible workers' pension enrolment (same day) and suspension of an employee pension."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from app.social.models import SocialApplication
from engine.clock import CHINA
from engine.models import InboxTask, ProcessInstance
from engine.timers import fire_due_timers
from tests.factories import CONTEXT, do, open_tasks, province_answers, start_item, told

ENROL = {"employment_form": "individual_business", "contribution_base_level": "社会平均工资的60%",
         "hukou_kind": "rural", "residence_address": "沁水县龙港镇", "contact_phone": "13800138000",
         "start_date": "2026-12-01"}
PENSIONER = "140521194501010011"
SUSPEND = {"pensioner_name": "王老汉", "pensioner_id_number": PENSIONER, "suspension_reason": "deceased",
           "event_date": "2026-11-10", "reporter_relation": "子女", "contact_phone": "13800138000"}


def applications(store, kind: str) -> list[SocialApplication]:
    with store.session() as s:
        return list(s.scalars(select(SocialApplication).where(SocialApplication.kind == kind)
                              .order_by(SocialApplication.id)))



def status(store, case: int) -> str:
    with store.session() as s:
        return s.get(ProcessInstance, case).status


def enrol(engine) -> int:
    case = start_item(engine, "20")
    do(engine, case, "item20_accept", ENROL)
    return case


def test_20_enrolment_is_submitted_the_same_day(engine, store):
    case = enrol(engine)
    assert open_tasks(engine, case) == [] and status(store, case) == "running"  # waits for the province
    province_answers(engine, case)
    assert told(engine, case) == (f"您的灵活就业人员参保登记已受理，并已报送省社保经办系统办理"
                                  f"（案件编号 QS20261123{case:06d}）。省社保经办系统已办理通过。")
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    (row,) = applications(store, "flexible_pension_enrolment")
    assert (row.status, row.id_number, row.reviewer, row.decided_at) == (
        "submitted", CONTEXT.applicant_id_number, None, None)
    assert json.loads(row.data) == ENROL and status(store, case) == "completed"


def test_20_second_enrolment_is_refused(engine, store):
    first = enrol(engine)
    province_answers(engine, first)
    do(engine, first, "notify_applicant", {"notify_method": "in_person"})
    second = enrol(engine)
    assert told(engine, second) == ("您的灵活就业人员参保登记申请不符合办理条件，不予受理。理由：县级记录显示申请人已于"
                                   "2026-11-23办理灵活就业人员参保登记，无需重复办理。")
    do(engine, second, "notify_applicant", {"notify_method": "in_person"})
    assert [a.status for a in applications(store, "flexible_pension_enrolment")] == ["submitted", "rejected"]


def suspend(engine, decision: str, opinion: str = "") -> int:
    case = start_item(engine, "24")
    do(engine, case, "item24_accept", SUSPEND)
    do(engine, case, "check_materials", {"materials_received": ["本人身份证或社会保障卡"]})
    do(engine, case, "item24_review", {"decision": decision, "review_opinion": opinion}, "reviewer1")
    return case


def test_24_suspension_concerns_the_pensioner_not_the_relative(engine, store):
    case = suspend(engine, "approve")
    province_answers(engine, case)
    assert "企业职工基本养老保险待遇暂停申请已经县级审核通过" in told(engine, case)
    do(engine, case, "notify_applicant", {"notify_method": "phone"})
    (row,) = applications(store, "employee_pension_suspension")
    assert (row.id_number, row.name, row.applicant_id_number) == (PENSIONER, "王老汉", CONTEXT.applicant_id_number)
    assert (row.status, row.reviewer, row.item_code) == ("approved", "reviewer1", "24")
    assert json.loads(row.data)["suspension_reason"] == "deceased"


def test_24_rejection(engine, store):
    case = suspend(engine, "reject", "未提供死亡证明")
    assert told(engine, case) == "您的企业职工基本养老保险待遇暂停申请未通过审核。理由：未提供死亡证明"
    assert applications(store, "employee_pension_suspension")[0].status == "rejected"


def test_24_one_working_day_then_supervision(engine, store, clock):
    case = start_item(engine, "24")
    with store.session() as s:
        assert s.get(ProcessInstance, case).due_at == datetime(2026, 11, 24, 17, 30, tzinfo=CHINA)
    clock.set(datetime(2026, 11, 24, 17, 31, tzinfo=CHINA))
    assert fire_due_timers(engine).fired == 1
    assert {t.bpmn_id for t in open_tasks(engine, case)} == {"item24_accept", "supervise_overdue"}
    with store.session() as s:
        assert all(t.overdue for t in s.scalars(select(InboxTask).where(InboxTask.instance_id == case)))
