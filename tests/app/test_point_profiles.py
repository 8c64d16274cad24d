"""Point profiles (附件5 columns 6-10): town staff edit their own town's points, every change audited; xlsx import
is all or nothing with a Chinese reason per bad row; 附件5 prints the profiles."""

from __future__ import annotations

import json
from io import BytesIO

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.org.models import Point
from app.org.profile_services import IMPORT_HEADERS
from app.org.profiles import PointProfile
from engine.models import AuditEvent
from tests.web import logged_in, post, token

FORM = {"area_km2": "12.5", "population_wan": "0.32", "organisation": "龙港镇第01村村民委员会",
        "address": "龙港镇第01村村委会一楼", "location": "村委会便民服务大厅东侧"}


def profile(store, code) -> dict | None:
    with store.session() as s:
        row = s.get(PointProfile, code)
        return row.values() if row else None


def events(store) -> list[dict]:
    with store.session() as s:
        return [json.loads(e.detail) | {"actor": e.actor, "point": e.point_code} for e in s.scalars(
            select(AuditEvent).where(AuditEvent.action == "point_profile_changed").order_by(AuditEvent.id))]


def workbook(rows) -> bytes:
    book = Workbook()
    book.active.append(IMPORT_HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes):
    return client.post("/points/profiles/import", data={"csrf_token": token(client, "/points/profiles/import"),
                                                        "file": (BytesIO(content), "profiles.xlsx")},
                       content_type="multipart/form-data")


def test_town_staff_edit_their_towns_profiles_and_each_change_is_audited(web, store):
    staff = logged_in(web, "townstaff1")
    assert "服务点情况" in staff.get("/points").get_data(as_text=True)
    assert post(staff, "/points/LG-V01/profile", FORM).status_code == 302
    assert profile(store, "LG-V01") == FORM
    bad = post(staff, "/points/LG-V01/profile", FORM | {"area_km2": "约12平方公里"}, "/points/LG-V01/profile")
    assert bad.status_code == 200 and "“地域面积(平方公里)”应填写数字" in bad.get_data(as_text=True)
    assert profile(store, "LG-V01") == FORM  # nothing lost, nothing half-saved
    post(staff, "/points/LG-V01/profile", FORM | {"address": "龙港镇第01村文化广场北"})
    (first, second) = events(store)
    assert (first["actor"], first["point"], first["source"]) == ("townstaff1", "LG-V01", "form")
    assert first["changes"]["area_km2"] == [None, "12.5"]
    assert second["changes"] == {"address": ["龙港镇第01村村委会一楼", "龙港镇第01村文化广场北"]}
    # Another town's point, and roles that do not keep profiles, are refused.
    assert staff.get("/points/ZZ-V01/profile").status_code == 403
    assert post(staff, "/points/ZZ-V01/profile", FORM, "/points/LG-V01/profile").status_code == 403
    assert logged_in(web, "clerk1").get("/points/LG-V01/profile").status_code == 403
    assert logged_in(web, "supervisor1").get("/points/profiles/import").status_code == 403
    assert profile(store, "ZZ-V01") is None
    assert logged_in(web, "admin1").get("/points/ZZ-V01/profile").status_code == 200


def test_import_renames_and_fills_profiles_or_changes_nothing(web, store):
    staff = logged_in(web, "townstaff1")
    template = load_workbook(BytesIO(staff.get("/points/profiles.xlsx").data)).active
    rows = list(template.values)
    assert rows[0] == IMPORT_HEADERS and len(rows) == 1 + 36 and {r[1] for r in rows[1:]} == {"龙港镇"}
    bad = upload(staff, workbook([
        ("LG-V01", "龙港镇", "东关村", "3.2", "0.5", "东关村民委员会", "东关村1号", "村委会一楼"),
        ("LG-V02", "龙港镇", "", "三点五", None, None, None, None),
        ("ZZ-V01", "郑庄镇", "郑庄村", None, None, None, None, None),
        ("LG-V01", "龙港镇", "", None, None, None, None, None),
    ]))
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "没有任何数据被修改" in page
    assert "第3行（LG-V02）：“地域面积(平方公里)”应填写数字" in page
    assert "第4行（ZZ-V01）：网点 ZZ-V01 不存在或不在您的管辖范围内。" in page
    assert "第5行：网点 LG-V01 在文件中重复出现。" in page
    with store.session() as s:
        assert s.get(Point, "LG-V01").name == "龙港镇第01村（待更名）"
    assert profile(store, "LG-V01") is None and events(store) == []
    good = upload(staff, workbook([
        ("LG-V01", "龙港镇", "东关村", 3.2, 0.5, "东关村民委员会", "东关村1号", "村委会一楼"),
        ("LG-C01", "龙港镇", "", None, None, "城关社区居委会", None, None),
    ]))
    assert good.status_code == 302
    with store.session() as s:
        assert s.get(Point, "LG-V01").name == "东关村" and s.get(Point, "LG-C01").name == "龙港镇第01社区（待更名）"
    assert profile(store, "LG-V01") == {"area_km2": "3.2", "population_wan": "0.5", "organisation": "东关村民委员会",
                                        "address": "东关村1号", "location": "村委会一楼"}
    assert [(e["point"], e["source"]) for e in events(store)] == [("LG-V01", "import"), ("LG-C01", "import")]
    detail = logged_in(web, "supervisor1").get("/reports/point-detail?town=LG").get_data(as_text=True)
    cells = ("东关村", "3.2", "0.5", "东关村民委员会", "东关村1号", "村委会一楼")
    assert "".join(f"<td>{c}</td>" for c in cells) in detail
    assert "不是有效的 Excel" in upload(staff, b"not a workbook").get_data(as_text=True)
