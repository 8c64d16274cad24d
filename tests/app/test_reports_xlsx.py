"""The report tables' .xlsx files open with openpyxl, carry the attachments' headers, and match the database."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.accounts.milestones import set_milestone
from app.accounts.models import PointMilestone
from app.org.models import Point
from app.org.profile_services import save_profile
from app.reports.subsidy import add_entry
from app.reports.vocab import (
    DETAIL_HEADERS,
    DETAIL_MILESTONES,
    FUNDS_HEADERS,
    PROGRESS_HEADERS,
    SUMMARY_HEADERS,
    SUMMARY_MILESTONES,
)
from tests.web import login, make_app

PROFILE = ("12.5", "0.32", "龙港镇第02村村民委员会", "龙港镇第02村村委会一楼", "村委会便民服务大厅东侧")
SEEDED = {  # milestone -> points that reached it
    "agreement_signed": [f"LG-V{n:02d}" for n in range(1, 8)] + ["LG-C01", "ZZ-V01", "ZZ-V02", "LG-D"],
    "staff_trained": ["ZZ-V01", "ZZ-V02", "ZZ-V03", "SL-V12"],
    "staff_authorised": ["LG-V01"],
    "kiosk_installed": [f"DS-V{n:02d}" for n in range(1, 21)],
    "accepted_operating": ["LG-V01", "LG-V02", "LG-D"],
    "promotion_done": ["ZAC-V07"],
}


@pytest.fixture
def web(engine, store, clock):
    app = make_app(store, clock)
    with store.session(write=True) as s:
        for milestone, points in SEEDED.items():
            for code in points:
                set_milestone(s, code, milestone, at=clock(), by="test", source="test")
        for kind, point, amount in (("allocated", "LG-V01", "1500"), ("allocated", "LG-V02", "1500"),
                                    ("arrived", "LG-V01", "1500"), ("arrived", "LG-D", "750.50")):
            add_entry(s, year=2026, point_code=point, kind=kind, amount=amount, on=date(2026, 11, 20), note="",
                      actor="admin1", at=clock(), today=date(2026, 11, 23))
    return app


def download(web, path, username="supervisor1"):
    client = web.test_client()
    login(client, username)
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(BytesIO(response.data)).active


def db_count(store, town, milestone) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(PointMilestone)
                        .join(Point, Point.code == PointMilestone.point_code)
                        .where(Point.town_code == town, Point.area.in_(("village", "community")),
                               PointMilestone.milestone == milestone))


def test_town_summary_xlsx_matches_the_database(web, store):
    sheet = download(web, "/reports/town-summary.xlsx")
    rows = list(sheet.values)
    assert rows[0][0] == "沁水县就业社保服务基层服务点全覆盖工作任务调度汇总表" and rows[1][0] == "专项行动负责人(签字)"
    assert rows[2] == SUMMARY_HEADERS and rows[3] == tuple(range(1, 17))
    assert rows[2][:4] == ("乡镇", "服务点数量", "签定协议", "完成率")
    towns = {r[0]: r for r in rows[4:17]}
    assert list(towns)[:3] == ["龙港镇", "郑庄镇", "端氏镇"] and list(towns)[-1] == "合计"
    assert [towns[t][1] for t in list(towns)[:12]] == [35, 25, 20, 18, 15, 11, 13, 11, 12, 12, 13, 7]
    codes = {"龙港镇": "LG", "郑庄镇": "ZZ", "端氏镇": "DS", "十里乡": "SL", "张村乡": "ZAC"}
    for name, code in codes.items():
        for n, (milestone, _) in enumerate(SUMMARY_MILESTONES):
            done = db_count(store, code, milestone)
            assert towns[name][2 + 2 * n] == done, (name, milestone)
            assert towns[name][3 + 2 * n] == pytest.approx(done / towns[name][1])
    assert towns["龙港镇"][2] == 8 and towns["龙港镇"][10] == 2  # LG-D is a demo point: not in 附件4
    assert towns["合计"][1] == 192 and towns["合计"][2] == 10 and towns["合计"][8] == 20
    assert rows[17][0] == "备注" and "每月18日前汇总报送至县工作专班综合服务组" in rows[17][1]
    assert sheet["D5"].number_format == "0.0%"


def test_point_detail_xlsx_has_the_attachment_header_and_each_points_flags(web, store, clock):
    with store.session(write=True) as s:
        save_profile(s, "LG-V02", dict(zip(("area_km2", "population_wan", "organisation", "address", "location"),
                                           PROFILE, strict=True)), actor="townstaff1", at=clock())
    sheet = download(web, "/reports/point-detail.xlsx")
    rows = list(sheet.values)
    assert rows[0][0] == "沁水县就业社保服务基层服务点全覆盖工作任务调度明细表"
    assert (rows[2][0], rows[2][1], rows[2][4], rows[2][10]) == ("乡镇", "服务点数量", "服务点情况", "工作任务完成情况")
    assert rows[3][1:] == DETAIL_HEADERS[1:] and rows[4] == tuple(range(1, 17))
    assert {str(r) for r in sheet.merged_cells.ranges} >= {"A3:A4", "B3:D3", "E3:J3", "K3:P3"}
    body = [r for r in rows[5:] if r[0] and r[0] != "备注" and not str(r[0]).startswith(("1.", "2.", "3."))]
    town_rows = [r for r in body if r[1] is not None]
    point_rows = [r for r in body if r[1] is None]
    assert [(r[0], r[1], r[2], r[3]) for r in town_rows[:2]] == [("龙港镇", 35, 25, 10), ("郑庄镇", 25, 25, None)]
    assert len(town_rows) == 12 and len(point_rows) == 192
    with store.session() as s:
        reached = {(m.point_code, m.milestone) for m in s.scalars(select(PointMilestone))}
        names = {p.name: p.code for p in s.scalars(select(Point))}
    for row in point_rows:
        code = names[row[4]]
        assert row[5:10] == (PROFILE if code == "LG-V02" else (None,) * 5)  # columns 6-10: the point's profile
        assert list(row[10:16]) == [1 if (code, m) in reached else 0 for m, _ in DETAIL_MILESTONES]
    assert sum(r[10] for r in point_rows) == 10 and sum(r[13] for r in point_rows) == 2
    assert tuple(rows[-3:]) == (("1. 每个乡镇、行政村(社区)填一行。",) + (None,) * 15,
                         ("2. 11-16列相关工作任务已经完成的填1, 未完成填0或不填。",) + (None,) * 15,
                         ("3. 本表按月填报, 每月25日前汇总报送县领导小组办公室。",) + (None,) * 15)


def test_progress_and_funds_xlsx(web, store):
    progress = list(download(web, "/reports/progress.xlsx").values)
    assert progress[2] == PROGRESS_HEADERS
    by_task = {r[1]: r for r in progress[3:]}
    agreement = by_task["与所辖乡镇、行政村（社区）服务点签订合作协议"]
    assert agreement[2:7] == ("综合服务组", "2024年4月20日前", 192, 10, pytest.approx(10 / 192))
    funds = list(download(web, "/reports/funds.xlsx?year=2026").values)
    assert funds[2] == FUNDS_HEADERS
    lg = next(r for r in funds if r[0] == "龙港镇")
    # LG has 36 active points (the demo point too); 3 operate: 4,500 due; 3,000 allocated; 2,250.50 arrived.
    assert lg[1:8] == (36, 3, 4500, 3000, 2250.5, pytest.approx(float(Fraction(225050, 450000))), 2)
    total = next(r for r in funds if r[0] == "合计")
    assert total[1:6] == (204, 3, 4500, 3000, 2250.5)


def test_town_staff_get_only_their_town(web):
    sheet = download(web, "/reports/town-summary.xlsx?town=ZZ", "townstaff1")
    names = [r[0] for r in list(sheet.values)[4:]]
    assert names[:2] == ["龙港镇", "合计"]
