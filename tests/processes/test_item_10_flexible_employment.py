"""Item 10 灵活就业登记: accept → materials → county review → record on approval → notify."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.employment.models import FlexibleEmployment, UnemploymentRegistration
from engine.clock import CHINA
from engine.timers import fire_due_timers
from tests.factories import ACCEPT, MATERIALS, do, open_tasks, start_item
from tests.processes.test_item_01_04_seeker_registration import ready_data, status

FLEX = {"flex_employment_type": "platform", "flex_work_content": "网约车司机", "flex_started_on": "2026-11-01",
        "flex_work_town": "LG", "flex_phone": "13800138000"}


def rows(store, table):
    with store.session() as s:
        return list(s.scalars(select(table).order_by(table.id)))


def to_review(engine, code="10", accept="item10_accept", data=FLEX) -> int:
    case = start_item(engine, code)
    do(engine, case, accept, data)
    do(engine, case, "check_materials", {"materials_received": MATERIALS})
    return case


def test_approved_registration_is_recorded_and_ends_unemployment(engine, store):
    unemployed = to_review(engine, "11", "item11_accept", ACCEPT)
    do(engine, unemployed, "item11_review", {"decision": "approve"}, "reviewer1")
    do(engine, unemployed, "notify_applicant", {"notify_method": "in_person"})
    case = to_review(engine)
    assert open_tasks(engine, case)[0].candidate_role == "county_reviewer"
    do(engine, case, "item10_review", {"decision": "approve"}, "reviewer1")
    message = ready_data(engine, case, "notify_applicant")["notify_message"]
    assert "灵活就业登记已办理完成" in message and "新就业形态（平台就业）" in message
    assert "失业登记已随之注销" in message
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    assert status(engine, case) == "completed"
    (row,) = rows(store, FlexibleEmployment)
    assert (row.employment_type, row.work_content, row.work_town, row.started_on.isoformat()) == (
        "platform", "网约车司机", "LG", "2026-11-01")
    assert (row.id_number, row.instance_id, row.point_code, row.town_code, row.created_by, row.active) == (
        "11010519491231002X", case, "LG-V01", "LG", "clerk1", True)
    (old,) = rows(store, UnemploymentRegistration)
    assert not old.active and old.ended_reason == "employed" and old.instance_id == unemployed


def test_rejection_records_nothing_and_tells_why(engine, store):
    case = to_review(engine)
    do(engine, case, "item10_review", {"decision": "reject", "review_opinion": "未提供从业证明"}, "reviewer1")
    assert ready_data(engine, case, "notify_applicant")["notify_message"] == (
        "经审核，不予办理灵活就业登记。理由：未提供从业证明")
    do(engine, case, "notify_applicant", {"notify_method": "phone"})
    assert status(engine, case) == "completed" and rows(store, FlexibleEmployment) == []


def test_incomplete_materials_get_the_one_time_notice_first(engine, store):
    case = start_item(engine, "10")
    do(engine, case, "item10_accept", FLEX)
    do(engine, case, "check_materials", {"materials_received": []})
    do(engine, case, "issue_notice", {"notice_handed_over": "on"})
    do(engine, case, "receive_supplement", {"supplement_note": "已带来社保卡"})
    do(engine, case, "check_materials", {"materials_received": MATERIALS})
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["item10_review"]
    assert rows(store, FlexibleEmployment) == []


def test_review_past_five_working_days_goes_to_a_supervisor(engine, store, clock):
    case = to_review(engine)
    clock.set(datetime(2026, 11, 30, 17, 31, tzinfo=CHINA))  # accepted Mon 23rd: due Mon 30th 17:30
    assert fire_due_timers(engine).fired == 1
    assert {t.bpmn_id for t in open_tasks(engine, case)} == {"item10_review", "supervise_overdue"}
    do(engine, case, "item10_review", {"decision": "approve"}, "reviewer1")
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    do(engine, case, "supervise_overdue", {"overdue_reason": "县局审核积压", "supervise_action": "已督促"}, "sup1")
    assert status(engine, case) == "completed" and rows(store, FlexibleEmployment)[0].instance_id == case
