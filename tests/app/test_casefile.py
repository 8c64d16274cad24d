"""The case file (案卷): what a reviewer sees of a case on every task page and on the case page."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.cases import casefile
from app.faults.models import Fault
from engine.queries import case_history, get_case
from tests.factories import ACCEPT, CATALOG, data_at, do, open_tasks, start_item11
from tests.web import logged_in

ID_CARD = "本人身份证或社会保障卡"


def review_ready_case(engine) -> int:
    """An item 11 case whose clerk entered the registration and checked the materials twice."""
    case = start_item11(engine)
    do(engine, case, "item11_accept", {**ACCEPT, "job_intention": "电工", "accept_remark": ""})
    do(engine, case, "check_materials", {"other_missing": "户口簿"})
    do(engine, case, "issue_notice", {"notice_handed_over": "on"})
    do(engine, case, "receive_supplement", {"supplement_note": "已补齐"})
    do(engine, case, "check_materials", {"materials_received": [ID_CARD], "other_missing": ""})
    return case


def test_the_file_labels_every_captured_value_and_groups_it_by_step(engine):
    case = review_ready_case(engine)
    row, data = get_case(engine.store, case), data_at(engine, case, "item11_review")
    file = casefile.build(row, data, case_history(engine.store, case), engine.forms, CATALOG.get("11"))
    steps = {s.bpmn_id: {e.label: e.text for e in s.entries} for s in file.steps}
    assert list(steps) == ["verify_identity", "item11_accept", "check_materials", "issue_notice",
                           "receive_supplement"]
    assert steps["item11_accept"] == {"失业日期": "2026-11-01", "原工作单位": "沁水县某公司",
                                      "失业原因": "合同期满终止", "联系电话": "13800138000", "求职意向": "电工"}
    assert steps["verify_identity"] == {"出示的证件": "居民身份证", "已核对证件原件，人证一致": "是"}
    assert steps["check_materials"] == {"已收到且符合要求的材料": ID_CARD}  # the last round's values
    assert [(m.name, m.received) for m in file.materials] == [(ID_CARD, True)]
    assert (file.applicant_name, file.decisions) == ("张三", ())


def test_every_review_round_keeps_its_decision_and_opinion(engine, web):
    case = review_ready_case(engine)
    do(engine, case, "item11_review", {"decision": "reject", "review_opinion": "失业日期有误"}, "reviewer1")
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    file = casefile.build(get_case(engine.store, case), {}, case_history(engine.store, case), engine.forms,
                          CATALOG.get("11"))
    assert [(d.title, d.actor, d.decision, d.opinion) for d in file.decisions] == [
        ("县局审核", "reviewer1", "不通过", "失业日期有误")]
    assert [(m.name, m.received) for m in file.materials] == [(ID_CARD, None)]  # no data: not checked


def test_county_review_page_shows_what_the_clerk_entered_and_the_materials(engine, web):
    case = review_ready_case(engine)
    (task,) = open_tasks(engine, case)
    page = logged_in(web, "reviewer1").get(f"/tasks/{task.task_id}").get_data(as_text=True)
    panel = page[page.index('id="casefile"'):]
    assert task.bpmn_id == "item11_review" and "县局审核" in page
    for text in ("张三", "11010519491231002X", "受理登记", "失业日期", "2026-11-01", "沁水县某公司", "合同期满终止",
                 "13800138000", "电工", "核验材料", ID_CARD + "：已收到", "受理回执", "clerk1"):
        assert text in panel, text
    assert "contract_expired" not in panel
    assert re.search(r'href="/cases/\d+/receipt"', panel)


def test_case_page_reuses_the_file(engine, web):
    case = review_ready_case(engine)
    do(engine, case, "item11_review", {"decision": "approve", "review_opinion": "材料齐全"}, "reviewer1")
    page = logged_in(web, "clerk1").get(f"/cases/{case}").get_data(as_text=True)
    panel = page[page.index('id="casefile"'):]
    assert "失业原因" in panel and "合同期满终止" in panel and "材料齐全" in panel and "通过" in panel
    assert page.count('id="casefile"') == 1


def test_a_task_page_lists_the_case_attachments_with_download_links(engine, web, store):
    from tests.app.test_faults_filing import PNG, file

    assert file(logged_in(web, "clerk1"), files=[("截图 1.png", PNG)]).status_code == 302
    with store.session() as s:
        fault = s.scalar(select(Fault))
    backbone = logged_in(web, "backbone1")
    (task,) = open_tasks(engine, fault.instance_id)
    panel = backbone.get(f"/tasks/{task.task_id}").get_data(as_text=True).split('id="casefile"')[1]
    link = re.search(r'<a href="(/faults/\d+/files/\d+)">截图 1.png（1 KB）</a>', panel).group(1)
    assert backbone.get(link).data == PNG
    assert "失业登记提交后页面一直转圈" in panel  # the filed description, under its form label
