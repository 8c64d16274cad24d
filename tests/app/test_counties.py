"""Counties as an organisation level: a county role sees its own county's cases, tasks, SLA rows and API results."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.seed import DEMO_PASSWORD
from app.auth.services import create_user
from app.org.counties import bind_member
from app.org.models import County, Point, Town
from engine.models import ProcessInstance
from engine.runtime import CaseContext
from tests.api.support import bearer, make_api_app, staff_token
from tests.factories import ACCEPT, MATERIALS, do, start_item11
from tests.web import logged_in

QINSHUI, YANGCHENG = "140521", "140522"
YC = CaseContext(point_code="FC-V01", town_code="FC", item_code="11", applicant_id_number="11010519491231002X",
                 applicant_name="李四")


def to_review(engine, context=None) -> int:
    """Start an item 11 case and bring it to the county's review."""
    case = start_item11(engine, context) if context else start_item11(engine)
    do(engine, case, "item11_accept", ACCEPT)
    do(engine, case, "check_materials", {"materials_received": MATERIALS})
    return case


@pytest.fixture
def web(engine, store, clock):
    """The app with a second county (阳城县, one town, one point) and its own reviewer and supervisor."""
    app = make_api_app(store, clock)
    with store.session(write=True) as s:
        s.add(County(code=YANGCHENG, name="阳城县", ordinal=2))
        s.flush()
        s.add(Town(code="FC", name="凤城镇", county_code=YANGCHENG, ordinal=1))
        s.flush()
        s.add(Point(code="FC-V01", name="凤城镇第01村", town_code="FC", kind="basic", area="village", active=True))
        for name, role in (("yc_reviewer", "county_reviewer"), ("yc_supervisor", "supervisor")):
            user = create_user(s, username=name, display_name=name, password_hash=hash_password(DEMO_PASSWORD),
                               role=role, now=clock(), must_change_password=False)
            s.flush()
            bind_member(s, user.id, YANGCHENG)
        # With two counties an account must be bound: Qinshui's demo accounts are, one is left unbound.
        for name in ("reviewer1", "supervisor1", "admin1"):
            bind_member(s, s.scalar(select(User.id).where(User.username == name)), QINSHUI)
    return app


@pytest.fixture
def cases(engine):
    return to_review(engine), to_review(engine, YC)


def case_no(store, instance_id: int) -> str:
    with store.session() as s:
        return s.get(ProcessInstance, instance_id).case_no


def test_reviewers_inbox_and_case_pages_stop_at_the_county_border(web, store, cases):
    qs, yc = cases
    qs_no, yc_no = case_no(store, qs), case_no(store, yc)
    home = logged_in(web, "reviewer1")
    inbox = home.get("/inbox").get_data(as_text=True)
    assert qs_no in inbox and yc_no not in inbox
    assert home.get(f"/cases/{qs}").status_code == 200 and home.get(f"/cases/{yc}").status_code == 403
    assert f'/cases/{yc}"' not in home.get(f"/inbox?q={yc_no}").get_data(as_text=True)  # the search finds nothing
    assert f'/cases/{qs}"' in home.get(f"/inbox?q={qs_no}").get_data(as_text=True)
    other = logged_in(web, "yc_reviewer")
    inbox = other.get("/inbox").get_data(as_text=True)
    assert yc_no in inbox and qs_no not in inbox
    assert other.get(f"/cases/{yc}").status_code == 200 and other.get(f"/cases/{qs}").status_code == 403


def test_sla_page_and_export_stop_at_the_county_border(web, cases, clock):
    clock.advance(days=30)
    for who, mine, theirs in (("supervisor1", "张三", "李四"), ("yc_supervisor", "李四", "张三")):
        client = logged_in(web, who)
        page = client.get("/sla").get_data(as_text=True)
        assert mine in page and theirs not in page
        # Asking for the other county's town by name does not cross the border either.
        assert "李四" not in client.get("/sla?town=FC&point=FC-V01").get_data(as_text=True) or who == "yc_supervisor"
        sheet = load_workbook(BytesIO(client.get("/sla/export.xlsx").data)).active
        assert [row[5] for row in list(sheet.values)[1:]] == [mine]


def test_api_inbox_and_case_stop_at_the_county_border(web, store, clock, cases):
    qs, yc = cases
    client = web.test_client()
    for who, mine, theirs in (("reviewer1", qs, yc), ("yc_reviewer", yc, qs)):
        headers = bearer(staff_token(store, clock(), who))
        listed = client.get("/api/v1/inbox", headers=headers).get_json()
        assert listed["total"] == 1 and [t["case"]["id"] for t in listed["items"]] == [mine]
        assert client.get(f"/api/v1/cases/{mine}", headers=headers).status_code == 200
        assert client.get(f"/api/v1/cases/{theirs}", headers=headers).status_code == 403


def test_an_unbound_county_account_sees_nothing_once_there_are_two_counties(web, cases):
    client = logged_in(web, "backbone1")  # not bound to either county
    assert client.get("/sla").status_code == 200
    assert "李四" not in client.get("/sla").get_data(as_text=True)
    assert "张三" not in client.get("/sla").get_data(as_text=True)


def test_cli_binds_a_county_account_and_refuses_others(store, clock, monkeypatch):
    from click.testing import CliRunner

    from app.auth.seed import seed_demo_users
    from app.cli import county_cmds
    from app.org.models import CountyMember
    from engine.models import AuditEvent

    with store.session(write=True) as s:
        seed_demo_users(s, clock())
        s.add(County(code=YANGCHENG, name="阳城县", ordinal=2))
    monkeypatch.setattr(county_cmds, "get_store", lambda: store)

    def cli(*args):
        return CliRunner().invoke(county_cmds.county, list(args))

    result = cli("bind", "supervisor1", YANGCHENG, "--actor", "admin1")
    assert result.exit_code == 0 and "阳城县" in result.output
    with store.session() as s:
        user_id = s.scalar(select(User.id).where(User.username == "supervisor1"))
        assert s.get(CountyMember, user_id).county_code == YANGCHENG
        assert s.scalar(select(AuditEvent.actor).where(AuditEvent.action == "bind_county")) == "admin1"
    refused = cli("bind", "clerk1", YANGCHENG)
    assert refused.exit_code != 0 and "不是县级角色" in refused.output
    assert "没有代码为 999999 的县" in cli("bind", "reviewer1", "999999").output
    assert "没有账号" in cli("bind", "nobody", YANGCHENG).output
    listing = cli("list").output
    assert "140521  沁水县  乡镇 12  县级账号 0" in listing and "140522  阳城县  乡镇 0  县级账号 1" in listing
