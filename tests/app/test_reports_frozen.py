"""Monthly reports are frozen when towns confirm and the county submits, and any month is computed as of that month."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.accounts.milestones import set_milestone
from app.org.models import HOME_COUNTY
from app.org.profile_services import save_profile
from app.org.seed import TOWNS
from app.reports import services
from app.reports.dispatch import dispatch_monthly_reports
from app.reports.snapshots import ReportSnapshot
from engine.clock import CHINA
from engine.models import ProcessInstance
from tests.factories import do
from tests.web import logged_in

QINSHUI = HOME_COUNTY[0]


def case_of(store, key) -> int:
    with store.session() as s:
        return s.scalar(select(ProcessInstance.id).where(ProcessInstance.request_key == key))


def sheet(client, path) -> list[tuple]:
    response = client.get(path)
    assert response.status_code == 200
    return list(load_workbook(BytesIO(response.data)).active.values)


def lg_line(rows) -> tuple:
    return next(r for r in rows if r[0] == "龙港镇")


def submit_month(engine, store, kind):
    for plan in TOWNS:
        do(engine, case_of(store, f"report:{kind}:2026-11:{plan.code}"), "report_confirm",
           {"report_confirm_result": "confirm"}, actor=f"staff-{plan.code}")
    do(engine, case_of(store, f"report:{kind}:2026-11"), "report_submit", {"report_submitted": "on"},
       actor="supervisor1")


def test_a_submitted_month_exports_exactly_what_was_sent_after_the_data_changed(web, engine, store, clock):
    dispatch_monthly_reports(engine)
    with store.session(write=True) as s:
        set_milestone(s, "LG-V01", "agreement_signed", at=clock(), by="townstaff1", source="manual")
        save_profile(s, "LG-V01", {"area_km2": "3.2", "address": "东关村1号"}, actor="townstaff1", at=clock())
    county = logged_in(web, "supervisor1")
    submit_month(engine, store, "town_summary")
    submit_month(engine, store, "point_detail")
    summary = sheet(county, "/reports/town-summary.xlsx?period=2026-11")
    detail = sheet(county, "/reports/point-detail.xlsx?period=2026-11")
    assert lg_line(summary)[2] == 1 and ("3.2", None, None, "东关村1号") in [r[5:9] for r in detail]
    with store.session(write=True) as s:  # the data moves on after the submission
        for n in range(2, 9):
            set_milestone(s, f"LG-V{n:02d}", "agreement_signed", at=clock(), by="townstaff1", source="manual")
        save_profile(s, "LG-V01", {"area_km2": "9.9", "address": "新地址"}, actor="townstaff1", at=clock())
    assert sheet(county, "/reports/town-summary.xlsx?period=2026-11") == summary
    assert sheet(county, "/reports/point-detail.xlsx?period=2026-11") == detail
    page = county.get("/reports/town-summary?period=2026-11").get_data(as_text=True)
    assert "supervisor1于2026-11-23 10:00报送时的数据（已冻结）" in page
    town = logged_in(web, "townstaff1").get("/reports/point-detail?period=2026-11").get_data(as_text=True)
    assert "staff-LG于2026-11-23 10:00确认时的数据（已冻结）" in town and "新地址" not in town
    # Funds were not submitted: still live, and the new agreements show there.
    assert lg_line(sheet(county, "/reports/town-summary.xlsx"))[2] == 1  # this month's report is the frozen one
    with store.session() as s:
        kept = {(r.kind, r.town_code) for r in s.scalars(select(ReportSnapshot))}
        assert ("town_summary", "") in kept and ("point_detail", "LG") in kept and len(kept) == 26
        assert services.confirm_refusal(s, "town_summary", "2026-11", QINSHUI) == \
            "2026年11月工作任务调度汇总表（附件4）已由县级报送，乡镇数据不能再更改。"
        assert services.confirm_refusal(s, "funds", "2026-11", QINSHUI) is None


def test_an_unsubmitted_past_month_shows_that_months_data_not_todays(web, store, clock):
    with store.session(write=True) as s:
        set_milestone(s, "LG-V01", "agreement_signed", at=datetime(2026, 10, 10, 9, 0, tzinfo=CHINA), by="t",
                      source="manual")
        set_milestone(s, "LG-V02", "agreement_signed", at=datetime(2026, 11, 1, 0, 0, tzinfo=CHINA), by="t",
                      source="manual")
        set_milestone(s, "LG-V03", "staff_trained", at=datetime(2026, 11, 20, 9, 0, tzinfo=CHINA), by="t",
                      source="manual")
    county = logged_in(web, "supervisor1")
    october = sheet(county, "/reports/town-summary.xlsx?period=2026-10")
    november = sheet(county, "/reports/town-summary.xlsx?period=2026-11")
    assert lg_line(october)[2:6:2] == (1, 0) and lg_line(november)[2:6:2] == (2, 1)
    october_detail = sheet(county, "/reports/point-detail.xlsx?period=2026-10")
    assert sum(r[10] or 0 for r in october_detail[5:] if r[1] is None and r[4]) == 1
    page = county.get("/reports/town-summary?period=2026-10").get_data(as_text=True)
    assert "按2026-10-31日终数据生成" in page
