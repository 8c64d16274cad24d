"""API authentication, revocation, rate limits and JSON errors."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.kiosk import services
from app.kiosk.models import ApiToken, RateWindow
from tests.api.support import bearer, make_api_app, register_kiosk, staff_token


@pytest.fixture
def web(engine, store, clock):
    return make_api_app(store, clock)


@pytest.fixture
def client(web):
    return web.test_client()


def test_openapi_document_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/cases/{case_id}" in document["paths"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


@pytest.mark.parametrize("headers, code", [
    ({}, "missing_token"),
    ({"Authorization": "Bearer ck_not-a-real-token"}, "invalid_token"),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, "missing_token"),
])
def test_missing_or_unknown_token_is_401_json(client, headers, code):
    response = client.get("/api/v1/items", headers=headers)
    assert response.status_code == 401
    body = response.get_json()
    assert body["code"] == code and "令牌" in body["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_kiosk_gets_401(client, store, clock):
    kiosk_id, token = register_kiosk(store, clock())
    assert client.get("/api/v1/items", headers=bearer(token)).status_code == 200
    with store.session(write=True) as s:
        services.revoke_kiosk(s, kiosk_id, actor="admin1", now=clock())
    response = client.get("/api/v1/items", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["code"] == "token_revoked"
    assert "吊销" in response.get_json()["message"]


def test_rotated_kiosk_token_replaces_the_old_one(client, store, clock):
    kiosk_id, old = register_kiosk(store, clock())
    with store.session(write=True) as s:
        new = services.rotate_kiosk_token(s, kiosk_id, actor="admin1", now=clock())
    assert client.get("/api/v1/kiosk", headers=bearer(old)).status_code == 401
    assert client.get("/api/v1/kiosk", headers=bearer(new)).get_json()["kiosk_id"] == kiosk_id


def test_revoked_staff_token_and_disabled_account_get_401(client, store, clock):
    token = staff_token(store, clock(), "clerk1")
    assert client.get("/api/v1/inbox", headers=bearer(token)).status_code == 200
    with store.session(write=True) as s:
        s.scalar(select(User).where(User.username == "clerk1")).active = False
    assert client.get("/api/v1/inbox", headers=bearer(token)).get_json()["code"] == "account_disabled"
    with store.session(write=True) as s:
        s.scalar(select(User).where(User.username == "clerk1")).active = True
        token_id = s.scalar(select(ApiToken.id).where(ApiToken.kind == "staff"))
        services.revoke_token(s, token_id, actor="admin1", now=clock())
    response = client.get("/api/v1/inbox", headers=bearer(token))
    assert (response.status_code, response.get_json()["code"]) == (401, "token_revoked")


def test_tokens_are_stored_hashed(web, store, clock):
    _, token = register_kiosk(store, clock())
    with store.session() as s:
        row = s.scalar(select(ApiToken))
    assert token not in (row.token_hash, row.prefix) and len(row.token_hash) == 64
    assert token.startswith(row.prefix)


def test_rate_limit_per_kiosk_answers_429_in_chinese_and_resets_next_window(engine, store, clock):
    web = make_api_app(store, clock, KIOSK_RATE_LIMITS={"kiosk": {"request": (3, 60)}})
    client = web.test_client()
    _, token = register_kiosk(store, clock())
    _, other = register_kiosk(store, clock(), point="ZZ-V01")
    assert [client.get("/api/v1/kiosk", headers=bearer(token)).status_code for _ in range(3)] == [200] * 3
    response = client.get("/api/v1/kiosk", headers=bearer(token))
    assert response.status_code == 429
    assert response.get_json()["code"] == "rate_limited" and "请求过于频繁" in response.get_json()["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert client.get("/api/v1/kiosk", headers=bearer(other)).status_code == 200  # per kiosk, not global
    clock.advance(seconds=60)
    assert client.get("/api/v1/kiosk", headers=bearer(token)).status_code == 200
    with store.session() as s:  # old windows are dropped, one row per kiosk and bucket remains
        assert s.scalar(select(RateWindow.count).where(RateWindow.subject.like("kiosk:%"))) is not None
        assert len(s.scalars(select(RateWindow)).all()) == 2


def test_identify_has_its_own_harder_limit(engine, store, clock):
    web = make_api_app(store, clock, KIOSK_RATE_LIMITS={"kiosk": {"identify": (2, 60)}})
    client = web.test_client()
    _, token = register_kiosk(store, clock())
    codes = [client.post("/api/v1/citizen/session", json={"number": "110105194912310021"},
                         headers=bearer(token)).status_code for _ in range(3)]
    assert codes == [422, 422, 429]
    assert client.get("/api/v1/items", headers=bearer(token)).status_code == 200


def test_unknown_path_and_wrong_method_are_json(client, store, clock):
    _, token = register_kiosk(store, clock())
    response = client.get("/api/v1/nothing/here", headers=bearer(token))
    assert (response.status_code, response.get_json()["code"]) == (404, "not_found")
    response = client.delete("/api/v1/items", headers=bearer(token))
    assert (response.status_code, response.get_json()["code"]) == (405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("path", ["/api/v1", "/api/v1/", "/api/v1/cases/%0A", "/api/v1/cases/1%0A", "/api/v1/a%0Ab"])
def test_odd_paths_still_answer_json(client, path):
    response = client.get(path)
    assert (response.status_code, response.content_type) == (404, "application/json")


def test_bad_json_body_is_400_and_bad_fields_422_in_chinese(client, store, clock):
    _, token = register_kiosk(store, clock())
    response = client.post("/api/v1/citizen/session", data="not json", headers=bearer(token),
                           content_type="application/json")
    assert (response.status_code, response.get_json()["code"]) == (400, "bad_request")
    response = client.post("/api/v1/citizen/session", json={"numbr": "x"}, headers=bearer(token))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"number": "必填", "numbr": "未知字段"}


def test_api_needs_no_csrf_token(client, store, clock):
    _, token = register_kiosk(store, clock())
    response = client.post("/api/v1/help", json={}, headers=bearer(token))
    assert response.status_code == 201
