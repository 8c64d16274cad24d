"""`cuncun kiosk`: register (token printed once), list (never the token), revoke, rotate, staff API tokens."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.auth.seed import seed_demo_users
from app.cli import kiosk_cmds
from app.kiosk import services
from app.kiosk.models import ApiToken, Kiosk
from engine.models import AuditEvent


@pytest.fixture
def cli(store, clock, monkeypatch):
    with store.session(write=True) as s:
        seed_demo_users(s, clock())
    monkeypatch.setattr(kiosk_cmds, "get_store", lambda: store)
    return lambda *args: CliRunner().invoke(kiosk_cmds.kiosk, list(args))


def printed_token(output: str, prefix: str) -> str:
    return re.search(rf"({prefix}[A-Za-z0-9_-]{{40,}})", output).group(1)


def test_register_prints_a_working_token_once_and_list_never_shows_it(cli, store, clock):
    result = cli("register", "LG-V01", "--name", "龙港镇第01村自助机1号", "--actor", "admin1")
    assert result.exit_code == 0, result.output
    token = printed_token(result.output, "ck_")
    assert "只显示这一次" in result.output
    with store.session() as s:
        assert services.authenticate(s, token, clock()).point_code == "LG-V01"
        assert s.scalar(select(AuditEvent.actor).where(AuditEvent.action == "kiosk_registered")) == "admin1"
    listing = cli("list").output
    assert "龙港镇第01村自助机1号" in listing and "LG-V01" in listing and "在用" in listing
    assert token not in listing and token[:10] in listing


def test_register_refuses_an_unknown_point(cli):
    result = cli("register", "NOWHERE")
    assert result.exit_code != 0 and "没有编码为 NOWHERE 的服务网点" in result.output


def test_revoke_and_rotate(cli, store, clock):
    token = printed_token(cli("register", "LG-V01").output, "ck_")
    with store.session() as s:
        kiosk_id = s.scalar(select(Kiosk.id))
    rotated = printed_token(cli("rotate", str(kiosk_id)).output, "ck_")
    with store.session(write=True) as s:
        with pytest.raises(services.TokenRefused):
            services.authenticate(s, token, clock())
        assert services.authenticate(s, rotated, clock()).kiosk_id == kiosk_id
    assert cli("revoke", str(kiosk_id)).exit_code == 0
    with store.session(write=True) as s:
        with pytest.raises(services.TokenRefused) as refused:
            services.authenticate(s, rotated, clock())
    assert refused.value.code == "token_revoked"
    assert "已停用" in cli("list").output
    assert cli("rotate", str(kiosk_id)).exit_code != 0


def test_staff_api_token_issue_and_revoke(cli, store, clock):
    result = cli("api-token", "clerk1", "--label", "县人社局对接")
    assert result.exit_code == 0, result.output
    token = printed_token(result.output, "cs_")
    with store.session() as s:
        assert services.authenticate(s, token, clock()).user.username == "clerk1"
        token_id = s.scalar(select(ApiToken.id).where(ApiToken.kind == "staff"))
    assert "县人社局对接" in cli("list").output
    assert cli("revoke-token", str(token_id)).exit_code == 0
    with store.session() as s:
        with pytest.raises(services.TokenRefused):
            services.authenticate(s, token, clock())
    assert cli("api-token", "nobody").exit_code != 0
