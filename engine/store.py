"""Open the database and hand out transactional sessions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from engine.env import env_int

DEFAULT_SQLITE_PATH = Path("instance") / "cuncun.db"


def database_url() -> str:
    """Return DATABASE_URL, or the embedded SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


@dataclass(frozen=True)
class DbTimeouts:
    """How long the database may make us wait; a hung client or lock must end, not hold work forever."""

    connect_seconds: int = 10
    statement_ms: int = 30_000
    lock_ms: int = 10_000
    idle_in_transaction_ms: int = 60_000
    sqlite_busy_ms: int = 30_000

    @classmethod
    def from_env(cls) -> DbTimeouts:
        """Read CUNCUN_DB_* variables (0 turns a PostgreSQL timeout off)."""
        return cls(
            connect_seconds=env_int("CUNCUN_DB_CONNECT_TIMEOUT", 10, 1, 600),
            statement_ms=env_int("CUNCUN_DB_STATEMENT_TIMEOUT_MS", 30_000, 0, 3_600_000),
            lock_ms=env_int("CUNCUN_DB_LOCK_TIMEOUT_MS", 10_000, 0, 3_600_000),
            idle_in_transaction_ms=env_int("CUNCUN_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", 60_000, 0, 3_600_000),
            sqlite_busy_ms=env_int("CUNCUN_DB_SQLITE_BUSY_TIMEOUT_MS", 30_000, 0, 600_000),
        )

    def postgres_connect_args(self) -> dict:
        """Return psycopg connect arguments that set the timeouts on every new session."""
        options = (f"-c statement_timeout={self.statement_ms} -c lock_timeout={self.lock_ms} "
                   f"-c idle_in_transaction_session_timeout={self.idle_in_transaction_ms}")
        return {"connect_timeout": self.connect_seconds, "options": options}


def _configure_sqlite(engine: Engine, busy_ms: int) -> None:
    """Use WAL, and take the write lock at BEGIN for write sessions so writers queue, not fail."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Store:
    """Own the SQLAlchemy engine; `session(write=True)` is one transaction, committed on exit."""

    def __init__(self, url: str | None = None, echo: bool = False, timeouts: DbTimeouts | None = None) -> None:
        self.url = url or database_url()
        self.timeouts = timeouts or DbTimeouts.from_env()
        kwargs: dict = {"echo": echo, "pool_pre_ping": True}  # a connection the server dropped is replaced
        if self.url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": self.timeouts.sqlite_busy_ms / 1000, "check_same_thread": False}
        elif self.url.startswith("postgresql"):
            kwargs["connect_args"] = self.timeouts.postgres_connect_args()
        self.engine = create_engine(self.url, **kwargs)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.is_postgres = self.engine.dialect.name == "postgresql"
        if self.is_sqlite:
            _configure_sqlite(self.engine, self.timeouts.sqlite_busy_ms)
            writer = self.engine.execution_options(sqlite_immediate=True)
        else:
            writer = self.engine
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """Yield a session inside one transaction; commit on success, roll back on error."""
        factory = self._write if write else self._read
        with factory() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
