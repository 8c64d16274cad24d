"""Organisation admin pages (towns, points, closing, county accounts) and the scoped point search."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.seed import DEMO_PASSWORD
from app.auth.services import create_user
from app.org.counties import bind_member
from app.org.models import County, CountyMember, Point, Town
from engine.models import AuditEvent
from tests.web import logged_in, make_app, post, token

QINSHUI, YANGCHENG = "140521", "140522"


@pytest.fixture
def web(store, clock):
    """The app with a second county (阳城县: one town, one point, its own admin) and an unbound county reviewer."""
    app = make_app(store, clock)
    with store.session(write=True) as s:
        s.add(County(code=YANGCHENG, name="阳城县", ordinal=2))
        s.flush()
        s.add(Town(code="FC", name="凤城镇", county_code=YANGCHENG, ordinal=1))
        s.flush()
        s.add(Point(code="FC-V01", name="凤城镇第01村", town_code="FC", kind="basic", area="village", active=True))
        users = {}
        for name, role in (("yc_admin", "admin"), ("yc_reviewer", "county_reviewer"), ("newrev", "county_reviewer")):
            users[name] = create_user(s, username=name, display_name=f"{name}姓名", role=role, now=clock(),
                                      password_hash=hash_password(DEMO_PASSWORD), must_change_password=False)
        s.flush()
        for name in ("yc_admin", "yc_reviewer"):
            bind_member(s, users[name].id, YANGCHENG)
        for name in ("admin1", "reviewer1", "supervisor1"):
            bind_member(s, s.scalar(select(User.id).where(User.username == name)), QINSHUI)
    return app


def events(store, action: str) -> list[dict]:
    with store.session() as s:
        return [{"actor": e.actor, "point": e.point_code, **json.loads(e.detail)}
                for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def test_only_an_admin_reaches_the_pages_and_the_navigation_links_them(web):
    admin = logged_in(web, "admin1")
    assert 'href="/org"' in admin.get("/points").get_data(as_text=True)
    page = admin.get("/org").get_data(as_text=True)
    assert "组织机构管理 · 沁水县" in page and "龙港镇" in page and "凤城镇" not in page
    assert "<td>龙港镇</td><td>36</td><td>0</td>" in page  # 25 villages, 10 communities and its demo point
    for user in ("supervisor1", "townstaff1", "clerk1"):
        client = logged_in(web, user)
        assert 'href="/org"' not in client.get("/points").get_data(as_text=True)
        for path in ("/org", "/org/points/new", "/org/accounts", "/points/LG-V01/close", "/org/towns/LG/rename"):
            assert client.get(path).status_code == 403, (user, path)


def test_admin_adds_a_town_with_checks_that_keep_the_typed_input(web, store, clock):
    admin = logged_in(web, "admin1")

    def add(code: str, name: str):
        return post(admin, "/org/towns", {"code": code, "name": name}, "/org")

    refusals = (("1X", "新城镇", "乡镇代码须以字母开头"), ("LG", "新城镇", "乡镇代码 LG 已被“龙港镇”使用"),
                ("XC", "  ", "请填写乡镇名称"), ("XC", "凤城镇", "已有名为“凤城镇”的乡镇（FC）"),
                ("XC", "镇" * 41, "不能超过 40 个字"))
    for code, name, message in refusals:
        response = add(code, name)
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page, (code, name)
        assert f'value="{code}"' in page  # what was typed stays in the form
    assert admin.post("/org/towns", data={"code": "XC", "name": "新城镇"}).status_code == 400  # no CSRF token
    response = add("xc", " 新城镇 ")
    assert response.status_code == 302
    with store.session() as s:
        town = s.get(Town, "XC")
        assert (town.name, town.county_code, town.ordinal) == ("新城镇", QINSHUI, 13)
    assert events(store, "add_town") == [{"actor": "admin1", "point": None, "county": QINSHUI, "town": "XC",
                                          "name": "新城镇"}]
    # The other county's admin adds towns to its own county only, and never sees Qinshui's.
    other = logged_in(web, "yc_admin")
    assert post(other, "/org/towns", {"code": "BQ", "name": "白桑乡"}, "/org").status_code == 302
    with store.session() as s:
        assert s.get(Town, "BQ").county_code == YANGCHENG
    assert "龙港镇" not in other.get("/org").get_data(as_text=True)


def test_admin_renames_a_town_of_its_own_county_only(web, store):
    admin = logged_in(web, "admin1")
    assert post(admin, "/org/towns/LG/rename", {"name": "凤城镇"}).status_code == 422
    assert post(admin, "/org/towns/LG/rename", {"name": "龙港镇（城关）"}).status_code == 302
    with store.session() as s:
        assert s.get(Town, "LG").name == "龙港镇（城关）"
    assert events(store, "rename_town")[0]["old"] == "龙港镇"
    assert admin.get("/org/towns/FC/rename").status_code == 404
    assert admin.post("/org/towns/FC/rename", data={"name": "x", "csrf_token": token(admin, "/org")}).status_code == 404


def test_admin_adds_a_point_dated_now_with_checks(web, store, clock):
    admin = logged_in(web, "admin1")
    form = admin.get("/org/points/new?town=ZAC").get_data(as_text=True)
    assert '<option value="ZAC" selected>' in form and '<option value="FC"' not in form
    good = {"town": "ZAC", "code": "ZAC-V08", "name": "张村乡第08村", "area": "village", "kind": "basic"}
    for change, message in (({"code": "ZAC V08"}, "网点编号须由"), ({"code": "LG-V01"}, "网点编号 LG-V01 已被"),
                            ({"name": ""}, "请填写网点名称"), ({"name": "张村乡第01村（待更名）"}, "张村乡已有名为"),
                            ({"area": "city"}, "请选择网点所在区域"), ({"kind": "x"}, "请选择网点类型"),
                            ({"name": "村" * 101}, "不能超过 100 个字")):
        response = post(admin, "/org/points/new", {**good, **change})
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page, change
        assert f'value="{good["code"] if "code" not in change else change["code"]}"' in page
        assert '<option value="ZAC" selected>' in page
    # Another county's town: as if it did not exist.
    assert post(admin, "/org/points/new", {**good, "town": "FC"}).status_code == 404
    response = post(admin, "/org/points/new", {**good, "code": "zac-v08"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/points?town=ZAC")
    with store.session() as s:
        point = s.get(Point, "ZAC-V08")
        assert (point.name, point.town_code, point.active, point.created_at, point.created_by) == (
            "张村乡第08村", "ZAC", True, clock(), "admin1")
    assert events(store, "add_point")[0] == {"actor": "admin1", "point": "ZAC-V08", "town": "ZAC",
                                             "name": "张村乡第08村", "kind": "basic", "area": "village"}
    assert "ZAC-V08" in admin.get("/points?town=ZAC").get_data(as_text=True)


def test_admin_closes_a_point_which_stays_on_record(web, store, clock):
    admin = logged_in(web, "admin1")
    page = admin.get("/points/LG-V02/close").get_data(as_text=True)
    assert "不会被删除" in page and "停用原因" in page
    response = post(admin, "/points/LG-V02/close", {"reason": "  "})
    assert response.status_code == 422 and "请填写停用原因" in response.get_data(as_text=True)
    assert post(admin, "/points/LG-V02/close", {"reason": "与第03村合并"}).status_code == 302
    with store.session() as s:
        point = s.get(Point, "LG-V02")
        assert (point.active, point.closed_at, point.closed_by) == (False, clock(), "admin1")
    assert events(store, "close_point") == [{"actor": "admin1", "point": "LG-V02", "reason": "与第03村合并"}]
    listing = admin.get("/points?town=LG").get_data(as_text=True)
    assert "停用（2026-11-23 10:00）" in listing and "/points/LG-V02/close" not in listing
    again = post(admin, "/points/LG-V02/close", {"reason": "再停一次"})
    assert "已于" in again.get_data(as_text=True) and len(events(store, "close_point")) == 1
    assert "<td>龙港镇</td><td>35</td><td>1</td>" in admin.get("/org").get_data(as_text=True)


def test_one_countys_admin_cannot_touch_the_other_countys_points(web, store):
    admin = logged_in(web, "admin1")
    csrf = token(admin, "/org")
    assert admin.get("/points/FC-V01/close").status_code == 404
    assert admin.post("/points/FC-V01/close", data={"reason": "x", "csrf_token": csrf}).status_code == 404
    assert admin.get("/points/FC-V01/rename").status_code == 404
    assert admin.post("/points/FC-V01/rename", data={"name": "x", "csrf_token": csrf}).status_code == 404
    assert admin.get("/points/FC-V01/profile").status_code == 404
    other = logged_in(web, "yc_admin")
    assert other.get("/points/LG-V01/close").status_code == 404
    assert post(other, "/points/FC-V01/rename", {"name": "凤城村"}).status_code == 302
    with store.session() as s:
        assert (s.get(Point, "FC-V01").name, s.get(Point, "FC-V01").active) == ("凤城村", True)
        assert s.get(Point, "LG-V01").active


def test_profile_template_and_import_stay_in_the_admins_county(web, store):
    admin = logged_in(web, "admin1")
    rows = list(load_workbook(BytesIO(admin.get("/points/profiles.xlsx").data)).active.values)
    codes = {r[0] for r in rows[1:]}
    assert "LG-V01" in codes and "FC-V01" not in codes
    book = Workbook()
    book.active.append(rows[0])
    book.active.append(("FC-V01", "凤城镇", "凤城镇第01村", "3.5", None, None, None, None))
    buffer = BytesIO()
    book.save(buffer)
    response = admin.post("/points/profiles/import", data={
        "file": (BytesIO(buffer.getvalue()), "p.xlsx"), "csrf_token": token(admin, "/points/profiles/import")},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "网点 FC-V01 不存在或不在您的管辖范围内" in response.get_data(as_text=True)
    other = logged_in(web, "yc_admin")
    assert {r[0] for r in list(load_workbook(BytesIO(other.get("/points/profiles.xlsx").data)).active.values)[1:]} == {
        "FC-V01"}


def test_admin_binds_county_level_accounts_to_its_own_county(web, store):
    admin = logged_in(web, "admin1")
    page = admin.get("/org/accounts").get_data(as_text=True)
    assert "newrev" in page and "reviewer1" in page and "yc_reviewer" not in page and "clerk1" not in page
    for username, message in (("clerk1", "不是县级角色"), ("nobody", "没有账号“nobody”"), ("", "请填写要绑定的账号"),
                              ("yc_reviewer", "已绑定到阳城县")):
        response = post(admin, "/org/accounts", {"username": username})
        assert response.status_code == 422 and message in response.get_data(as_text=True), username
    assert 'value="yc_reviewer"' in response.get_data(as_text=True)
    assert post(admin, "/org/accounts", {"username": "newrev"}).status_code == 302
    with store.session() as s:
        user_id = s.scalar(select(User.id).where(User.username == "newrev"))
        assert s.get(CountyMember, user_id).county_code == QINSHUI
        assert s.get(CountyMember, s.scalar(select(User.id).where(User.username == "yc_reviewer"))
                     ).county_code == YANGCHENG
    assert events(store, "bind_county") == [{"actor": "admin1", "point": None, "username": "newrev",
                                             "county": QINSHUI}]
    assert "newrev" not in logged_in(web, "yc_admin").get("/org/accounts").get_data(as_text=True)


def search(client, **args) -> list[str]:
    response = client.get("/points/search", query_string=args)
    assert response.status_code == 200 and response.is_json
    return [p["code"] for p in response.get_json()["points"]]


def test_point_search_is_scoped_limited_and_finds_chinese_names(web, store, clock):
    admin = logged_in(web, "admin1")
    found = search(admin, q="lg")
    assert len(found) == 20 and all(c.startswith("LG-") for c in found)  # 36 match: 20 at most
    assert search(admin, q="LG-V01") == ["LG-V01"]
    assert search(admin, q="ZAC-V0")[:1] == ["ZAC-V01"] and len(search(admin, q="ZAC-V0")) == 7
    assert search(admin, q="凤城") == [] and search(admin, q="FC") == []  # the other county's point
    assert search(logged_in(web, "yc_admin"), q="凤城") == ["FC-V01"]
    communities = search(admin, q="第10社区")
    assert communities == ["LG-C10"]
    body = admin.get("/points/search?q=龙港镇示范").get_json()
    assert body == {"points": [{"code": "LG-D", "name": "龙港镇示范网点", "town": "LG", "town_name": "龙港镇",
                                "open": True}]}
    assert search(admin, q="%") == [] and search(admin, q="_") == [] and search(admin, q="  ") == []
    assert search(admin, q="第01村", town="ZZ") == ["ZZ-V01"]
    # A clerk searches only its own point, town staff their town.
    assert search(logged_in(web, "clerk1"), q="第01村") == ["LG-V01"]
    assert set(search(logged_in(web, "townstaff1"), q="第01")) == {"LG-V01", "LG-C01"}
    # Closed points are still found for filters (their old cases), but not when only open ones are asked for.
    post(admin, "/points/LG-V02/close", {"reason": "合并"})
    assert search(admin, q="LG-V02") == ["LG-V02"] and search(admin, q="LG-V02", open="1") == []
    assert logged_in(web, "clerk1").get("/points/search?q=x").status_code == 200
    assert web.test_client().get("/points/search?q=LG").status_code in (302, 401)


def test_fault_ledger_filters_points_by_search_input_not_a_list(web):
    client = logged_in(web, "supervisor1")
    page = client.get("/faults").get_data(as_text=True)
    assert 'data-point-search="/points/search"' in page and '<option value="LG-V01"' not in page
    page = client.get("/faults?point=龙港镇示范网点").get_data(as_text=True)
    assert 'value="LG-D"' in page and "龙港镇示范网点</span>" in page
