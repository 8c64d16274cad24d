"""Run a unit of work again when the database failed for a passing reason, with capped exponential backoff."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from engine.env import env_int
from engine.errors import Unavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

# SQLSTATEs worth another try: serialization failure, deadlock, lock wait timed out, server shutting down or
# terminating our backend, connection failures.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57P01", "57P02", "57P03",
                                 "08000", "08001", "08003", "08004", "08006"})
# Errors without a SQLSTATE (SQLite; a socket that died before the server could say why).
TRANSIENT_TEXT = ("database is locked", "database table is locked", "server closed the connection",
                  "terminating connection", "connection is closed", "connection refused", "consuming input failed")


def is_transient(exc: BaseException) -> bool:
    """Tell whether a database error is likely to pass if the whole unit of work runs again."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if state in TRANSIENT_SQLSTATES:
        return True
    return isinstance(exc, OperationalError) and any(t in str(exc.orig).lower() for t in TRANSIENT_TEXT)


def is_unique_violation(exc: BaseException) -> bool:
    """Tell whether an error is a duplicate key: a racing writer inserted the same row first."""
    if not isinstance(exc, DBAPIError):
        return False
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return state == "23505" or "unique constraint failed" in str(exc.orig).lower()


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to run a unit of work again."""

    attempts: int = 5
    base_seconds: float = 0.05
    max_seconds: float = 2.0

    @classmethod
    def from_env(cls) -> RetryPolicy:
        """Read CUNCUN_DB_RETRY_ATTEMPTS and CUNCUN_DB_RETRY_MAX_MS."""
        return cls(attempts=env_int("CUNCUN_DB_RETRY_ATTEMPTS", 5, 1, 20),
                   max_seconds=env_int("CUNCUN_DB_RETRY_MAX_MS", 2000, 10, 60_000) / 1000)

    def delay(self, attempt: int) -> float:
        """Return the pause after failed attempt `attempt` (1-based): full jitter, so racers spread out."""
        return random.uniform(0, min(self.max_seconds, self.base_seconds * 2 ** (attempt - 1)))


def retrying(work: Callable[[], T], policy: RetryPolicy, *, what: str = "unit of work",
             sleep: Callable[[float], None] = time.sleep) -> T:
    """Run `work`; after a transient database error run it again, up to the policy's attempts.

    `work` must open its own transaction, so each attempt starts from what is committed. When the last
    attempt fails too, raise Unavailable, which carries a message fit for users.
    """
    attempt = 1
    while True:
        try:
            return work()
        except DBAPIError as exc:
            if not is_transient(exc):
                raise
            if attempt >= policy.attempts:
                raise Unavailable("数据库暂时繁忙，请稍后重试。", f"{what} failed {attempt} times: {exc}") from exc
            log.warning("%s: transient database error (attempt %d/%d): %s", what, attempt, policy.attempts,
                        exc.orig)
            sleep(policy.delay(attempt))
            attempt += 1
