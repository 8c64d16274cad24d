"""Inspection pages: schedule, score on the generated form through /tasks, print the sheet, the sheet check."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.inspection.models import Inspection
from engine.models import InboxTask
from tests.web import logged_in, post, token


def schedule(client, point="LG-V01", on="2026-11-25", inspector="reviewer1"):
    page = client.get("/inspections").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    return client.post("/inspections", data={"point": point, "inspector": inspector, "inspection_on": on,
                                             "request_key": key, "csrf_token": token(client, "/inspections")})


def full_marks(**changes):
    points = {1: 10, 2: 10, 3: 5, 4: 10, 5: 5, 6: 10, 7: 10, 8: 5, 9: 10, 10: 15, 11: 10, 12: 10}
    data = {f"basic_score_{n:02d}": str(v) for n, v in points.items()}
    return {**data, "basic_inspected_on": "2026-11-23", "basic_opinion": "", **changes}


def test_schedule_score_and_print(web, store):
    supervisor = logged_in(web, "supervisor1")
    response = schedule(supervisor)
    assert response.status_code == 302
    case = int(response.headers["Location"].rsplit("/", 1)[1])
    detail = supervisor.get(f"/inspections/{case}").get_data(as_text=True)
    assert "待验收" in detail and "验收评分（基础服务点）" in detail and "（reviewer1办理）" in detail
    with store.session() as s:
        task_id = s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case))
    reviewer = logged_in(web, "reviewer1")
    form = reviewer.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "第1项得分（满分10分）" in form and 'name="basic_score_12"' in form and 'inputmode="numeric"' in form
    assert "一、基础设施｜有固定的办公场所和基本的办公家具。" in form
    bad = post(reviewer, f"/tasks/{task_id}", full_marks(basic_score_01="11", basic_score_03=""))
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "第1项得分（满分10分）不能大于10" in text and "请填写第3项得分（满分5分）" in text
    assert post(reviewer, f"/tasks/{task_id}", full_marks(basic_score_12="3", basic_note_12="未公开办事时限"),
                ).status_code == 302
    with store.session() as s:
        assert s.get(Inspection, case).status == "passed"
    detail = supervisor.get(f"/inspections/{case}").get_data(as_text=True)
    assert "第1次验收：103 / 110 分（合格分 88），合格" in detail and "第12项失7分" in detail
    sheet = supervisor.get(f"/inspections/{case}/sheet").get_data(as_text=True)
    assert "基层服务点建设验收评分表" in sheet and "(基础服务点)" in sheet
    assert "验收人签字：演示县局审核人" in sheet and "验收日期：2026年11月23日" in sheet
    assert "<strong>103</strong>" in sheet and "未公开办事时限" in sheet
    assert "标注合计 100 分，各项细则分值合计 110 分" in sheet
    listing = logged_in(web, "townstaff1").get("/inspections").get_data(as_text=True)
    assert "验收合格" in listing and "103 / 110" in listing and "安排验收" not in listing


def test_scheduling_refusals_and_scopes(web):
    supervisor = logged_in(web, "supervisor1")
    past = schedule(supervisor, on="2026-11-01")
    assert past.status_code == 422 and "验收日期不能早于今天。" in past.get_data(as_text=True)
    wrong = schedule(supervisor, inspector="backbone1")
    assert wrong.status_code == 422 and "验收人须为在岗的县局审核人" in wrong.get_data(as_text=True)
    case = int(schedule(supervisor).headers["Location"].rsplit("/", 1)[1])
    again = schedule(supervisor)
    assert again.status_code == 422 and "已有进行中的验收" in again.get_data(as_text=True)
    assert logged_in(web, "clerk1").get("/inspections").status_code == 403
    assert logged_in(web, "clerk1").get(f"/inspections/{case}").status_code == 200  # their own point
    assert logged_in(web, "clerk2").get(f"/inspections/{case}").status_code == 403
    townstaff = logged_in(web, "townstaff1")
    assert townstaff.post("/inspections", data={"csrf_token": token(townstaff, "/inspections")}).status_code == 403


def test_reassigning_the_scoring_task(web, store, clock):
    from app.auth.models import User
    from app.auth.services import create_user

    with store.session(write=True) as s:
        create_user(s, username="reviewer2", display_name="第二审核人", password_hash="x", role="county_reviewer",
                    now=clock(), must_change_password=False)
        assert s.scalar(select(User.id).where(User.username == "reviewer2"))
    supervisor = logged_in(web, "supervisor1")
    case = int(schedule(supervisor).headers["Location"].rsplit("/", 1)[1])
    post(supervisor, f"/inspections/{case}/assign", {"inspector": "reviewer2"}, f"/inspections/{case}")
    with store.session() as s:
        assert s.scalar(select(InboxTask.assignee).where(InboxTask.instance_id == case)) == "reviewer2"


def test_the_sheet_check_page_shows_the_arithmetic(web):
    page = logged_in(web, "analyst1").get("/inspections/sheets").get_data(as_text=True)
    assert "四、制度建设：细则分值 15 + 10 + 10 = 35，与标注的 25 分不符" in page
    assert "25 + 25 + 25 + 35 = 110（标注 100）" in page and "合格分：<strong>88</strong>" in page
    assert "（空行）" in page and "尚未重新生成" not in page
    assert logged_in(web, "townstaff1").get("/inspections/sheets").status_code == 403


def test_a_failed_round_shows_its_rectification(web, engine, store):
    supervisor = logged_in(web, "supervisor1")
    case = int(schedule(supervisor).headers["Location"].rsplit("/", 1)[1])
    with store.session() as s:
        task_id = s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case))
    engine.complete(task_id, "reviewer1", full_marks(basic_score_10="0", basic_score_09="2"))  # 87 of 110
    with store.session() as s:
        rectify = s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case))
    townstaff = logged_in(web, "townstaff1")
    form = townstaff.get(f"/tasks/{rectify}").get_data(as_text=True)
    assert "第10项（15分，得0分）与县级人社部门签订《合作协议》。" in form and "2026-12-07 17:30 前" in form
    detail = supervisor.get(f"/inspections/{case}").get_data(as_text=True)
    assert "第1次验收：87 / 110 分（合格分 88），不合格" in detail and "整改期限：2026-12-07 17:30" in detail
    assert "尚未提交整改情况" in detail and "整改中" in detail
    sheet = supervisor.get(f"/inspections/{case}/sheet?round=1").get_data(as_text=True)
    assert "<strong>87</strong>" in sheet and "不合格" in sheet


def test_the_point_is_typed_with_suggestions_never_picked_from_a_full_list(web, store):
    supervisor = logged_in(web, "supervisor1")
    page = supervisor.get("/inspections").get_data(as_text=True)
    assert 'data-point-search="/points/search"' in page and 'data-open="1"' in page
    assert '<option value="LG-V01"' not in page
    missing = schedule(supervisor, point="XX-V99")
    text = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "网点 XX-V99 不存在或不在您的管辖范围内" in text and 'value="XX-V99"' in text
    by_name = schedule(supervisor, point="张村乡第03村（待更名）")  # typed without JS: the exact name will do
    assert by_name.status_code == 302
    with store.session() as s:
        assert s.scalars(select(Inspection.point_code)).all() == ["ZAC-V03"]
