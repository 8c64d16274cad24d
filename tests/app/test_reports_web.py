"""Report pages: the month's reports, the tables, milestones set by hand (and undone), the subsidy ledger."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.accounts.models import PointMilestone
from app.reports.dispatch import dispatch_monthly_reports
from app.reports.models import SubsidyEntry
from engine.models import AuditEvent
from tests.web import logged_in, post


def reached(store, point, milestone) -> PointMilestone | None:
    with store.session() as s:
        return s.scalar(select(PointMilestone).where(PointMilestone.point_code == point,
                                                     PointMilestone.milestone == milestone))


def audit(store, action) -> list[dict]:
    with store.session() as s:
        return [json.loads(e.detail) | {"actor": e.actor, "point": e.point_code}
                for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def test_the_months_reports_page_lists_due_dates_and_confirmations(web, engine):
    dispatch_monthly_reports(engine)
    page = logged_in(web, "supervisor1").get("/reports").get_data(as_text=True)
    assert "调度报表 · 2026年11月" in page and "工作任务调度汇总表（附件4）" in page
    assert "2026-11-18 17:30" in page and "0 / 12 已确认" in page and "已超期" in page
    own = logged_in(web, "townstaff1").get("/reports").get_data(as_text=True)
    assert "0 / 1 已确认" in own and "郑庄镇" not in own
    assert logged_in(web, "clerk1").get("/reports").status_code == 403


def test_table_pages_show_live_figures(web, engine, store, clock):
    summary = logged_in(web, "supervisor1").get("/reports/town-summary").get_data(as_text=True)
    assert "<th>签定协议</th><th>完成率</th>" in summary and "<td>192</td>" in summary
    detail = logged_in(web, "townstaff1").get("/reports/point-detail").get_data(as_text=True)
    assert 'colspan="6">工作任务完成情况' in detail and "郑庄镇" not in detail and "龙港镇第25村（待更名）" in detail
    progress = logged_in(web, "reviewer1").get("/reports/progress?town=ZZ").get_data(as_text=True)
    assert "工作任务进度表（郑庄镇）" in progress and "2024年9月30日前" in progress
    funds = logged_in(web, "supervisor1").get("/reports/funds?year=2026").get_data(as_text=True)
    assert "每年 1500 元" in funds


def test_town_staff_set_and_undo_milestones_for_their_town_only(web, store):
    townstaff = logged_in(web, "townstaff1")
    page = townstaff.get("/milestones").get_data(as_text=True)
    assert 'name="points" value="LG-V01"' in page and "ZZ-V01" not in page
    response = post(townstaff, "/milestones", {"town": "LG", "milestone": "staff_trained",
                                               "points": ["LG-V01", "LG-V02"], "note": "11月20日培训"}, "/milestones")
    assert response.status_code == 302
    assert reached(store, "LG-V01", "staff_trained").source == "manual"
    assert [(e["point"], e["milestone"], e["actor"]) for e in audit(store, "milestone_set")] == [
        ("LG-V01", "staff_trained", "townstaff1"), ("LG-V02", "staff_trained", "townstaff1")]
    refused = post(townstaff, "/milestones", {"town": "LG", "milestone": "accepted_operating", "points": ["LG-V03"]},
                   "/milestones")
    shown = townstaff.get(refused.headers["Location"]).get_data(as_text=True)
    assert "由服务点建设验收设置，不能手工设置或撤销" in shown
    assert reached(store, "LG-V03", "accepted_operating") is None
    assert post(townstaff, "/milestones", {"town": "ZZ", "milestone": "staff_trained", "points": ["ZZ-V01"]},
                "/milestones").status_code == 403
    sneaky = post(townstaff, "/milestones", {"town": "LG", "milestone": "staff_trained", "points": ["ZZ-V01"]},
                  "/milestones")
    assert "不存在或不在您的管辖范围内" in townstaff.get(sneaky.headers["Location"]).get_data(as_text=True)
    no_reason = post(townstaff, "/milestones/unset", {"town": "LG", "point": "LG-V02", "milestone": "staff_trained"},
                     "/milestones")
    assert "请填写撤销原因" in townstaff.get(no_reason.headers["Location"]).get_data(as_text=True)
    post(townstaff, "/milestones/unset", {"town": "LG", "point": "LG-V02", "milestone": "staff_trained",
                                          "reason": "误选"}, "/milestones")
    assert reached(store, "LG-V02", "staff_trained") is None and reached(store, "LG-V01", "staff_trained")
    (undone,) = audit(store, "milestone_unset")
    assert (undone["point"], undone["reason"], undone["was_set_by"]) == ("LG-V02", "误选", "townstaff1")
    supervisor = logged_in(web, "supervisor1")
    assert "设置里程碑" not in supervisor.get("/milestones?town=LG").get_data(as_text=True)  # view only
    assert "设置里程碑" in logged_in(web, "admin1").get("/milestones?town=ZZ").get_data(as_text=True)


def test_subsidy_ledger_entries_and_the_arrival_milestone(web, store):
    supervisor = logged_in(web, "supervisor1")
    ok = post(supervisor, "/subsidies", {"year": "2026", "point": "LG-V01", "kind": "allocated", "amount": "1500",
                                         "on_date": "2026-11-20", "note": "省级下达"}, "/subsidies")
    assert ok.status_code == 302
    townstaff = logged_in(web, "townstaff1")
    assert post(townstaff, "/subsidies", {"year": "2026", "point": "LG-V01", "kind": "allocated", "amount": "1500",
                                          "on_date": "2026-11-20"}, "/subsidies").status_code == 403
    bad = post(townstaff, "/subsidies", {"year": "2026", "point": "LG-V01", "kind": "arrived", "amount": "1五00",
                                         "on_date": "2026-11-21"}, "/subsidies")
    assert bad.status_code == 422 and "金额应为大于0的数字" in bad.get_data(as_text=True)
    late = post(townstaff, "/subsidies", {"year": "2026", "point": "LG-V01", "kind": "arrived", "amount": "1500",
                                          "on_date": "2026-12-01"}, "/subsidies")
    assert late.status_code == 422 and "日期不能晚于今天" in late.get_data(as_text=True)
    assert post(townstaff, "/subsidies", {"year": "2026", "point": "ZZ-V01", "kind": "arrived", "amount": "1500",
                                          "on_date": "2026-11-21"}, "/subsidies").status_code == 403  # not their town
    assert post(townstaff, "/subsidies", {"year": "2026", "point": "LG-V01", "kind": "arrived", "amount": "1,500.00",
                                          "on_date": "2026-11-21"}, "/subsidies").status_code == 302
    with store.session() as s:
        entries = [(e.kind, e.amount_fen, e.entered_by)
                   for e in s.scalars(select(SubsidyEntry).order_by(SubsidyEntry.id))]
    assert entries == [("allocated", 150000, "supervisor1"), ("arrived", 150000, "townstaff1")]
    milestone = reached(store, "LG-V01", "subsidy_arrived")
    assert milestone.source == "subsidy_ledger" and milestone.note == "2026年就业补助资金到位1500.00元（2026-11-21）"
    assert {e["kind"] for e in audit(store, "subsidy_entry")} == {"allocated", "arrived"}
    page = supervisor.get("/subsidies?year=2026&town=LG").get_data(as_text=True)
    assert "省级下达" in page and "1500.00" in page
    assert logged_in(web, "clerk1").get("/subsidies").status_code == 403
    assert "登记</button>" not in logged_in(web, "reviewer1").get("/subsidies").get_data(as_text=True)
