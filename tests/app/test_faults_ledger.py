"""The problem ledger and responsibility list: scoping, filters, counts, export; the desk queue; answering on pages."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.auth.passwords import hash_password
from app.auth.seed import DEMO_PASSWORD
from app.auth.services import create_user
from app.faults.models import Fault, FaultDesk
from app.faults.services import file_problem, start_data
from engine.models import InboxTask
from tests.web import logged_in, post

ANSWER = {"backbone_outcome": "answer", "backbone_answer": "先在“人员信息”页核对身份证号码再提交。",
          "backbone_time_limit": "2026-11-30"}


def file(engine, description, *, category="guidance", line="social_insurance", reporter="clerk1",
         role="clerk", point="LG-V01", town="LG") -> int:
    form = {"fault_category": category, "fault_line": line, "fault_item": "", "fault_description": description,
            "fault_suggestion": ""}
    data = start_data(form, reporter_role=role, reporter_name=reporter, place="p", item_label="", uploads=[])
    return file_problem(engine, username=reporter, point_code=point, town_code=town, data=data, uploads=[])


@pytest.fixture
def problems(web, engine):
    """Four problems from three points and a town: A and D in 龙港镇's points, C by its town staff, B in 郑庄镇."""
    return {
        "A": file(engine, "问题A社保读卡"),
        "B": file(engine, "问题B系统卡顿", category="system", line="employment", reporter="clerk2",
                  point="ZZ-V01", town="ZZ"),
        "C": file(engine, "问题C缺少模块", category="functional", line="ss_card", reporter="townstaff1",
                  role="town_staff", point=None),
        "D": file(engine, "问题D就业登记", line="employment", reporter="democlerk", point="LG-D"),
    }


def listed(page: str) -> set[str]:
    return set(re.findall(r"问题([ABCDE])", page))


def task_url(store, case, bpmn_id):
    with store.session() as s:
        task_id = s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case, InboxTask.bpmn_id == bpmn_id))
    return f"/tasks/{task_id}"


def test_each_user_sees_the_problems_of_their_scope(web, problems):
    assert listed(logged_in(web, "clerk1").get("/faults").get_data(as_text=True)) == {"A"}
    assert listed(logged_in(web, "clerk2").get("/faults").get_data(as_text=True)) == {"B"}
    assert listed(logged_in(web, "townstaff1").get("/faults").get_data(as_text=True)) == {"A", "C", "D"}
    for county in ("supervisor1", "reviewer1", "backbone1", "analyst1"):
        assert listed(logged_in(web, county).get("/faults").get_data(as_text=True)) == {"A", "B", "C", "D"}
    # a scope wins over a filter that asks for more
    assert listed(logged_in(web, "clerk1").get("/faults?town=ZZ").get_data(as_text=True)) == {"A"}
    assert listed(logged_in(web, "townstaff1").get("/faults?town=ZZ").get_data(as_text=True)) == {"A", "C", "D"}


def test_other_scopes_cannot_open_a_problem(web, store, problems):
    with store.session() as s:
        b = s.scalar(select(Fault.id).where(Fault.instance_id == problems["B"]))
    assert logged_in(web, "clerk1").get(f"/faults/{b}").status_code == 403
    assert logged_in(web, "townstaff1").get(f"/faults/{b}").status_code == 403
    assert logged_in(web, "supervisor1").get(f"/faults/{b}").status_code == 200


def test_filters_narrow_the_county_ledger(web, engine, problems, clock):
    sup = logged_in(web, "supervisor1")
    def only(query):
        return listed(sup.get(f"/faults?{query}").get_data(as_text=True))
    assert only("category=system") == {"B"}
    assert only("line=employment") == {"B", "D"}
    assert only("town=LG") == {"A", "C", "D"}
    assert only("point=LG-D") == {"D"}
    assert only("level=province") == {"B", "C"}
    assert only("level=backbone&line=social_insurance") == {"A"}
    assert only("q=NOSUCHCASE") == set()
    clock.advance(days=3)  # Thursday: the backbones' 2 working days have passed, the province's 5 have not
    sup = logged_in(web, "supervisor1")  # the idle login session ended meanwhile
    assert only("overdue=1") == {"A", "D"}
    file(engine, "问题E新的问题")
    assert only("from=2026-11-26") == {"E"}
    assert only("to=2026-11-25") == {"A", "B", "C", "D"}
    assert "已忽略" in sup.get("/faults?from=2026-13-40").get_data(as_text=True)


def test_counts_by_category_line_and_town_over_a_period(web, problems):
    page = logged_in(web, "supervisor1").get("/faults?from=2026-11-01&to=2026-11-30").get_data(as_text=True)
    assert "2026-11-01 至 2026-11-30，共4个问题" in page
    text = re.sub(r"\s+", "", page)
    assert "<td>业务指导性问题</td><td>2</td>" in text and "<td>系统性问题</td><td>1</td>" in text
    assert "<td>就业</td><td>2</td>" in text and "<td>社保卡</td><td>1</td>" in text
    assert "<td>龙港镇</td><td>1</td><td>1</td><td>1</td><td>3</td>" in text  # 就业, 社会保险, 社保卡, 合计
    later = logged_in(web, "supervisor1").get("/faults?from=2026-12-01").get_data(as_text=True)
    assert "共0个问题" in later


