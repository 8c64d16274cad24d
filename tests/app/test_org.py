"""Towns and service points: seeding per the county plan, scoped listing, renaming by an admin."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.auth.seed import DEMO_PASSWORD
from app.org.models import Point, Town
from app.org.seed import seed_organisation
from engine.models import AuditEvent
from tests.web import make_app

# 附件4/附件5: points per town; only 龙港镇 has communities.
PLAN = {"龙港镇": 35, "郑庄镇": 25, "端氏镇": 20, "嘉峰镇": 18, "郑村镇": 15, "柿庄镇": 11, "中村镇": 13,
        "固县乡": 11, "土沃乡": 12, "十里乡": 12, "胡底乡": 13, "张村乡": 7}


@pytest.fixture
def tables(store):
    return store


@pytest.fixture
def client(store, clock):
    return make_app(store, clock).test_client()


def token(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def login(client, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                           "csrf_token": token(client, "/login")})
    assert response.status_code == 302


def test_seed_follows_the_county_plan(tables, store):
    with store.session(write=True) as s:
        assert seed_organisation(s) == (12, 204)
    with store.session() as s:
        towns = {t.code: t for t in s.scalars(select(Town).order_by(Town.ordinal))}
        assert [t.name for t in towns.values()] == list(PLAN)
        basic = Counter(towns[p.town_code].name for p in s.scalars(select(Point).where(Point.kind == "basic")))
        assert basic == PLAN and sum(basic.values()) == 192
        areas = Counter((p.town_code, p.area) for p in s.scalars(select(Point)))
        assert areas[("LG", "village")] == 25 and areas[("LG", "community")] == 10
        assert sum(n for (_, area), n in areas.items() if area == "community") == 10
        demo = s.scalars(select(Point).where(Point.kind == "demo")).all()
        assert len(demo) == 12 and {p.area for p in demo} == {"town"}
        assert {p.town_code for p in demo} == set(towns)
        assert s.get(Point, "LG-D").name == "龙港镇示范网点"
        assert s.get(Point, "LG-V01").name == "龙港镇第01村（待更名）"
        assert s.get(Point, "LG-C10").name == "龙港镇第10社区（待更名）"
        assert s.get(Point, "ZAC-V07").town_code == "ZAC" and s.get(Point, "ZAC-V08") is None


def test_seed_is_idempotent_and_keeps_renames(tables, store):
    with store.session(write=True) as s:
        seed_organisation(s)
        s.get(Point, "LG-V01").name = "城关村"
    with store.session(write=True) as s:
        assert seed_organisation(s) == (0, 0)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Point)) == 204
        assert s.get(Point, "LG-V01").name == "城关村"


def test_points_are_listed_within_scope(client):
    login(client, "clerk1")
    page = client.get("/points").get_data(as_text=True)
    assert "共 1 个网点" in page and "LG-V01" in page and "/rename" not in page
    client.post("/logout", data={"csrf_token": token(client, "/password")})
    login(client, "townstaff1")
    assert "共 36 个网点" in client.get("/points").get_data(as_text=True)
    assert "共 0 个网点" in client.get("/points?town=ZZ").get_data(as_text=True)  # a filter never widens scope
    client.post("/logout", data={"csrf_token": token(client, "/password")})
    login(client, "reviewer1")
    assert "共 204 个网点" in client.get("/points").get_data(as_text=True)
    page = client.get("/points?town=ZZ").get_data(as_text=True)
    assert "共 26 个网点" in page and "郑庄镇示范网点" in page and "LG-V01" not in page


def test_admin_renames_a_point_with_an_audit_event(client, store, clock):
    login(client, "admin1")
    assert "/points/LG-V01/rename" in client.get("/points").get_data(as_text=True)
    response = client.post("/points/LG-V01/rename", data={"name": "  城关村 ", "csrf_token": token(
        client, "/points/LG-V01/rename")})
    assert response.status_code == 302 and response.headers["Location"] == "/points?town=LG"
    assert "已更名为“城关村”" in client.get(response.headers["Location"]).get_data(as_text=True)
    with store.session() as s:
        point = s.get(Point, "LG-V01")
        assert (point.name, point.renamed_by, point.renamed_at) == ("城关村", "admin1", clock())
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "rename_point"))
        assert (event.actor, event.point_code, event.at) == ("admin1", "LG-V01", clock())
        assert json.loads(event.detail) == {"old": "龙港镇第01村（待更名）", "new": "城关村"}


def test_rename_refusals_are_explained(client):
    login(client, "admin1")

    def rename(code: str, name: str):
        return client.post(f"/points/{code}/rename", data={"name": name, "csrf_token": token(client, "/password")})

    assert "请填写网点的新名称" in rename("LG-V01", "   ").get_data(as_text=True)
    assert "不能超过 100 个字" in rename("LG-V01", "村" * 101).get_data(as_text=True)
    assert "与原名称相同" in rename("LG-V01", "龙港镇第01村（待更名）").get_data(as_text=True)
    page = rename("LG-V01", "龙港镇第02村（待更名）").get_data(as_text=True)
    assert "龙港镇已有名为“龙港镇第02村（待更名）”的网点（LG-V02）" in page
    assert rename("ZZ-V01", "龙港镇第02村（待更名）").status_code == 302  # other towns may share a name
    assert rename("XX-V99", "某村").status_code == 404


@pytest.mark.parametrize("username", ["clerk1", "townstaff1", "reviewer1", "supervisor1"])
def test_non_admin_cannot_rename(client, store, username):
    login(client, username)
    assert client.get("/points/LG-V01/rename").status_code == 403
    response = client.post("/points/LG-V01/rename", data={"name": "城关村", "csrf_token": token(client, "/password")})
    assert response.status_code == 403 and "没有权限" in response.get_data(as_text=True)
    with store.session() as s:
        assert s.get(Point, "LG-V01").name == "龙港镇第01村（待更名）"


def test_points_need_login(client):
    assert client.get("/points/LG-V01/rename").headers["Location"].startswith("/login")
