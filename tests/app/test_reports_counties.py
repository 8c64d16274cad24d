"""Monthly reports with two counties: each county's cases start once, its towns alone hold its submission back,
and its people see only its towns' figures, pages and exports."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.accounts.milestones import set_milestone
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.policy import inbox_kwargs
from app.auth.seed import DEMO_PASSWORD
from app.auth.services import create_user
from app.org.counties import bind_member
from app.org.models import HOME_COUNTY, County, Point, Town
from app.org.seed import TOWNS
from app.reports import services
from app.reports.dispatch import dispatch_monthly_reports
from app.reports.models import ReportRun, SubsidyEntry
from app.reports.snapshots import ReportSnapshot
from app.reports.vocab import REPORT_KINDS
from engine.errors import TaskStateError
from engine.models import ProcessInstance
from engine.queries import open_tasks, overview
from tests.factories import do, task_of
from tests.web import logged_in, post, token

QINSHUI, YANGCHENG = HOME_COUNTY[0], "140522"
YC_TOWNS = (("FC", "凤城镇"), ("BL", "北留镇"))
SUBMIT = {"report_submitted": "on", "report_submit_note": "已报"}
CONFIRM = {"report_confirm_result": "confirm"}


@pytest.fixture
def two(web, store, clock):
    """Qinshui (12 towns) and 阳城县 (2 towns, 3 points) with its own supervisor, admin and town staff."""
    with store.session(write=True) as s:
        s.add(County(code=YANGCHENG, name="阳城县", ordinal=2))
        s.flush()
        s.add_all(Town(code=code, name=name, county_code=YANGCHENG, ordinal=n)
                  for n, (code, name) in enumerate(YC_TOWNS, start=1))
        s.flush()
        s.add_all([Point(code="FC-V01", name="凤城镇第01村", town_code="FC", kind="basic", area="village", active=True),
                   Point(code="FC-C01", name="凤城镇第01社区", town_code="FC", kind="basic", area="community",
                         active=True),
                   Point(code="BL-V01", name="北留镇第01村", town_code="BL", kind="basic", area="village",
                         active=True)])
        for name, role, town in (("yc_supervisor", "supervisor", None), ("yc_admin", "admin", None),
                                 ("yc_town", "town_staff", "FC")):
            user = create_user(s, username=name, display_name=name, password_hash=hash_password(DEMO_PASSWORD),
                               role=role, now=clock(), town_code=town, must_change_password=False)
            s.flush()
            if town is None:
                bind_member(s, user.id, YANGCHENG)
        for name in ("reviewer1", "supervisor1", "admin1"):
            bind_member(s, s.scalar(select(User.id).where(User.username == name)), QINSHUI)
        set_milestone(s, "FC-V01", "agreement_signed", at=clock(), by="yc_town", source="manual")
    return web


def case_of(store, key) -> int:
    with store.session() as s:
        return s.scalar(select(ProcessInstance.id).where(ProcessInstance.request_key == key))


def report_keys(store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(ProcessInstance.request_key).where(ProcessInstance.request_key.like("report:%"))))


def sheet(client, path) -> list[tuple]:
    response = client.get(path)
    assert response.status_code == 200
    return list(load_workbook(BytesIO(response.data)).active.values)


def test_dispatch_starts_each_countys_case_and_its_towns_cases_once(two, engine, store):
    assert dispatch_monthly_reports(engine, batch=100) == list(REPORT_KINDS)
    assert dispatch_monthly_reports(engine) == []  # run again: nothing more
    keys = report_keys(store)
    assert len(keys) == len(set(keys)) == 4 * (1 + 12 + 1 + 2)
    # Qinshui's county cases keep the key they had before counties; 阳城县's are named by the county.
    assert {k for k in keys if k.count(":") == 2} == {f"report:{kind}:2026-11" for kind in REPORT_KINDS}
    assert {k for k in keys if ":county:" in k} == {f"report:{kind}:2026-11:county:{YANGCHENG}"
                                                    for kind in REPORT_KINDS}
    assert {k.rsplit(":", 1)[1] for k in keys if k.count(":") == 3} == {t.code for t in TOWNS} | {"FC", "BL"}
    with store.session() as s:
        runs = {(r.kind, r.county_code): r for r in s.scalars(select(ReportRun))}
        assert set(runs) == {(kind, c) for kind in REPORT_KINDS for c in (QINSHUI, YANGCHENG)}
        assert all(r.towns_started_at is not None for r in runs.values())
        yc_case = s.get(ProcessInstance, runs[("funds", YANGCHENG)].instance_id)
        assert yc_case.request_key == f"report:funds:2026-11:county:{YANGCHENG}" and yc_case.town_code is None


def test_small_batches_across_counties_still_start_each_case_once(two, engine, store):
    sweeps = 0
    while dispatch_monthly_reports(engine, batch=7):
        sweeps += 1
    keys = report_keys(store)
    assert len(keys) == len(set(keys)) == 64 and sweeps == 10  # 64 cases, 7 a sweep
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReportRun)
                        .where(ReportRun.towns_started_at.is_not(None))) == 8


def start_all(engine) -> None:
    while dispatch_monthly_reports(engine):
        pass


def test_a_county_waits_only_for_its_own_towns(two, engine, store):
    start_all(engine)
    with store.session() as s:
        assert services.unconfirmed_towns(s, "town_summary", "2026-11", YANGCHENG) == ["凤城镇", "北留镇"]
        assert len(services.unconfirmed_towns(s, "town_summary", "2026-11", QINSHUI)) == 12
    yc = case_of(store, f"report:town_summary:2026-11:county:{YANGCHENG}")
    with pytest.raises(TaskStateError) as early:
        do(engine, yc, "report_submit", SUBMIT, actor="yc_supervisor")
    assert "还有2个乡镇未确认本乡镇数据：凤城镇、北留镇。" in early.value.message
    for code, _ in YC_TOWNS:
        do(engine, case_of(store, f"report:town_summary:2026-11:{code}"), "report_confirm", CONFIRM,
           actor=f"staff-{code}")
    do(engine, yc, "report_submit", SUBMIT, actor="yc_supervisor")  # Qinshui's towns have confirmed nothing
    qs = case_of(store, "report:town_summary:2026-11")
    with pytest.raises(TaskStateError) as refused:
        do(engine, qs, "report_submit", SUBMIT, actor="supervisor1")
    assert "还有12个乡镇未确认" in refused.value.message and "凤城镇" not in refused.value.message
    with store.session() as s:
        assert services.confirm_refusal(s, "town_summary", "2026-11", YANGCHENG) is not None
        assert services.confirm_refusal(s, "town_summary", "2026-11", QINSHUI) is None
        submitted = s.scalar(select(ReportSnapshot).where(ReportSnapshot.county_code == YANGCHENG,
                                                          ReportSnapshot.town_code == ""))
        assert [r.name for r in services.snapshots.from_json("town_summary", submitted.figures)[0]] == [
            "凤城镇", "北留镇"]
    # Qinshui's towns can still confirm: 阳城县's submission does not close their month.
    do(engine, case_of(store, "report:town_summary:2026-11:LG"), "report_confirm", CONFIRM, actor="townstaff1")
    with store.session() as s:
        assert len(services.unconfirmed_towns(s, "town_summary", "2026-11", QINSHUI)) == 11


OTHER_TOWN = ["/reports?town={}", "/reports/town-summary?town={}", "/reports/town-summary.xlsx?town={}",
              "/reports/point-detail?town={}", "/reports/point-detail.xlsx?town={}",
              "/reports/progress?town={}", "/reports/progress.xlsx?town={}",
              "/reports/funds?town={}", "/reports/funds.xlsx?town={}&period=2026-11",
              "/milestones?town={}", "/subsidies?town={}"]


def test_a_town_of_another_county_is_not_found(two):
    yc, qs = logged_in(two, "yc_supervisor"), logged_in(two, "supervisor1")
    for path in OTHER_TOWN:
        assert yc.get(path.format("LG")).status_code == 404, path
        assert qs.get(path.format("FC")).status_code == 404, path
        assert yc.get(path.format("FC")).status_code == 200, path
        assert qs.get(path.format("LG")).status_code == 200, path


def test_county_pages_and_exports_show_only_the_users_county(two, engine, store):
    start_all(engine)
    yc = logged_in(two, "yc_supervisor")
    index = yc.get("/reports").get_data(as_text=True)
    assert "0 / 2 已确认" in index and "凤城镇" in index and "龙港镇" not in index
    own = logged_in(two, "supervisor1").get("/reports").get_data(as_text=True)
    assert "0 / 12 已确认" in own and "凤城镇" not in own
    summary = sheet(yc, "/reports/town-summary.xlsx")
    assert summary[0][0].startswith("阳城县") and [r[0] for r in summary[4:7]] == ["凤城镇", "北留镇", "合计"]
    assert summary[6][1:3] == (3, 1)  # three points, one agreement: 阳城县's alone
    detail = sheet(yc, "/reports/point-detail.xlsx")
    names = {c for r in detail for c in r if isinstance(c, str)}
    assert "凤城镇第01村" in names and not any(n.startswith("龙港镇") for n in names)
    funds = [r[0] for r in sheet(yc, "/reports/funds.xlsx?year=2026")]
    assert "北留镇" in funds and "龙港镇" not in funds
    progress = yc.get("/reports/progress").get_data(as_text=True)
    assert "<td>3</td>" in progress
    for path in ("/milestones", "/subsidies?year=2026"):
        page = yc.get(path).get_data(as_text=True)
        assert "FC-V01" in page and "LG-V01" not in page
    town = logged_in(two, "yc_town").get("/reports").get_data(as_text=True)
    assert "0 / 1 已确认" in town and "北留镇" not in town


def test_a_month_another_county_submitted_stays_that_countys(two, engine, store):
    start_all(engine)
    for plan in TOWNS:
        do(engine, case_of(store, f"report:town_summary:2026-11:{plan.code}"), "report_confirm", CONFIRM,
           actor=f"staff-{plan.code}")
    do(engine, case_of(store, "report:town_summary:2026-11"), "report_submit", SUBMIT, actor="supervisor1")
    yc = logged_in(two, "yc_supervisor")
    page = yc.get("/reports/town-summary?period=2026-11").get_data(as_text=True)
    assert "已冻结" not in page and "凤城镇" in page and "龙港镇" not in page
    assert [r[0] for r in sheet(yc, "/reports/town-summary.xlsx?period=2026-11")[4:7]] == ["凤城镇", "北留镇", "合计"]
    assert "待报送" in yc.get("/reports?period=2026-11").get_data(as_text=True)  # Qinshui's submission is not its
    qs = logged_in(two, "supervisor1").get("/reports/town-summary?period=2026-11").get_data(as_text=True)
    assert "supervisor1于" in qs and "已冻结" in qs


def test_one_countys_report_case_stays_out_of_the_other_countys_inbox_and_pages(two, engine, store):
    start_all(engine)
    qs = case_of(store, "report:progress:2026-11")
    yc = case_of(store, f"report:progress:2026-11:county:{YANGCHENG}")
    other = logged_in(two, "yc_supervisor")
    assert f"/cases/{qs}\"" not in other.get("/inbox").get_data(as_text=True)
    assert other.get(f"/cases/{qs}").status_code == 403
    assert other.get(f"/tasks/{task_of(engine, qs, 'report_submit').task_id}").status_code == 403
    home = logged_in(two, "supervisor1")
    assert f"/cases/{yc}\"" not in home.get("/inbox").get_data(as_text=True)
    assert home.get(f"/cases/{yc}").status_code == 403
    assert home.get(f"/tasks/{task_of(engine, yc, 'report_submit').task_id}").status_code == 403


def test_the_county_case_carries_its_county_and_only_its_countys_supervisor_works_it(two, engine, store):
    start_all(engine)
    yc = case_of(store, f"report:town_summary:2026-11:county:{YANGCHENG}")
    qs = case_of(store, "report:town_summary:2026-11")
    task = task_of(engine, yc, "report_submit")
    with store.session() as s:
        assert (s.get(ProcessInstance, yc).county_code, s.get(ProcessInstance, qs).county_code) == (YANGCHENG,
                                                                                                   QINSHUI)
    assert (task.town_code, task.county_code) == (None, YANGCHENG)
    for code, _ in YC_TOWNS:
        do(engine, case_of(store, f"report:town_summary:2026-11:{code}"), "report_confirm", CONFIRM,
           actor=f"staff-{code}")
    own, other = logged_in(two, "yc_supervisor"), logged_in(two, "supervisor1")
    inbox = own.get("/inbox").get_data(as_text=True)
    assert f"/tasks/{task.task_id}\"" in inbox and f"/cases/{qs}\"" not in inbox
    assert f"/tasks/{task.task_id}\"" not in other.get("/inbox").get_data(as_text=True)
    # The reports index links its 待报送 to the county's own case, and the link opens for the county's people.
    index = own.get("/reports?period=2026-11").get_data(as_text=True)
    assert f'<a href="/cases/{yc}">待报送</a>' in index
    assert own.get(f"/cases/{yc}").status_code == 200
    assert other.get(f"/cases/{yc}").status_code == 403
    refused = other.post(f"/tasks/{task.task_id}", data={**SUBMIT, "csrf_token": token(other, "/inbox")})
    assert refused.status_code == 403
    path = f"/tasks/{task.task_id}"
    assert own.get(path).status_code == 200
    done = own.post(path, data={**SUBMIT, "csrf_token": token(own, path)})
    assert done.status_code == 302
    with store.session() as s:
        run = s.scalar(select(ReportRun).where(ReportRun.kind == "town_summary", ReportRun.county_code == YANGCHENG))
        assert run.submitted_by == "yc_supervisor"
    assert "已报送（yc_supervisor" in own.get("/reports?period=2026-11").get_data(as_text=True)


def test_engine_queries_in_a_county_scope_hold_its_town_less_cases_and_not_the_others(two, engine, store, clock):
    start_all(engine)
    own = {QINSHUI: case_of(store, "report:funds:2026-11"),
           YANGCHENG: case_of(store, f"report:funds:2026-11:county:{YANGCHENG}")}
    with store.session() as s:
        users = {QINSHUI: s.scalar(select(User).where(User.username == "supervisor1")),
                 YANGCHENG: s.scalar(select(User).where(User.username == "yc_supervisor"))}
    for county, other in ((QINSHUI, YANGCHENG), (YANGCHENG, QINSHUI)):
        with two.app_context():
            kwargs = inbox_kwargs(users[county])
        assert kwargs["county_code"] == county and ("FC" in kwargs["town_codes"]) == (county == YANGCHENG)
        cases = {c.id for _, c in open_tasks(store, **kwargs)}
        assert own[county] in cases and own[other] not in cases
        scope = {k: v for k, v in kwargs.items() if k != "roles"}
        running = overview(store, clock(), **scope).running
        towns = 12 if county == QINSHUI else 2
        assert running == 4 * (1 + towns)  # four reports a month: the county case and one per town


def test_ledger_and_milestone_changes_stop_at_the_county_border(two, store):
    admin = logged_in(two, "yc_admin")
    refused = post(admin, "/milestones", {"town": "LG", "milestone": "staff_trained", "points": ["LG-V01"]},
                   "/milestones")
    assert refused.status_code == 403
    supervisor = logged_in(two, "yc_supervisor")
    entry = {"kind": "allocated", "point": "LG-V01", "amount": "1500", "on_date": "2026-11-20", "year": "2026"}
    assert post(supervisor, "/subsidies", entry).status_code == 403
    assert post(supervisor, "/subsidies", entry | {"point": "FC-V01"}).status_code == 302
    with store.session() as s:
        assert [e.point_code for e in s.scalars(select(SubsidyEntry))] == ["FC-V01"]
