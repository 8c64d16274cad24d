"""Item 23 waits for the province within its statutory limit: overdue escalates; only the result ends the case."""

from __future__ import annotations

from datetime import datetime

from app.province.results import deliver_result
from engine.clock import CHINA
from engine.models import ProcessInstance
from engine.timers import fire_due_timers
from tests.app.test_province_http import approved_claim, case_status, outbox_rows
from tests.factories import do, open_tasks, told


def test_a_late_province_result_makes_the_case_overdue_and_escalates(engine, store, clock):
    case = approved_claim(engine)
    with store.session() as s:
        due = s.get(ProcessInstance, case).due_at
    assert due.astimezone(CHINA) == datetime(2026, 11, 30, 17, 30, tzinfo=CHINA)  # 5 working days
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=CHINA))
    assert fire_due_timers(engine).fired == 1
    with store.session() as s:
        assert s.get(ProcessInstance, case).overdue
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["supervise_overdue"]
    assert case_status(store, case) == "running"  # still waiting for the province, not silently finished

    do(engine, case, "supervise_overdue", {"overdue_reason": "省社保经办系统未按时反馈结果",
                                           "supervise_action": "已电话催办省社保经办机构"}, "supervisor1")
    assert case_status(store, case) == "running"
    (row,) = outbox_rows(store)
    assert deliver_result(engine, row.idempotency_key, "approved", None, "test")
    assert "省社保经办系统已办理通过" in told(engine, case)
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    assert case_status(store, case) == "completed"


def test_county_rejection_is_told_at_once_without_the_province(engine, store):
    from tests.app.test_province_http import CLAIM, ID_CARD
    from tests.factories import start_item

    approved_claim(engine)  # gives the applicant a finished item 11 case too
    case = start_item(engine, "23")
    do(engine, case, "item23_accept", CLAIM)
    do(engine, case, "check_materials", {"materials_received": ID_CARD})
    do(engine, case, "item23_review", {"decision": "reject", "review_opinion": "材料与事实不符"}, "reviewer1")
    assert "未通过审核" in told(engine, case)
    assert len(outbox_rows(store)) == 1  # only the first case's
