"""Every API error is JSON with a code and a Chinese message, and API task endpoints keep the pages' four eyes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts import services
from app.accounts.models import AccountRequest
from app.accounts.policy import OWN_ACCOUNT, OWN_REQUEST
from app.auth.models import User
from engine.models import InboxTask
from tests.api.support import bearer, identify, make_api_app, register_kiosk, staff_token
from tests.app.test_accounts_web import FREEZE, NEW
from tests.web import logged_in

CHINESE = re.compile(r"[\u4e00-\u9fff]")
APPROVE = {"account_decision": "approve", "account_opinion": "同意。"}


@pytest.fixture
def web(engine, store, clock):
    return make_api_app(store, clock, MAX_CONTENT_LENGTH=4096)


@pytest.fixture
def client(web):
    return web.test_client()


def is_json_error(response, status: int, code: str | None = None) -> dict:
    assert (response.status_code, response.mimetype) == (status, "application/json"), response.get_data(True)
    body = response.get_json()
    assert set(body) >= {"code", "message"} and CHINESE.search(body["message"]), body
    if code:
        assert body["code"] == code, body
    return body


def test_each_error_status_is_json_in_chinese(web, client, store, clock, engine):
    _, kiosk = register_kiosk(store, clock())
    staff = bearer(staff_token(store, clock(), "clerk1"))
    session = "/api/v1/citizen/session"
    is_json_error(client.post(session, data="not json", content_type="application/json", headers=bearer(kiosk)),
                  400, "bad_request")
    is_json_error(client.get("/api/v1/items"), 401)
    is_json_error(client.get("/api/v1/inbox", headers=bearer(kiosk)), 403)
    is_json_error(client.get("/api/v1/items/nothing", headers=staff), 404)
    is_json_error(client.delete("/api/v1/items", headers=staff), 405)
    is_json_error(client.post(session, data="number=1", content_type="text/plain", headers=bearer(kiosk)),
                  415, "unsupported_media_type")
    is_json_error(client.post(session, json={"numbr": "x"}, headers=bearer(kiosk)), 422, "invalid")
    big = client.post(session, json={"number": "1" * 8000}, headers=bearer(kiosk))
    assert "<html" not in big.get_data(as_text=True).lower()
    is_json_error(big, 413, "too_large")


def test_409_conflict_is_json(client, store, clock):
    _, raw = register_kiosk(store, clock())
    headers = bearer(raw, identify(client, raw))
    case = client.post("/api/v1/cases", json={"item_code": "3"}, headers=headers).get_json()
    task_id = case["next_step"]["task_id"]
    response = client.post(f"/api/v1/tasks/{task_id}", json={"data": {}, "lock_version": 999}, headers=headers)
    is_json_error(response, 409, "conflict")


def test_429_is_json(engine, store, clock):
    web = make_api_app(store, clock, KIOSK_RATE_LIMITS={"kiosk": {"request": (1, 60)}})
    client = web.test_client()
    _, raw = register_kiosk(store, clock())
    assert client.get("/api/v1/kiosk", headers=bearer(raw)).status_code == 200
    is_json_error(client.get("/api/v1/kiosk", headers=bearer(raw)), 429, "rate_limited")


def test_500_is_json(web, client, store, clock):
    staff = bearer(staff_token(store, clock(), "clerk1"))
    web.extensions["cuncun.catalog"] = None  # a broken deployment: the view fails on it
    is_json_error(client.get("/api/v1/items", headers=staff), 500, "server_error")


def review_task(store, instance_id: int) -> str:
    with store.session() as s:
        return s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == instance_id,
                                                        InboxTask.bpmn_id == "account_review"))


def request_status(store) -> str:
    with store.session() as s:
        return s.scalars(select(AccountRequest)).one().status


def test_api_refuses_a_reviewer_their_own_request_like_the_page(web, client, engine, store, clock):
    with store.session() as s:
        filer = s.scalar(select(User).where(User.username == "townstaff1"))
    case = services.file_request(engine, filer, NEW)
    with store.session(write=True) as s:  # the filer became a county reviewer while the request waited
        promoted = s.scalar(select(User).where(User.username == "townstaff1"))
        promoted.role, promoted.town_code = "county_reviewer", None
    task_id = review_task(store, case)
    own = bearer(staff_token(store, clock(), "townstaff1"))
    assert is_json_error(client.get(f"/api/v1/tasks/{task_id}", headers=own), 403, "four_eyes")["message"] \
        == OWN_REQUEST
    is_json_error(client.post(f"/api/v1/tasks/{task_id}", json={"data": APPROVE}, headers=own), 403, "four_eyes")
    assert logged_in(web, "townstaff1").get(f"/tasks/{task_id}").status_code == 403  # the page says the same
    assert request_status(store) == "pending" and review_task(store, case) == task_id

    other = bearer(staff_token(store, clock(), "reviewer1"))
    assert client.post(f"/api/v1/tasks/{task_id}", json={"data": APPROVE}, headers=other).status_code == 200
    assert request_status(store) == "approved"


def test_api_refuses_a_review_of_the_reviewers_own_account(client, engine, store, clock):
    with store.session() as s:
        admin = s.scalar(select(User).where(User.username == "admin1"))
    case = services.file_request(engine, admin, dict(FREEZE, account_username="reviewer1"))
    task_id = review_task(store, case)
    mine = bearer(staff_token(store, clock(), "reviewer1"))
    body = is_json_error(client.post(f"/api/v1/tasks/{task_id}", json={"data": APPROVE}, headers=mine), 403)
    assert body == {"code": "four_eyes", "message": OWN_ACCOUNT}
    with store.session() as s:
        assert s.scalar(select(User.active).where(User.username == "reviewer1"))
    assert request_status(store) == "pending"
