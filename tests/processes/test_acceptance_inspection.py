"""Acceptance inspection (附件2): pass at once; fail → rectify → pass; demo sheet; bad scores; edited sheets."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.accounts.models import PointMilestone
from app.auth.seed import seed_demo_users
from app.inspection import formgen
from app.inspection.models import Inspection, InspectionRound
from app.inspection.services import PROCESS_ID, InspectionRefused, schedule_inspection
from app.inspection.settings import InspectionSettings
from app.inspection.sheets import load_sheets
from engine.clock import CHINA
from engine.errors import FormInvalid
from engine.models import AuditEvent, InboxTask, ProcessInstance
from engine.runtime import CaseContext
from tests.conftest import PROCESSES
from tests.factories import do, open_tasks

SHEETS = load_sheets(PROCESSES / "score_sheets.toml")
ON = date(2026, 11, 25)


@pytest.fixture
def people(store, clock):
    with store.session(write=True) as s:
        seed_demo_users(s, clock())


def scores(kind: str, lose: dict[int, int] | None = None, **extra) -> dict:
    """A filled score form: full marks except the lines in `lose` (line number -> score)."""
    lose = lose or {}
    data = {formgen.date_field(kind): "2026-11-23", formgen.opinion_field(kind): "现场查看，台账齐全。"}
    for line in SHEETS[kind].scorable_lines:
        data[formgen.score_field(kind, line.no)] = str(lose.get(line.no, line.points))
        data[formgen.note_field(kind, line.no)] = "未张贴办事流程" if line.no in lose else ""
    return {**data, **extra}


def schedule(engine, point="LG-V01", inspector="reviewer1") -> int:
    return schedule_inspection(engine, point_code=point, inspector=inspector, on=ON, actor="supervisor1")


def record(store, case) -> Inspection:
    with store.session() as s:
        return s.get(Inspection, case)


def rounds(store, case) -> list[InspectionRound]:
    with store.session() as s:
        return list(s.scalars(select(InspectionRound).where(InspectionRound.instance_id == case)
                              .order_by(InspectionRound.round_no)))


def milestone(store, point="LG-V01") -> PointMilestone | None:
    with store.session() as s:
        return s.scalar(select(PointMilestone).where(PointMilestone.point_code == point,
                                                     PointMilestone.milestone == "accepted_operating"))


def status(store, case) -> str:
    with store.session() as s:
        return s.get(ProcessInstance, case).status


def test_a_point_at_or_above_the_pass_mark_enters_formal_operation(engine, store, people):
    case = schedule(engine)
    (task,) = open_tasks(engine, case)
    assert task.bpmn_id == "inspection_score_basic" and task.candidate_role == "county_reviewer"
    assert task.assignee == "reviewer1"  # the scheduled inspector holds it
    assert task.due_at == datetime(2026, 11, 25, 17, 30, tzinfo=CHINA)  # close of business on the day
    # The printed basic sheet adds up to 110: the pass mark 80/100 scales to 88; 110 - 22 = 88 passes.
    do(engine, case, "inspection_score_basic", scores("basic", {10: 0, 12: 3}), actor="reviewer1")
    assert status(store, case) == "completed" and record(store, case).status == "passed"
    (only,) = rounds(store, case)
    assert (only.total, only.maximum, only.pass_mark, only.passed, only.inspector) == (88, 110, "88", True, "reviewer1")
    assert only.inspector_name == "演示县局审核人" and only.inspected_on == date(2026, 11, 23)
    lines = json.loads(only.lines)
    assert [ln["no"] for ln in lines] == list(range(1, 13)) and lines[9]["score"] == 0
    reached = milestone(store)
    assert reached.source == "acceptance_inspection" and reached.set_by == "reviewer1" and reached.instance_id == case
    with store.session() as s:
        actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.instance_id == case)))
    assert {"inspection_scored", "milestone_set"} <= actions


def test_fail_then_rectify_then_pass(engine, store, clock, people):
    case = schedule(engine, "LG-V02")
    do(engine, case, "inspection_score_basic", scores("basic", {3: 2, 10: 0, 12: 5}), actor="reviewer1")  # 87
    (task,) = open_tasks(engine, case)
    assert task.bpmn_id == "inspection_rectify" and task.candidate_role == "town_staff" and task.town_code == "LG"
    # 10 working days from Monday 2026-11-23 10:00: Monday 2026-12-07 at close of business.
    assert task.due_at == datetime(2026, 12, 7, 17, 30, tzinfo=CHINA)
    assert record(store, case).status == "rectifying"
    first = rounds(store, case)[0]
    assert (first.total, first.passed, first.rectify_due) == (87, False, task.due_at)
    data = task_data(engine, task.task_id)
    lost = data["inspection_lost_text"]
    assert "第3项（5分，得2分）有公示服务事项和办理流程的渠道和载体。；备注：未张贴办事流程" in lost
    assert "第10项（15分，得0分）" in data["inspection_lost_text"] and "第1项" not in data["inspection_lost_text"]
    assert "87分" in data["inspection_result_text"] and "须整改后复验" in data["inspection_result_text"]
    with pytest.raises(FormInvalid) as refused:
        do(engine, case, "inspection_rectify", {"rectify_done_on": "2026-11-23"}, actor="townstaff1")
    assert refused.value.errors["rectify_report"] == "请填写整改情况"
    clock.advance(days=3)
    do(engine, case, "inspection_rectify", {"rectify_report": "已张贴办事流程，已签订合作协议。",
                                            "rectify_done_on": "2026-11-26"}, actor="townstaff1")
    (again,) = open_tasks(engine, case)
    assert again.bpmn_id == "inspection_score_basic" and again.assignee is None  # back in the reviewers' queue
    assert again.due_at == datetime(2026, 12, 3, 17, 30, tzinfo=CHINA)  # 5 working days after Thursday 11-26
    assert record(store, case).status == "reinspecting"
    assert "整改情况（2026-11-26完成）：已张贴办事流程" in task_data(engine, again.task_id)["inspection_history_text"]
    do(engine, case, "inspection_score_basic", scores("basic", {12: 8}), actor="reviewer1")
    assert status(store, case) == "completed" and record(store, case).status == "passed"
    first, second = rounds(store, case)
    assert (first.rectified_by, first.rectified_on, first.rectify_report) == (
        "townstaff1", date(2026, 11, 26), "已张贴办事流程，已签订合作协议。")
    assert (second.round_no, second.total, second.passed) == (2, 108, True)
    assert milestone(store, "LG-V02").note.startswith("第2次验收得分108/110")


def task_data(engine, task_id):
    from app.cases.snapshots import task_context

    return task_context(engine, task_id)[2]


def test_demo_point_is_scored_on_the_demo_sheet_out_of_100(engine, store, people):
    case = schedule(engine, "LG-D")
    (task,) = open_tasks(engine, case)
    assert task.bpmn_id == "inspection_score_demo"
    do(engine, case, "inspection_score_demo", scores("demo", {11: 0, 12: 6}), actor="reviewer1")  # 81 of 100
    (only,) = rounds(store, case)
    assert (only.total, only.maximum, only.pass_mark, only.passed, only.sheet_kind) == (81, 100, "80", True, "demo")
    assert [ln["score"] for ln in json.loads(only.lines)][8] is None  # the empty line 9 is not scored


def test_scores_above_a_line_or_missing_are_refused_in_chinese(engine, store, people):
    case = schedule(engine)
    bad = scores("basic", {1: 11})
    del bad["basic_score_03"]
    with pytest.raises(FormInvalid) as refused:
        do(engine, case, "inspection_score_basic", bad, actor="reviewer1")
    assert refused.value.errors["basic_score_01"] == "第1项得分（满分10分）不能大于10"
    assert refused.value.errors["basic_score_03"] == "请填写第3项得分（满分5分）"
    with pytest.raises(FormInvalid) as negative:
        do(engine, case, "inspection_score_basic", scores("basic", {2: -1}), actor="reviewer1")
    assert negative.value.errors["basic_score_02"] == "第2项得分（满分10分）不能小于0"
    assert rounds(store, case) == [] and record(store, case).status == "scheduled"


def test_scores_follow_whatever_the_sheet_says(engine, store, people, tmp_path, monkeypatch):
    # An analyst fixes the basic sheet's group 四 (15 + 10 + 10 under a stated 25) to 5 + 10 + 10 and has not yet
    # regenerated the forms: a 15 on line 10 no longer fits, so the inspector is asked to score again.
    text = (PROCESSES / "score_sheets.toml").read_text(encoding="utf-8")
    fixed = text.replace('{ no = 10, text = "与县级人社部门签订《合作协议》。", points = 15 }',
                         '{ no = 10, text = "与县级人社部门签订《合作协议》。", points = 5 }', 1)
    path = tmp_path / "score_sheets.toml"
    path.write_text(fixed, encoding="utf-8")
    monkeypatch.setenv("CUNCUN_SCORE_SHEETS", str(path))
    assert InspectionSettings.from_env().sheets()["basic"].maximum == 100
    case = schedule(engine)
    do(engine, case, "inspection_score_basic", scores("basic"), actor="reviewer1")
    (task,) = open_tasks(engine, case)
    assert task.bpmn_id == "inspection_score_basic"
    problem = task_data(engine, task.task_id)["inspection_score_problem"]
    assert problem.startswith("第10项的得分应在0到5分之间，现为15分") and rounds(store, case) == []
    do(engine, case, "inspection_score_basic", scores("basic", {10: 5, 11: 0}), actor="reviewer1")  # 90 of 100
    (only,) = rounds(store, case)
    assert (only.total, only.maximum, only.pass_mark, only.passed) == (90, 100, "80", True)


def test_pass_mark_is_a_setting(engine, store, people, monkeypatch):
    monkeypatch.setenv("CUNCUN_INSPECTION_PASS_MARK", "90")  # 99 of 110
    case = schedule(engine)
    do(engine, case, "inspection_score_basic", scores("basic", {12: 0}), actor="reviewer1")  # 100 of 110
    assert rounds(store, case)[0].pass_mark == "99" and record(store, case).status == "passed"
    case = schedule(engine, "LG-V03")
    do(engine, case, "inspection_score_basic", scores("basic", {12: 0, 9: 9}), actor="reviewer1")  # 99 passes
    assert record(store, case).status == "passed"
    case = schedule(engine, "LG-V04")
    do(engine, case, "inspection_score_basic", scores("basic", {12: 0, 9: 8}), actor="reviewer1")  # 98 fails
    assert record(store, case).status == "rectifying"


def test_scheduling_refusals(engine, store, clock, people):
    case = schedule(engine)
    with pytest.raises(InspectionRefused, match="已有进行中的验收"):
        schedule(engine)
    do(engine, case, "inspection_score_basic", scores("basic"), actor="reviewer1")
    with pytest.raises(InspectionRefused, match="已验收合格并正式运行"):
        schedule(engine)
    with pytest.raises(InspectionRefused, match="县局审核人"):
        schedule(engine, "LG-V02", inspector="townstaff1")
    with pytest.raises(InspectionRefused, match="不能早于今天"):
        schedule_inspection(engine, point_code="LG-V02", inspector="reviewer1", on=date(2026, 11, 20),
                            actor="supervisor1")
    with pytest.raises(InspectionRefused, match="请选择要验收的网点"):
        schedule(engine, "NOPE")


def test_a_second_case_for_a_point_under_inspection_ends_at_once(engine, store, people):
    # Two schedulers racing past the page's check: the case started second finds the first and stops.
    first = schedule(engine)
    data = {"point_kind": "basic", "inspection_date": "2026-11-25", "inspection_due": "2026-11-25T17:30:00+08:00",
            "inspector": "reviewer1", "inspector_name": "x", "scheduled_by": "admin1", "inspection_point_text": "",
            "inspection_schedule_text": "", "inspection_history_text": "", "inspection_score_problem": ""}
    second = engine.start_case(PROCESS_ID, CaseContext(point_code="LG-V01", town_code="LG"), actor="admin1",
                               data=data)
    assert status(store, second) == "completed" and record(store, second) is None
    assert record(store, first).status == "scheduled"
    with store.session() as s:
        assert s.scalar(select(InboxTask.id).where(InboxTask.instance_id == second)) is None
