"""Account requests with two counties: a county-level request (no town) belongs to its filer's county, whose
reviewers alone see and decide it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts.models import AccountRequest
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.seed import DEMO_PASSWORD
from app.auth.services import create_user
from app.org.counties import bind_member
from app.org.models import HOME_COUNTY, County, Town
from engine.models import InboxTask, ProcessInstance
from tests.web import logged_in, post, token

QINSHUI, YANGCHENG = HOME_COUNTY[0], "140522"
FREEZE = {"request_kind": "freeze", "system_name": "沁水县就业社保服务信息系统", "request_reason": "人员调离",
          "contact_person": "联系人", "contact_phone": "13935600013"}
APPROVE = {"account_decision": "approve", "account_opinion": "同意。"}


@pytest.fixture
def two(web, store, clock):
    """Qinshui and 阳城县, each with its own admin, reviewer and supervisor bound to it."""
    with store.session(write=True) as s:
        s.add(County(code=YANGCHENG, name="阳城县", ordinal=2))
        s.flush()
        s.add(Town(code="FC", name="凤城镇", county_code=YANGCHENG, ordinal=1))
        s.flush()
        for name, role in (("yc_admin", "admin"), ("yc_reviewer", "county_reviewer"),
                           ("yc_supervisor", "supervisor")):
            user = create_user(s, username=name, display_name=name, password_hash=hash_password(DEMO_PASSWORD),
                               role=role, now=clock(), must_change_password=False)
            s.flush()
            bind_member(s, user.id, YANGCHENG)
        for name in ("reviewer1", "supervisor1", "admin1"):
            bind_member(s, s.scalar(select(User.id).where(User.username == name)), QINSHUI)
    return web


def file(client, **fields) -> int:
    page = client.get("/accounts/requests/new").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    response = client.post("/accounts/requests/new", data={**fields, "request_key": key,
                                                            "csrf_token": token(client, "/accounts/requests/new")})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def review_task(store, case_id) -> InboxTask | None:
    with store.session() as s:
        return s.scalar(select(InboxTask).where(InboxTask.instance_id == case_id,
                                                InboxTask.bpmn_id == "account_review"))


def test_a_county_level_request_is_its_filers_countys_alone(two, store):
    case_id = file(logged_in(two, "yc_admin"), **dict(FREEZE, account_username="yc_supervisor"))
    task = review_task(store, case_id)
    with store.session() as s:
        row, case = s.get(AccountRequest, case_id), s.get(ProcessInstance, case_id)
        assert (row.town_code, row.county_code) == (None, YANGCHENG)
        assert (case.town_code, case.county_code) == (None, YANGCHENG)
    assert (task.town_code, task.county_code) == (None, YANGCHENG)
    url, sheet = f"/tasks/{task.task_id}", f"/accounts/requests/{case_id}"

    other = logged_in(two, "reviewer1")
    assert url not in other.get("/inbox").get_data(as_text=True)
    assert other.get(url).status_code == 403
    assert other.get(sheet).status_code == 403
    assert sheet not in other.get("/accounts/requests").get_data(as_text=True)
    assert logged_in(two, "supervisor1").get(f"/cases/{case_id}").status_code == 403

    own = logged_in(two, "yc_reviewer")
    assert url in own.get("/inbox").get_data(as_text=True)
    assert own.get(sheet).status_code == 200
    assert sheet in own.get("/accounts/requests").get_data(as_text=True)
    assert logged_in(two, "yc_supervisor").get(f"/cases/{case_id}").status_code == 200
    assert post(own, url, APPROVE).status_code == 302
    with store.session() as s:
        assert s.get(AccountRequest, case_id).status == "approved"
        assert not s.scalar(select(User).where(User.username == "yc_supervisor")).active


def test_the_home_countys_county_level_request_stays_out_of_the_other_county(two, store):
    case_id = file(logged_in(two, "admin1"), **dict(FREEZE, account_username="analyst1"))
    task = review_task(store, case_id)
    assert (task.town_code, task.county_code) == (None, QINSHUI)
    url = f"/tasks/{task.task_id}"
    other = logged_in(two, "yc_reviewer")
    assert url not in other.get("/inbox").get_data(as_text=True)
    assert other.get(url).status_code == 403
    assert other.get(f"/accounts/requests/{case_id}").status_code == 403
    own = logged_in(two, "reviewer1")
    assert url in own.get("/inbox").get_data(as_text=True)
    assert post(own, url, APPROVE).status_code == 302
    with store.session() as s:
        assert s.get(AccountRequest, case_id).status == "approved"
