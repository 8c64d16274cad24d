"""The SLA page: filters, scoping, counts, weekly chart, export, and retrying a parked case."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from engine.runtime import CaseContext
from engine.timers import fire_due_timers
from tests.conftest import DATA
from tests.factories import start_item11
from tests.web import logged_in, post

ZZ = CaseContext(point_code="ZZ-V01", town_code="ZZ", item_code="11", applicant_id_number="11010519491231002X",
                 applicant_name="王五")


@pytest.fixture
def late_cases(engine, clock):
    lg = start_item11(engine)
    zz = start_item11(engine, ZZ)
    clock.advance(days=30)  # both deadlines have passed
    return lg, zz


def test_supervisor_sees_overdue_everywhere_and_filters_by_town(web, late_cases):
    client = logged_in(web, "supervisor1")
    page = client.get("/sla").get_data(as_text=True)
    assert page.count("已超期") >= 2 and "张三" in page and "王五" in page
    assert "<svg" in page and "每周受理、办结和超期案件" in page
    only_zz = client.get("/sla?town=ZZ").get_data(as_text=True)
    assert "王五" in only_zz and "张三" not in only_zz


def test_town_staff_sees_only_their_town_and_clerks_are_refused(web, late_cases):
    page = logged_in(web, "townstaff1").get("/sla?town=ZZ").get_data(as_text=True)
    assert "张三" in page and "王五" not in page  # their scope wins over the filter
    assert logged_in(web, "clerk1").get("/sla").status_code == 403


def test_nothing_listed_when_deadlines_are_far(web, engine, clock):
    start_item11(engine)
    assert "没有超期或临期的任务" in logged_in(web, "supervisor1").get("/sla").get_data(as_text=True)
    clock.advance(days=14, hours=6)  # Monday 2026-12-07 16:00: due at 17:30 today
    assert "今日到期" in logged_in(web, "supervisor1").get("/sla").get_data(as_text=True)


def test_export_has_the_filtered_rows(web, late_cases):
    response = logged_in(web, "supervisor1").get("/sla/export.xlsx?town=LG")
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("案件编号", "事项", "当前任务")
    assert len(rows) == 2 and rows[1][1] == "失业登记" and rows[1][6] == "110***********002X"


def test_parked_case_shows_with_its_message_and_retries(web, engine, store, clock):
    content = (DATA / "bpmn" / "timer_once.bpmn").read_bytes().replace(b"fired = True", b"fired = notify_citizen()")
    engine.deploy_files({"timer_once.bpmn": content}, "test")
    case = engine.start_case("timer_once", CaseContext(point_code="LG-V01", town_code="LG"), actor="c",
                             data={"fire_at": (clock() + timedelta(minutes=1)).isoformat()})
    clock.advance(minutes=5)
    fire_due_timers(engine)
    supervisor = logged_in(web, "supervisor1")
    page = supervisor.get("/sla").get_data(as_text=True)
    assert "出错待处理案件" in page and "notify_citizen" in page
    assert post(logged_in(web, "reviewer1"), f"/cases/{case}/retry", {}, "/inbox").status_code == 403
    post(supervisor, f"/cases/{case}/retry", {}, "/sla")
    assert "仍然出错" in supervisor.get("/sla").get_data(as_text=True)
    helpers = web.extensions["cuncun.engine"].script_engine.environment.globals
    helpers["notify_citizen"] = lambda: True  # the cause is fixed
    post(supervisor, f"/cases/{case}/retry", {}, "/sla")
    assert "出错待处理案件" not in supervisor.get("/sla").get_data(as_text=True)


def test_counts_are_exact_beyond_one_page_and_the_list_pages(web, engine, clock, monkeypatch):
    monkeypatch.setattr("app.sla.views.PER_PAGE", 2)  # three late cases over two pages
    start_item11(engine), start_item11(engine), start_item11(engine, ZZ)
    clock.advance(days=30)
    client = logged_in(web, "supervisor1")
    first = client.get("/sla").get_data(as_text=True)
    second = client.get("/sla?page=2").get_data(as_text=True)
    assert "超期及临期任务（3）" in first and "第 1 / 2 页" in first and "第 2 / 2 页" in second
    listed = [page.split("<h2>按乡镇统计")[0].count("<td><a href=\"/cases/") for page in (first, second)]
    assert listed == [2, 1]
    # The per-town counts come from SQL, whatever the page shows: 龙港镇 2 overdue, 郑庄镇 1.
    assert "<td>龙港镇</td><td>2</td><td>0</td><td>0</td>" in first
    assert "<td>郑庄镇</td><td>1</td><td>0</td><td>0</td>" in second
    # The weekly table: three opened in the week of 2026-11-23, and three went overdue in the week they fell due.
    weeks = first.split('<table class="weeks">')[1]
    assert "<td>2026-11-23</td><td>3</td><td>0</td><td>0</td>" in weeks
    assert weeks.count("<td>3</td></tr>") == 1


def test_point_filter_is_a_search_input_never_a_list_of_points(web, late_cases):
    client = logged_in(web, "supervisor1")
    page = client.get("/sla").get_data(as_text=True)
    assert 'name="point"' in page and 'data-point-search="/points/search"' in page
    assert '<option value="ZZ-V01"' not in page and '<option value="LG-V01"' not in page  # no list of 204 (or 30k)
    page = client.get("/sla?town=ZZ").get_data(as_text=True)
    assert 'data-town="ZZ"' in page and "<option value=\"ZZ-V" not in page
    # Without the suggestions one types the code in any case, or the point's exact name.
    by_code = client.get("/sla?point=zz-v01").get_data(as_text=True)
    by_name = client.get("/sla?point=郑庄镇第01村（待更名）").get_data(as_text=True)
    assert 'value="ZZ-V01"' in by_code and 'value="ZZ-V01"' in by_name
    assert "郑庄镇第01村（待更名）</span>" in by_code