def test_responsibility_list_shows_holder_level_deadline_and_lapse(web, engine, store, clock, problems):
    sup = logged_in(web, "supervisor1")
    page = re.sub(r"\s+", " ", sup.get("/faults?q=" + _case_no(store, problems["A"])).get_data(as_text=True))
    assert "县级业务骨干" in page and "待认领（县级业务骨干）" in page and "2026-11-25 17:30" in page
    engine.claim(_task(store, problems["A"]).task_id, "backbone1")
    page = sup.get("/faults?q=" + _case_no(store, problems["A"])).get_data(as_text=True)
    assert "backbone1" in page and "本级超期" not in page
    clock.advance(days=3)
    sup = logged_in(web, "supervisor1")  # the idle login session ended meanwhile
    assert "本级超期" in sup.get("/faults?q=" + _case_no(store, problems["A"])).get_data(as_text=True)


def _case_no(store, case):
    with store.session() as s:
        return s.scalar(select(Fault.case_no).where(Fault.instance_id == case))


def _task(store, case):
    with store.session() as s:
        return s.scalar(select(InboxTask).where(InboxTask.instance_id == case))


def test_export_has_the_filtered_rows_and_the_counts(web, problems):
    response = logged_in(web, "supervisor1").get("/faults/export.xlsx?town=LG")
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["问题台账", "分类统计"]
    rows = list(book["问题台账"].values)
    assert rows[0][:4] == ("案件编号", "提交时间", "乡镇", "网点")
    assert sorted(r[8] for r in rows[1:]) == ["问题A社保读卡", "问题C缺少模块", "问题D就业登记"]
    (c,) = [r for r in rows[1:] if r[8] == "问题C缺少模块"]
    assert (c[2], c[3], c[5], c[6], c[10], c[11]) == ("龙港镇", "（乡镇）", "功能性问题", "社保卡", "省级工作专班",
                                                      "县级业务骨干")
    counts = list(book["分类统计"].values)
    assert counts[0][1] == "问题总数：3" and ("业务指导性问题", 2) in counts
    clerk = load_workbook(BytesIO(logged_in(web, "clerk2").get("/faults/export.xlsx").data))
    assert [r[8] for r in list(clerk["问题台账"].values)[1:]] == ["问题B系统卡顿"]


def test_admin_assigns_desks_and_a_backbone_queue_shows_only_their_lines(web, store, clock, problems):
    with store.session(write=True) as s:
        create_user(s, username="backbone2", display_name="新任骨干", password_hash=hash_password(DEMO_PASSWORD),
                    role="county_backbone", now=clock(), must_change_password=False)
    assert post(logged_in(web, "backbone1"), "/faults/desks", {"username": "backbone1"}, "/faults").status_code \
        == 403
    admin = logged_in(web, "admin1")
    assert "backbone2" in admin.get("/faults/desks").get_data(as_text=True)
    post(admin, "/faults/desks", {"username": "backbone1", "desk": ["social_insurance", "province"]})
    with store.session() as s:
        assert set(s.scalars(select(FaultDesk.desk).where(FaultDesk.username == "backbone1"))) == {
            "social_insurance", "province"}
    queue = logged_in(web, "backbone1").get("/faults/queue").get_data(as_text=True)
    assert "您的分工：省级工作专班联络员、社会保险业务骨干" in queue
    assert listed(queue) == {"A", "B", "C"}  # its line's guidance, and the province queue; not D (employment)
    post(admin, "/faults/desks", {"username": "backbone1", "desk": ["employment"]})
    assert listed(logged_in(web, "backbone1").get("/faults/queue").get_data(as_text=True)) == {"D"}
    unassigned = logged_in(web, "backbone2").get("/faults/queue").get_data(as_text=True)
    assert "尚未被指定业务类别" in unassigned and listed(unassigned) == {"A", "B", "C", "D"}
    assert "没有待办的问题" in logged_in(web, "reviewer1").get("/faults/queue").get_data(as_text=True)


def test_a_problem_answered_and_confirmed_through_the_task_pages(web, store, problems):
    backbone = logged_in(web, "backbone1")
    url = task_url(store, problems["A"], "fault_backbone_answer")
    form = backbone.get(url).get_data(as_text=True)
    assert "业务骨干答复" in form and "社会保险" in form and "问题A社保读卡" in form
    assert post(backbone, url, ANSWER).status_code == 302
    clerk = logged_in(web, "clerk1")
    with store.session() as s:
        fault_id = s.scalar(select(Fault.id).where(Fault.instance_id == problems["A"]))
    page = clerk.get(f"/faults/{fault_id}").get_data(as_text=True)
    assert "核对身份证号码" in page and "2026-11-30" in page and "已答复待确认" in page
    assert "确认问题是否解决" in page  # the reporter's next step, linked for them
    confirm = task_url(store, problems["A"], "fault_confirm")
    refused = post(clerk, confirm, {"confirm_result": "reopen"})
    assert refused.status_code == 422 and "请填写说明" in refused.get_data(as_text=True)
    post(clerk, confirm, {"confirm_result": "solved", "confirm_remark": "已办妥"})
    page = clerk.get(f"/faults/{fault_id}").get_data(as_text=True)
    assert "已解决" in page and "确认解决" in page and "已办妥" in page
    assert listed(clerk.get("/faults?state=solved").get_data(as_text=True)) == {"A"}
