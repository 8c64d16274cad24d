"""Fault escalation (附件9): each route from filing to confirmation, escalation by timer and by choice, reopen."""

from __future__ import annotations

from datetime import datetime

import pytest
from lxml import etree
from sqlalchemy import select

from app.faults.models import Fault, FaultAttachment, FaultEntry
from app.faults.services import file_problem, start_data
from app.faults.settings import LEVEL_DAY_DEFAULTS, STATUTORY_DAYS
from app.faults.uploads import Upload
from engine.clock import CHINA
from engine.errors import FormInvalid
from engine.models import AuditEvent, InboxTask, ProcessInstance, Timer
from engine.runtime import CaseContext
from engine.timer_check import deadline_days
from engine.timers import fire_due_timers
from tests.conftest import PROCESSES
from tests.factories import do, open_tasks

PNG = Upload("截图.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
ANSWER = {"backbone_outcome": "answer", "backbone_answer": "在“待遇资格认证”页先选险种再读卡。",
          "backbone_time_limit": "2026-11-27"}


def file(engine, *, category="guidance", line="social_insurance", item="21", reporter="clerk1", role="clerk",
         point="LG-V01", town="LG", uploads=(PNG,)) -> int:
    """File a problem as a point (or town) does through the filing page."""
    form = {"fault_category": category, "fault_line": line, "fault_item": item,
            "fault_description": "资格认证时读卡失败，不知如何操作", "fault_suggestion": "请给出操作指引"}
    data = start_data(form, reporter_role=role, reporter_name="演示经办人", place="龙港镇 第01村",
                      item_label="21. 资格认证", uploads=list(uploads))
    return file_problem(engine, username=reporter, point_code=point, town_code=town, data=data,
                        uploads=list(uploads))


def fault(store, case) -> Fault:
    with store.session() as s:
        return s.scalar(select(Fault).where(Fault.instance_id == case))


def thread(store, case) -> list[tuple[str, str, str | None, str]]:
    with store.session() as s:
        return [(e.kind, e.level, e.reason, e.actor) for e in s.scalars(
            select(FaultEntry).where(FaultEntry.instance_id == case).order_by(FaultEntry.id))]


def task_ids(engine, case) -> list[str]:
    return [t.bpmn_id for t in open_tasks(engine, case)]


def status(store, case) -> str:
    with store.session() as s:
        return s.get(ProcessInstance, case).status


def timer_due(store, case, bpmn_id) -> datetime:
    with store.session() as s:
        return s.scalar(select(Timer.due_at).where(Timer.instance_id == case, Timer.bpmn_id == bpmn_id))


def test_system_problem_goes_to_the_province_queue_is_answered_and_confirmed(engine, store):
    case = file(engine, category="system", line="employment")
    (task,) = open_tasks(engine, case)
    assert (task.bpmn_id, task.candidate_role) == ("fault_province_answer", "county_backbone")
    assert fault(store, case).level == "province"
    do(engine, case, "fault_province_answer", {"province_answer": "省级工作专班已受理，将于下一版本修正读卡流程。",
                                               "province_time_limit": "2026-12-15"}, "backbone1")
    (confirm,) = open_tasks(engine, case)
    assert (confirm.bpmn_id, confirm.candidate_role, confirm.point_code) == ("fault_confirm", "clerk", "LG-V01")
    row = fault(store, case)
    assert (row.state, row.level, row.answered_level, row.holder_role) == ("answered", "reporter", "province", "clerk")
    do(engine, case, "fault_confirm", {"confirm_result": "solved"}, "clerk1")
    row = fault(store, case)
    assert (row.state, row.level, status(store, case)) == ("solved", "closed", "completed")
    assert row.closed_at is not None and row.escalations == 0
    assert thread(store, case) == [("filed", "reporter", None, "clerk1"), ("entered", "province", "new", "clerk1"),
                                   ("answered", "province", None, "backbone1"), ("solved", "province", None, "clerk1")]
    with store.session() as s:
        answer = s.scalar(select(FaultEntry).where(FaultEntry.kind == "answered"))
        assert answer.time_limit.isoformat() == "2026-12-15" and "下一版本" in answer.text
        (stored,) = s.scalars(select(FaultAttachment).where(FaultAttachment.instance_id == case))
        assert (stored.filename, stored.size, stored.fault_id) == ("截图.png", PNG.size, row.id)


def test_functional_problem_also_goes_to_the_province(engine, store):
    case = file(engine, category="functional")
    assert task_ids(engine, case) == ["fault_province_answer"]


def test_guidance_problem_goes_to_the_backbone_and_is_answered(engine, store, clock):
    case = file(engine)
    (task,) = open_tasks(engine, case)
    assert (task.bpmn_id, task.candidate_role) == ("fault_backbone_answer", "county_backbone")
    with store.session() as s:
        assert s.get(ProcessInstance, case).applicant_name.startswith("社会保险｜")  # the line shows in the inbox
    # Monday 10:00 + 2 working days: Wednesday at close of business; the whole problem: 10 working days.
    assert timer_due(store, case, "backbone_overdue") == datetime(2026, 11, 25, 17, 30, tzinfo=CHINA)
    assert timer_due(store, case, "deadline") == datetime(2026, 12, 7, 17, 30, tzinfo=CHINA)
    do(engine, case, "fault_backbone_answer", ANSWER, "backbone1")
    assert task_ids(engine, case) == ["fault_confirm"]
    do(engine, case, "fault_confirm", {"confirm_result": "solved", "confirm_remark": "已按指引办妥"}, "clerk1")
    assert status(store, case) == "completed"
    assert [k for k, *_ in thread(store, case)] == ["filed", "entered", "answered", "solved"]


def test_backbone_that_cannot_solve_sends_it_to_the_hr_department(engine, store):
    case = file(engine)
    do(engine, case, "fault_backbone_answer", {"backbone_outcome": "escalate",
                                               "backbone_escalate_reason": "涉及待遇政策口径，需县局决定"}, "backbone1")
    (task,) = open_tasks(engine, case)
    assert (task.bpmn_id, task.candidate_role) == ("fault_hr_answer", "county_reviewer")
    row = fault(store, case)
    assert (row.level, row.escalations, row.overdue_levels) == ("hr", 1, 0)
    assert thread(store, case)[-1] == ("entered", "hr", "unsolved", "backbone1")


def test_overdue_backbone_escalates_to_the_hr_department_then_to_the_work_team(engine, store, clock):
    case = file(engine)
    clock.advance(days=2)  # Wednesday 10:00: not yet due
    assert fire_due_timers(engine).fired == 0
    clock.advance(days=1)  # Thursday 10:00: the backbone's two working days have passed
    assert fire_due_timers(engine).fired == 1
    assert task_ids(engine, case) == ["fault_hr_answer"]
    assert fault(store, case).level == "hr"
    # the HR department's three working days run from Thursday: due Tuesday at close of business
    assert timer_due(store, case, "hr_overdue") == datetime(2026, 12, 1, 17, 30, tzinfo=CHINA)
    clock.advance(days=6)  # Wednesday 2 December
    assert fire_due_timers(engine).fired == 1
    (task,) = open_tasks(engine, case)
    assert (task.bpmn_id, task.candidate_role) == ("fault_workteam_answer", "supervisor")
    row = fault(store, case)
    assert (row.level, row.escalations, row.overdue_levels) == ("workteam", 2, 2)
    # the thread is kept: the problem, both lapses, and the attachment stay with the case
    assert thread(store, case) == [("filed", "reporter", None, "clerk1"), ("entered", "backbone", "new", "clerk1"),
                                   ("entered", "hr", "overdue", "system:timer"),
                                   ("entered", "workteam", "overdue", "system:timer")]
    with store.session() as s:
        assert s.scalar(select(FaultAttachment.filename).where(FaultAttachment.instance_id == case)) == "截图.png"
    do(engine, case, "fault_workteam_answer", {"workteam_outcome": "answer", "workteam_answer": "已安排视频培训。",
                                               "workteam_time_limit": "2026-12-10"}, "supervisor1")
    do(engine, case, "fault_confirm", {"confirm_result": "solved"}, "clerk1")
    assert status(store, case) == "completed"


def test_work_team_lapse_is_recorded_without_losing_its_task(engine, store, clock):
    case = file(engine)
    do(engine, case, "fault_backbone_answer", {"backbone_outcome": "escalate", "backbone_escalate_reason": "x"},
       "backbone1")
    do(engine, case, "fault_hr_answer", {"hr_outcome": "escalate", "hr_escalate_reason": "需专班协调"}, "reviewer1")
    clock.advance(days=8)  # past the work team's five working days
    fire_due_timers(engine)
    assert "fault_workteam_answer" in task_ids(engine, case)  # the top of the county chain keeps it
    assert thread(store, case)[-1] == ("overdue", "workteam", None, "system:timer")
    assert fault(store, case).overdue_levels == 1


def test_reopen_goes_back_to_the_level_that_answered(engine, store):
    case = file(engine)
    do(engine, case, "fault_backbone_answer", {"backbone_outcome": "escalate", "backbone_escalate_reason": "x"},
       "backbone1")
    do(engine, case, "fault_hr_answer", {"hr_outcome": "answer", "hr_answer": "按县局通知办理。",
                                         "hr_time_limit": "2026-11-30"}, "reviewer1")
    with pytest.raises(FormInvalid) as refused:  # a reopen needs its reason
        do(engine, case, "fault_confirm", {"confirm_result": "reopen"}, "clerk1")
    assert refused.value.errors == {"confirm_remark": "请填写说明"}
    do(engine, case, "fault_confirm", {"confirm_result": "reopen", "confirm_remark": "按通知操作仍报错"}, "clerk1")
    (task,) = open_tasks(engine, case)
    assert (task.bpmn_id, task.candidate_role) == ("fault_hr_answer", "county_reviewer")
    row = fault(store, case)
    assert (row.state, row.level, row.reopens) == ("handling", "hr", 1)
    assert thread(store, case)[-2:] == [("reopened", "hr", None, "clerk1"), ("entered", "hr", "reopen", "clerk1")]
    with store.session() as s:
        reopened = s.scalar(select(FaultEntry).where(FaultEntry.kind == "reopened"))
        assert reopened.text == "按通知操作仍报错"
    do(engine, case, "fault_hr_answer", {"hr_outcome": "answer", "hr_answer": "已远程协助处理。",
                                         "hr_time_limit": "2026-11-30"}, "reviewer1")
    do(engine, case, "fault_confirm", {"confirm_result": "solved"}, "clerk1")
    assert status(store, case) == "completed"
    assert [k for k, *_ in thread(store, case)].count("answered") == 2


def test_work_team_can_forward_to_the_province_and_a_late_province_comes_back(engine, store, clock):
    case = file(engine, category="system")
    clock.advance(days=8)  # the province liaison's five working days have passed
    fire_due_timers(engine)
    assert task_ids(engine, case) == ["fault_workteam_answer"]
    assert thread(store, case)[-1] == ("entered", "workteam", "overdue", "system:timer")
    do(engine, case, "fault_workteam_answer", {"workteam_outcome": "forward",
                                               "workteam_forward_reason": "已电话督促省级工作专班"}, "supervisor1")
    assert task_ids(engine, case) == ["fault_province_answer"]
    assert thread(store, case)[-1] == ("entered", "province", "forwarded", "supervisor1")


def test_town_staff_confirm_their_own_problems(engine, store):
    case = file(engine, reporter="townstaff1", role="town_staff", point=None)
    do(engine, case, "fault_backbone_answer", ANSWER, "backbone1")
    (task,) = open_tasks(engine, case)
    assert (task.bpmn_id, task.candidate_role, task.point_code, task.town_code) == (
        "fault_confirm_town", "town_staff", None, "LG")
    do(engine, case, "fault_confirm_town", {"town_confirm_result": "reopen", "town_confirm_remark": "仍不会"},
       "townstaff1")
    assert task_ids(engine, case) == ["fault_backbone_answer"]  # back to the backbone that answered
    do(engine, case, "fault_backbone_answer", ANSWER, "backbone1")
    do(engine, case, "fault_confirm_town", {"town_confirm_result": "solved"}, "townstaff1")
    assert fault(store, case).state == "solved"


def test_the_whole_problem_is_supervised_after_ten_working_days(engine, store, clock):
    case = file(engine)
    do(engine, case, "fault_backbone_answer", ANSWER, "backbone1")  # the point never confirms
    clock.advance(days=15)
    fire_due_timers(engine)
    assert sorted(task_ids(engine, case)) == ["fault_confirm", "supervise_overdue"]
    with store.session() as s:
        assert s.get(ProcessInstance, case).overdue


def test_a_level_limit_comes_from_the_settings(engine, store, monkeypatch):
    monkeypatch.setenv("CUNCUN_FAULT_BACKBONE_DAYS", "1")
    case = file(engine)
    assert timer_due(store, case, "backbone_overdue") == datetime(2026, 11, 24, 17, 30, tzinfo=CHINA)
    assert fault(store, case).level_days == 1


def test_without_its_accepted_files_the_case_parks_and_keeps_no_half_record(engine, store):
    form = {"fault_category": "guidance", "fault_line": "ss_card", "fault_item": "", "fault_description": "d",
            "fault_suggestion": ""}
    data = start_data(form, reporter_role="clerk", reporter_name="x", place="p", item_label="", uploads=[PNG])
    context = CaseContext(point_code="LG-V01", town_code="LG")
    case = engine.start_case("fault_report", context, actor="clerk1", data=data)  # no files staged with it
    assert status(store, case) == "error"
    with store.session() as s:
        assert s.scalar(select(Fault).where(Fault.instance_id == case)) is None
        assert s.scalar(select(InboxTask).where(InboxTask.instance_id == case)) is None
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.instance_id == case, AuditEvent.action == "error"))


def test_statutory_limit_is_the_total_of_the_guidance_levels():
    tree = etree.parse(str(PROCESSES / "fault_report.bpmn"))
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    days = [deadline_days(t.text) for t in tree.iterfind(".//bpmn:timeDate", ns) if deadline_days(t.text) is not None]
    assert days == [STATUTORY_DAYS]
    assert STATUTORY_DAYS == sum(LEVEL_DAY_DEFAULTS[k] for k in ("backbone", "hr", "workteam"))
    (event,) = tree.xpath("//bpmn:boundaryEvent[@id='deadline']", namespaces=ns)
    assert event.get("cancelActivity") == "false" and event.get("attachedToRef") == "fault_handle"
