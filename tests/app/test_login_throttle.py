"""Login throttling: per account and client address with backoff, per address, 429 + Retry-After, audit rows."""

from __future__ import annotations

from sqlalchemy import select

from app.auth import throttle
from app.auth.models import LoginThrottle, User
from engine.models import AuditEvent
from tests.web import login, make_app, post

ATTACKER, OFFICE = "203.0.113.9", "10.20.0.15"


def client_at(app, addr: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = addr
    return client


def audit_rows(store, action: str) -> list[AuditEvent]:
    with store.session() as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_five_failures_lock_the_account_from_that_address_with_429(engine, store, clock):
    app = make_app(store, clock)
    attacker = client_at(app, ATTACKER)
    for _ in range(4):
        response = login(attacker, "clerk1", "wrong-password")
        assert response.status_code == 200 and "用户名或密码错误" in response.get_data(as_text=True)
    response = login(attacker, "clerk1", "wrong-password")
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    assert "登录失败次数过多，请 60 秒后" in page and 'value="clerk1"' in page  # the typed username is kept
    right = login(attacker, "clerk1")  # even the right password waits, from that address
    assert right.status_code == 429 and int(right.headers["Retry-After"]) <= 60
    assert attacker.get("/points").status_code == 302
    [locked] = audit_rows(store, "login_locked")
    assert locked.actor == "clerk1" and ATTACKER in locked.detail
    assert len(audit_rows(store, "login_failed")) == 5


def test_an_outsider_cannot_lock_the_real_user_out_of_their_own_address(engine, store, clock):
    app = make_app(store, clock)
    attacker = client_at(app, ATTACKER)
    for _ in range(8):
        login(attacker, "clerk1", "wrong-password")
    assert login(attacker, "clerk1").status_code == 429
    owner = client_at(app, OFFICE)
    assert login(owner, "clerk1").status_code == 302
    assert owner.get("/points").status_code == 200
    assert login(attacker, "clerk1").status_code == 429  # the owner's login lifted nothing for the attacker


def test_the_lock_doubles_with_each_further_failure(engine, store, clock):
    app = make_app(store, clock)
    attacker = client_at(app, ATTACKER)
    for _ in range(5):
        login(attacker, "clerk1", "wrong-password")
    waits = []
    for _ in range(3):
        clock.advance(seconds=int(waits[-1] if waits else 60) + 1)
        response = login(attacker, "clerk1", "wrong-password")
        assert response.status_code == 429
        waits.append(int(response.headers["Retry-After"]))
    assert waits == [120, 240, 480]
    clock.advance(seconds=479)
    assert login(attacker, "clerk1").status_code == 429
    clock.advance(seconds=2)
    assert login(attacker, "clerk1").status_code == 302  # the lock lifted, the right password works again


def test_the_lock_is_capped_at_an_hour(engine, store, clock):
    assert throttle._lock_for(5, 5).total_seconds() == 60
    assert throttle._lock_for(40, 5).total_seconds() == 3600
    assert throttle._lock_for(4, 5) is None


def test_one_address_trying_many_accounts_is_throttled(engine, store, clock):
    app = make_app(store, clock, login_address_max_failures=6)
    attacker = client_at(app, ATTACKER)
    for name in ("clerk1", "clerk2", "democlerk", "reviewer1", "nobody1"):
        assert login(attacker, name, "wrong-password").status_code == 200
    response = login(attacker, "nobody2", "wrong-password")
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    assert login(attacker, "admin1").status_code == 429  # any account, from that address
    assert login(client_at(app, OFFICE), "admin1").status_code == 302  # other addresses are untouched


def test_failures_are_forgotten_after_a_quiet_spell_and_after_a_success(engine, store, clock):
    app = make_app(store, clock)
    client = client_at(app, OFFICE)
    for _ in range(4):
        login(client, "clerk1", "wrong-password")
    clock.advance(minutes=15, seconds=1)
    for _ in range(4):
        assert login(client, "clerk1", "wrong-password").status_code == 200
    assert login(client, "clerk1").status_code == 302
    other = client_at(app, OFFICE)
    for _ in range(4):
        assert login(other, "clerk1", "wrong-password").status_code == 200  # the success reset the count


def test_counters_are_shared_by_every_worker(engine, store, clock):
    first, second = make_app(store, clock), make_app(store, clock)  # two workers on one database
    for _ in range(3):
        login(client_at(first, ATTACKER), "clerk2", "wrong-password")
    for _ in range(2):
        login(client_at(second, ATTACKER), "clerk2", "wrong-password")
    assert login(client_at(first, ATTACKER), "clerk2").status_code == 429
    with store.session() as s:
        row = s.get(LoginThrottle, throttle.account_key("clerk2", ATTACKER))
        assert row.failures == 5 and row.locked_until is not None


def test_unknown_usernames_are_throttled_alike_and_audited(engine, store, clock):
    app = make_app(store, clock)
    attacker = client_at(app, ATTACKER)
    for _ in range(4):
        assert "用户名或密码错误" in login(attacker, "nobody", "x").get_data(as_text=True)
    assert login(attacker, "nobody", "x").status_code == 429
    assert {r.actor for r in audit_rows(store, "login_failed")} == {"nobody"}


def test_unlocking_an_account_forgets_its_counts_from_every_address(engine, store, clock):
    app = make_app(store, clock)
    attacker = client_at(app, ATTACKER)
    for _ in range(5):
        login(attacker, "clerk1", "wrong-password")
    with store.session() as s:
        user = s.scalar(select(User).where(User.username == "clerk1"))
        assert user.locked_until is not None and user.failed_logins == 5  # shown in the staff ledger
    with store.session(write=True) as s:
        throttle.forget_account(s, "clerk1")
    assert login(attacker, "clerk1").status_code == 302


def test_login_and_logout_are_audited_with_the_client_address(engine, store, clock):
    app = make_app(store, clock)
    client = client_at(app, OFFICE)
    login(client, "clerk1")
    post(client, "/logout", {}, "/password")
    [entered], [left] = audit_rows(store, "login"), audit_rows(store, "logout")
    assert entered.actor == left.actor == "clerk1" and OFFICE in entered.detail and OFFICE in left.detail
