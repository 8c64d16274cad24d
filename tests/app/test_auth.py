"""Login, lockout, session ending, forced password change and demo accounts, against the real database."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app import create_app
from app.auth.models import User
from app.auth.passwords import check_password, hash_password
from app.auth.seed import DEMO_PASSWORD, seed_demo_users
from app.auth.services import create_user, end_sessions
from engine.models import AuditEvent
from engine.settings import Settings


@pytest.fixture
def app(store, clock):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "STORE": store, "CLOCK": clock,
                      "SETTINGS": Settings(database_url=store.url)})
    with store.session(write=True) as s:
        seed_demo_users(s, clock())
    return app


def token(client, path: str = "/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def login(client, username: str, password: str = DEMO_PASSWORD, **extra):
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token(client),
                                       **extra})


def user(store, username: str) -> User:
    with store.session() as s:
        return s.scalar(select(User).where(User.username == username))


def update(store, username: str, **values) -> None:
    with store.session(write=True) as s:
        u = s.scalar(select(User).where(User.username == username))
        for key, value in values.items():
            setattr(u, key, value)


def test_login_success_then_logout(app, store):
    client = app.test_client()
    response = login(client, "clerk1")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/points").status_code == 200
    with store.session() as s:
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.actor == "clerk1")) == "login"
    assert client.post("/logout", data={"csrf_token": token(client, "/password")}).status_code == 302
    assert client.get("/points").headers["Location"].startswith("/login")


def test_login_failure_says_why_in_chinese(app):
    client = app.test_client()
    for username in ("clerk1", "nobody"):  # the same words whether the user exists or not
        page = login(client, username, "wrong-password").get_data(as_text=True)
        assert "用户名或密码错误" in page and "暂停该账号的登录" in page
    assert "请输入用户名和密码" in login(client, "clerk1", "").get_data(as_text=True)
    assert client.get("/points").status_code == 302


def test_pages_need_login_with_chinese_message(app):
    client = app.test_client()
    response = client.get("/points")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert "请先登录" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_next_stays_on_site(app):
    assert login(app.test_client(), "clerk1", next="/points").headers["Location"] == "/points"
    assert login(app.test_client(), "clerk1", next="//evil.example/x").headers["Location"] == "/"
    assert login(app.test_client(), "clerk1", next="https://evil.example/").headers["Location"] == "/"


def test_post_without_csrf_token_is_refused(app):
    client = app.test_client()
    response = client.post("/login", data={"username": "clerk1", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "安全校验码" in response.get_data(as_text=True)
    assert client.get("/points").status_code == 302  # not logged in


def test_a_success_resets_the_failure_count(app, store):
    client = app.test_client()
    for _ in range(4):
        login(client, "clerk1", "wrong-password")
    assert user(store, "clerk1").failed_logins == 4
    login(client, "clerk1")
    assert user(store, "clerk1").failed_logins == 0


def test_inactive_user_cannot_log_in(app, store):
    update(store, "clerk2", active=False)
    client = app.test_client()
    page = login(client, "clerk2").get_data(as_text=True)
    assert "账号已停用" in page and client.get("/points").status_code == 302


def test_user_made_inactive_is_logged_out_at_next_request(app, store):
    client = app.test_client()
    login(client, "clerk2")
    assert client.get("/points").status_code == 200
    update(store, "clerk2", active=False)
    assert client.get("/points").headers["Location"].startswith("/login")


def test_rotating_session_token_logs_out_every_session(app, store, clock):
    first, second = app.test_client(), app.test_client()
    login(first, "reviewer1")
    login(second, "reviewer1")
    assert first.get("/points").status_code == second.get("/points").status_code == 200
    with store.session(write=True) as s:
        end_sessions(s, user(store, "reviewer1").id, actor="admin1", now=clock())
    assert first.get("/points").status_code == second.get("/points").status_code == 302
    assert login(first, "reviewer1").status_code == 302 and first.get("/points").status_code == 200


def test_forced_password_change(app, store, clock):
    with store.session(write=True) as s:
        create_user(s, username="newclerk", display_name="新经办人", password_hash=hash_password("Start-2026"),
                    role="clerk", point_code="LG-V02", now=clock())
    other, client = app.test_client(), app.test_client()
    login(other, "newclerk", "Start-2026")
    response = login(client, "newclerk", "Start-2026")
    assert response.headers["Location"] == "/password"
    assert client.get("/points").headers["Location"] == "/password"
    assert "请先设置新密码" in client.get("/password").get_data(as_text=True)

    def change(current: str, new: str, confirm: str | None = None) -> str:
        return client.post("/password", data={"current": current, "new": new, "confirm": confirm or new,
                                              "csrf_token": token(client, "/password")})

    assert "当前密码不正确" in change("nope", "Better-2026").get_data(as_text=True)
    assert "不一致" in change("Start-2026", "Better-2026", "Better-2027").get_data(as_text=True)
    assert "长度至少 8 位" in change("Start-2026", "a1").get_data(as_text=True)
    assert "至少 3 类" in change("Start-2026", "12345678").get_data(as_text=True)
    assert change("Start-2026", "Better-2026").headers["Location"] == "/"
    assert client.get("/points").status_code == 200  # this session lives on with the new token
    assert other.get("/points").status_code == 302  # the other one ended
    assert not user(store, "newclerk").must_change_password
    assert "用户名或密码错误" in login(app.test_client(), "newclerk", "Start-2026").get_data(as_text=True)
    assert login(app.test_client(), "newclerk", "Better-2026").headers["Location"] == "/"


def test_passwords_are_hashed(app, store):
    stored = user(store, "clerk1").password_hash
    assert DEMO_PASSWORD not in stored and stored.startswith("scrypt:")
    assert check_password(stored, DEMO_PASSWORD) and not check_password(stored, DEMO_PASSWORD + "x")


def test_demo_users_cover_every_role_and_are_idempotent(app, store, clock):
    with store.session(write=True) as s:
        logins = seed_demo_users(s, clock())
    with store.session() as s:
        assert s.scalar(select(User).where(User.username == "clerk1")).point_code == "LG-V01"
        assert len(s.scalars(select(User)).all()) == len(logins)
    assert {d.role for d in logins} == {"clerk", "town_staff", "county_reviewer", "county_backbone", "supervisor",
                                        "analyst", "admin"}
    by_name = {d.username: d for d in logins}
    assert (by_name["clerk1"].point_code, by_name["clerk1"].town_code) == ("LG-V01", "LG")
    assert by_name["clerk2"].town_code != "LG" and by_name["democlerk"].point_code == "LG-D"
    assert by_name["townstaff1"].town_code == "LG" and by_name["admin1"].role_label == "系统管理员"
    assert all(not u.must_change_password for u in map(lambda d: user(store, d.username), logins))


def test_create_user_checks_the_role_binding(app, store, clock):
    with store.session(write=True) as s, pytest.raises(ValueError):
        create_user(s, username="x", display_name="x", password_hash="x", role="clerk", now=clock())
    with store.session(write=True) as s, pytest.raises(ValueError):
        create_user(s, username="y", display_name="y", password_hash="y", role="clerk", point_code="LG-V01",
                    town_code="ZZ", now=clock())
    with store.session(write=True) as s, pytest.raises(ValueError):
        create_user(s, username="z", display_name="z", password_hash="z", role="root", now=clock())
