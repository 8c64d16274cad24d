"""Server-side login sessions: logout revokes, idle timeout, absolute lifetime, cookie flags, kiosk cookie."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.auth.models import LoginSession, User
from app.auth.seed import DEMO_PASSWORD
from app.auth.services import end_sessions
from engine.models import AuditEvent
from engine.settings import Settings
from tests.api.support import register_kiosk
from tests.web import logged_in, login, make_app, post, token


def rows(store, username: str) -> list[LoginSession]:
    with store.session() as s:
        user_id = s.scalar(select(User.id).where(User.username == username))
        return s.scalars(select(LoginSession).where(LoginSession.user_id == user_id)
                         .order_by(LoginSession.created_at)).all()


def copy_cookie(source, target) -> None:
    """Give `target` the session cookie `source` holds, as an attacker replaying a stolen cookie would."""
    target.set_cookie("session", source.get_cookie("session").value)


def actions(store) -> list[str]:
    with store.session() as s:
        return s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_login_records_a_session_row_with_the_client_address(engine, store, clock):
    app = make_app(store, clock)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert login(client, "clerk1").status_code == 302
    [row] = rows(store, "clerk1")
    assert (row.client_addr, row.revoked_at, len(row.id) >= 40) == ("10.1.2.3", None, True)
    assert row.created_at == row.last_seen_at == clock()


def test_logout_revokes_the_session_so_a_copied_cookie_is_refused(engine, store, clock):
    app = make_app(store, clock)
    client, thief = logged_in(app, "clerk1"), app.test_client()
    copy_cookie(client, thief)
    assert thief.get("/points").status_code == 200  # the copy works while the session lives
    assert post(client, "/logout", {}, "/password").status_code == 302
    response = thief.get("/points")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "登录已失效" in thief.get(response.headers["Location"]).get_data(as_text=True)
    [row] = rows(store, "clerk1")
    assert row.revoked_at == clock() and row.revoked_reason == "logout"
    assert "logout" in actions(store)


def test_idle_timeout_logs_out_with_a_chinese_message(engine, store, clock):
    app = make_app(store, clock)
    client = logged_in(app, "clerk1")
    clock.advance(minutes=29)
    assert client.get("/points").status_code == 200  # still inside 30 minutes, and this use is noted
    clock.advance(minutes=29)
    assert client.get("/points").status_code == 200
    clock.advance(minutes=30, seconds=1)
    response = client.get("/points")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/points"
    assert "登录已超时，请重新登录" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert rows(store, "clerk1")[0].revoked_reason == "idle" and "session_idle" in actions(store)
    assert client.get("/points").status_code == 302  # logged out for good, not only for one request


def test_idle_timeout_is_a_setting(engine, store, clock):
    app = make_app(store, clock, session_idle_minutes=5)
    client = logged_in(app, "clerk1")
    clock.advance(minutes=5, seconds=1)
    assert client.get("/points").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(engine, store, clock):
    app = make_app(store, clock)
    client = logged_in(app, "clerk1")
    start = clock()
    clock.advance(seconds=30)
    client.get("/points")
    assert rows(store, "clerk1")[0].last_seen_at == start
    clock.advance(seconds=31)
    client.get("/points")
    assert rows(store, "clerk1")[0].last_seen_at == clock()


def test_absolute_lifetime_ends_even_a_busy_session(engine, store, clock):
    app = make_app(store, clock, session_max_hours=2)
    client = logged_in(app, "clerk1")
    for _ in range(6):  # busy every 20 minutes for 2 hours: never idle
        clock.advance(minutes=20)
        assert client.get("/points").status_code == 200
    clock.advance(seconds=1)
    response = client.get("/points")
    assert response.status_code == 302
    assert "登录时间已超过上限" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert rows(store, "clerk1")[0].revoked_reason == "expired" and "session_expired" in actions(store)
    assert login(client, "clerk1").status_code == 302 and client.get("/points").status_code == 200


def test_password_change_revokes_the_users_other_sessions(engine, store, clock):
    app = make_app(store, clock)
    here, there = logged_in(app, "reviewer1"), logged_in(app, "reviewer1")
    response = post(here, "/password", {"current": DEMO_PASSWORD, "new": "Newer#2026x", "confirm": "Newer#2026x"})
    assert response.status_code == 302
    assert here.get("/points").status_code == 200 and there.get("/points").status_code == 302
    kept, ended = sorted(rows(store, "reviewer1"), key=lambda r: r.revoked_at is not None)
    assert kept.revoked_at is None and ended.revoked_reason == "password"


def test_ending_a_users_sessions_revokes_every_row(engine, store, clock):
    app = make_app(store, clock)
    first, second = logged_in(app, "clerk2"), logged_in(app, "clerk2")
    with store.session(write=True) as s:
        end_sessions(s, s.scalar(select(User.id).where(User.username == "clerk2")), actor="admin1", now=clock(),
                     reason="disabled")
    assert first.get("/points").status_code == second.get("/points").status_code == 302
    assert {r.revoked_reason for r in rows(store, "clerk2")} == {"disabled"}


def test_session_cookie_is_lax_and_httponly_and_secure_only_when_set(engine, store, clock):
    client = make_app(store, clock).test_client()
    cookie = login(client, "clerk1").headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie
    secure = make_app(store, clock, cookie_secure=True)
    assert secure.config["REMEMBER_COOKIE_SECURE"] and secure.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    client = secure.test_client()
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"},
                           data={"username": "clerk1", "password": DEMO_PASSWORD, "csrf_token": csrf})
    assert response.status_code == 302
    assert "; Secure" in response.headers["Set-Cookie"]


def test_security_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CUNCUN_COOKIE_SECURE", "1")
    monkeypatch.setenv("CUNCUN_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("CUNCUN_SESSION_MAX_HOURS", "8")
    monkeypatch.setenv("CUNCUN_KIOSK_COOKIE_DAYS", "7")
    settings = Settings.from_env()
    assert (settings.cookie_secure, settings.session_idle_minutes, settings.session_max_hours,
            settings.kiosk_cookie_days) == (True, 15, 8, 7)
    monkeypatch.setenv("CUNCUN_COOKIE_SECURE", "maybe")
    try:
        Settings.from_env()
    except ValueError as exc:
        assert "CUNCUN_COOKIE_SECURE" in str(exc)
    else:
        raise AssertionError("a bad CUNCUN_COOKIE_SECURE must stop the start")


def test_kiosk_cookie_lifetime_is_bounded_by_the_setting(engine, store, clock):
    app = make_app(store, clock, kiosk_cookie_days=7)
    client = app.test_client()
    _, raw = register_kiosk(store, clock(), point="LG-V01", name="龙港镇第01村自助机")
    response = client.post("/kiosk/enroll", data={"token": raw, "csrf_token": token(client, "/kiosk/enroll")})
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("cuncun_kiosk") or raw in v)
    assert f"Max-Age={7 * 86400}" in cookie and "Expires=" in cookie and "HttpOnly" in cookie
