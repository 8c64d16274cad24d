"""The landing redirect, the overview and the health check, from the real database."""

from __future__ import annotations

import pytest

from app.demo import seed_demo
from tests.factories import CATALOG
from tests.web import login, make_app


@pytest.fixture
def client(engine, store, clock):
    return make_app(store, clock).test_client()


def test_root_sends_to_login_or_inbox(client):
    assert client.get("/").headers["Location"] == "/login"
    login(client, "clerk1")
    assert client.get("/").headers["Location"] == "/inbox"


def test_overview_lists_processes_and_counts(client, engine):
    seed_demo(engine, CATALOG)
    login(client, "supervisor1")
    page = client.get("/overview").get_data(as_text=True)
    assert "失业登记" in page and "10个工作日" in page
    assert "办理中案件 <strong>3</strong>" in page
    assert "140521" not in page  # counts only, no personal data


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_demo_is_idempotent(engine):
    assert seed_demo(engine, CATALOG) == seed_demo(engine, CATALOG)
