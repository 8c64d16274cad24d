"""Shared fixtures: a real database (SQLite file, or PostgreSQL when DATABASE_URL is set), a frozen clock."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

import app.models  # noqa: F401 - every table on Base.metadata
from app.bootstrap import service_registry
from engine.clock import CHINA, FrozenClock
from engine.forms import FormRegistry
from engine.models import Base
from engine.runtime import Engine
from engine.schema import upgrade
from engine.script_env import RESERVED_NAMES
from engine.settings import ROOT
from engine.store import Store

DATA = Path(__file__).parent / "data"
PROCESSES = ROOT / "processes"
FORMS = ROOT / "forms"


def _reset_postgres(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Return the test database URL; the schema is built once, through Alembic."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    store = Store(url)
    if store.is_postgres:
        _reset_postgres(store)
    upgrade(store)  # the migrations build every table (tests/engine/test_migrations.py checks they match)
    store.dispose()
    return store.url


@pytest.fixture
def store(database_url) -> Store:
    """Yield a store on the test database; every table is emptied after the test."""
    store = Store(database_url)
    yield store
    with store.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    store.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    """A clock frozen on Monday 2026-11-23 10:00 Beijing time."""
    return FrozenClock(datetime(2026, 11, 23, 10, 0, tzinfo=CHINA))


@pytest.fixture
def engine(store, clock) -> Engine:
    """An engine with the project's processes and forms deployed."""
    engine = Engine(store, clock=clock, forms=FormRegistry(FORMS, reserved=RESERVED_NAMES),
                    services=service_registry())
    engine.deploy_directory(PROCESSES, actor="test")
    return engine
