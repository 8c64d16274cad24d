"""Password policy (GB/T 22239-2019 level 3 practice): length, classes, username, history, expiry, admin-set."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.services import generate_password
from app.auth.models import PasswordHistory, User
from app.auth.passwords import PasswordRules, password_problem, policy_problems
from app.auth.seed import DEMO_PASSWORD
from engine.settings import Settings
from tests.web import logged_in, login, make_app, post

RULES = PasswordRules()


def change(client, current: str, new: str, confirm: str | None = None):
    return post(client, "/password", {"current": current, "new": new, "confirm": confirm or new})


def test_a_compliant_password_passes():
    assert policy_problems("Qinshui#88", username="clerk1", rules=RULES) == []
    assert policy_problems("qinshui#2026", username="clerk1", rules=RULES) == []  # 3 of 4 classes is enough
    assert policy_problems(DEMO_PASSWORD, username="admin1", rules=RULES) == []


def test_every_missing_rule_is_named_in_chinese():
    problems = policy_problems("clerk1", username="clerk1", rules=RULES)
    assert problems == ["长度至少 8 位（现为 6 位）",
                        "须包含大写字母、小写字母、数字、特殊符号中至少 3 类（现有 2 类，可加入：大写字母、特殊符号）",
                        "不能包含用户名"]
    message = password_problem("abcdefgh", "abcdefgh", username="clerk1", rules=RULES)
    assert message.startswith("新密码不符合要求：") and "可加入：大写字母、数字、特殊符号" in message
    assert password_problem("Qinshui#88", "Qinshui#89", username="clerk1", rules=RULES) == "两次输入的新密码不一致。"


def test_username_is_refused_in_any_case_and_position():
    assert "不能包含用户名" in policy_problems("My-CLERK1-pass", username="clerk1", rules=RULES)


def test_minimum_length_is_a_setting_but_never_below_8():
    longer, floor = PasswordRules(min_length=12), PasswordRules(min_length=4)
    assert policy_problems("Qinshui#88", username="u", rules=longer)[0].startswith("长度至少 12 位")
    assert policy_problems("Ab1#", username="u", rules=floor)[0].startswith("长度至少 8 位")


def test_password_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CUNCUN_PASSWORD_MIN_LENGTH", "10")
    monkeypatch.setenv("CUNCUN_PASSWORD_HISTORY", "3")
    monkeypatch.setenv("CUNCUN_PASSWORD_MAX_AGE_DAYS", "0")
    assert PasswordRules.from_settings(Settings.from_env()) == PasswordRules(10, 3, 0)
    monkeypatch.setenv("CUNCUN_PASSWORD_MIN_LENGTH", "6")
    with pytest.raises(ValueError, match="CUNCUN_PASSWORD_MIN_LENGTH"):
        Settings.from_env()


def test_change_password_page_lists_what_is_missing(engine, store, clock):
    client = logged_in(make_app(store, clock), "clerk1")
    page = client.get("/password").get_data(as_text=True)
    assert "至少 8 位，须包含大写字母、小写字母、数字、特殊符号中至少 3 类" in page and "最近 5 次" in page
    response = change(client, DEMO_PASSWORD, "clerk1abc")
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "不能包含用户名" in text and "可加入：大写字母、特殊符号" in text
    assert "当前密码不正确" in change(client, "wrong", "Qinshui#88").get_data(as_text=True)
    assert change(client, DEMO_PASSWORD, "Qinshui#88").status_code == 302


def test_the_last_five_passwords_cannot_come_back(engine, store, clock):
    client = logged_in(make_app(store, clock), "reviewer1")
    used = [DEMO_PASSWORD]
    for n in range(1, 5):
        new = f"Qinshui#{n}0"
        assert change(client, used[-1], new).status_code == 302
        used.append(new)
    for old in used:  # the current one and the four before it
        page = change(client, used[-1], old).get_data(as_text=True)
        assert "不能与当前密码或最近 5 次使用过的密码相同" in page
    assert change(client, used[-1], "Qinshui#50").status_code == 302
    used.append("Qinshui#50")
    assert change(client, used[-1], DEMO_PASSWORD).status_code == 302  # six passwords ago: allowed again
    with store.session() as s:
        user_id = s.scalar(select(User.id).where(User.username == "reviewer1"))
        hashes = s.scalars(select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user_id)).all()
    assert len(hashes) == 7 and all(h.startswith("scrypt:") for h in hashes)  # hashes only, never the text


def test_history_length_is_a_setting(engine, store, clock):
    client = logged_in(make_app(store, clock, password_history=1), "clerk2")
    assert change(client, DEMO_PASSWORD, "Qinshui#88").status_code == 302
    assert "最近 1 次" in change(client, "Qinshui#88", "Qinshui#88").get_data(as_text=True)
    assert change(client, "Qinshui#88", DEMO_PASSWORD).status_code == 302


def test_an_expired_password_must_be_changed_before_anything_else(engine, store, clock):
    app = make_app(store, clock)
    clock.advance(days=90, minutes=1)
    client = app.test_client()
    assert login(client, "clerk1").headers["Location"] == "/password"
    assert client.get("/points").headers["Location"] == "/password"
    assert client.get("/inbox").headers["Location"] == "/password"
    assert "密码已超过 90 天未修改" in client.get("/password").get_data(as_text=True)
    assert change(client, DEMO_PASSWORD, "Qinshui#88").headers["Location"] == "/"
    assert client.get("/points").status_code == 200
    with store.session() as s:
        assert s.scalar(select(User.password_changed_at).where(User.username == "clerk1")) == clock()


def test_expiry_is_a_setting_and_zero_turns_it_off(engine, store, clock):
    app = make_app(store, clock, password_max_age_days=0)
    clock.advance(days=3650)
    assert login(app.test_client(), "clerk1").headers["Location"] == "/"
    short = make_app(store, clock, password_max_age_days=30)
    clock.advance(days=31)  # the accounts were seeded (password set) 3650 days ago anyway
    assert login(short.test_client(), "clerk2").headers["Location"] == "/password"


def test_demo_users_are_not_forced_to_change_at_first_login(engine, store, clock):
    app = make_app(store, clock)
    with store.session() as s:
        assert all(u.password_changed_at == clock() and not u.must_change_password
                   for u in s.scalars(select(User)))
    assert login(app.test_client(), "admin1").headers["Location"] == "/"


@pytest.mark.parametrize("rules", [PasswordRules(), PasswordRules(min_length=16)])
def test_administrator_issued_passwords_meet_the_policy(rules):
    for _ in range(50):
        password = generate_password("clerk9", rules)
        assert policy_problems(password, username="clerk9", rules=rules) == []
        assert len(password) >= rules.min_length
