"""The landing page and health check render from the real database."""

from __future__ import annotations

import pytest

from app import create_app
from app.catalog import load_catalog
from app.demo import seed_demo
from engine.settings import Settings
from tests.conftest import PROCESSES

CATALOG = load_catalog(PROCESSES / "catalog.toml")


@pytest.fixture
def client(engine, store, clock):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "STORE": store, "CLOCK": clock,
                      "SETTINGS": Settings(database_url=store.url)})
    return app.test_client()


def test_home_lists_processes_and_counts(client, engine):
    seed_demo(engine, CATALOG)
    page = client.get("/").get_data(as_text=True)
    assert "失业登记" in page and "10个工作日" in page
    assert "办理中案件 <strong>3</strong>" in page
    assert "140521" not in page  # no personal data on a page without login


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_demo_is_idempotent(engine):
    assert seed_demo(engine, CATALOG) == seed_demo(engine, CATALOG)
