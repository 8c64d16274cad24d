"""The Alembic migrations build exactly the schema the models declare, on a database of their own."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import app.models  # noqa: F401 - every table on Base.metadata
from engine.models import Base
from engine.schema import upgrade
from engine.store import Store


def test_migrations_match_the_models(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'migrated.db'}")
    upgrade(store)
    upgrade(store)  # idempotent
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    store.dispose()
    assert diff == [], "models and migrations differ; generate a migration:\n" + "\n".join(map(str, diff))
