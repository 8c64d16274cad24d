"""Create or upgrade the schema through Alembic; idempotent."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from engine.store import Store

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """Return an Alembic config for our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(store: Store) -> None:
    """Bring the database to the newest schema."""
    config = alembic_config(store.url)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
