"""Throttle failed logins per client address and per account tried from that address, with backoff.

Why the account is counted together with the address, not alone: a lock on the account alone would let
anyone lock out anyone by typing five wrong passwords for their username. Keyed by account and address,
an attacker's failures stop the attacker's address only; the real user logs in from their own.
Each key locks after its threshold, for a time that doubles with every further failure (capped); a key
quiet for FORGET_AFTER starts again from zero. Counters live in the database so every gunicorn worker
(and host) sees the same ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.models import LoginThrottle

BASE_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=1)
FORGET_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class ThrottleRules:
    """How many failures each kind of key allows before it locks."""

    account_failures: int = 5
    address_failures: int = 20

    @classmethod
    def from_settings(cls, settings: object) -> ThrottleRules:
        """Read the thresholds from the app's Settings."""
        return cls(settings.login_max_failures, settings.login_address_max_failures)


def address_key(addr: str) -> str:
    """Return the key counting every failure from one client address."""
    return f"addr:{addr}"


def account_key(username: str, addr: str) -> str:
    """Return the key counting failures for one username from one client address."""
    return f"acct:{addr}:{username.strip().lower()}"[:200]


def retry_after(session: Session, keys: list[str], now: datetime) -> tuple[int, datetime | None]:
    """Return the seconds until every lock among `keys` lifts (0: none) and the moment it does."""
    until = session.scalar(select(LoginThrottle.locked_until).where(
        LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now).order_by(LoginThrottle.locked_until.desc()))
    if until is None:
        return 0, None
    return max(1, math.ceil((until - now).total_seconds())), until


def _lock_for(failures: int, threshold: int) -> timedelta | None:
    """Return how long the key locks at this many failures: 1 minute at the threshold, doubling, at most 1 hour."""
    if failures < threshold:
        return None
    return min(MAX_LOCK, BASE_LOCK * 2 ** min(failures - threshold, 12))


def fail(session: Session, key: str, threshold: int, now: datetime) -> datetime | None:
    """Count one failure under `key`; return the moment its lock lifts when this failure locks it."""
    row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
    if row is None:
        try:
            with session.begin_nested():
                row = LoginThrottle(key=key, failures=0, last_failure_at=now)
                session.add(row)
        except IntegrityError:  # another worker counted the first failure at the same moment
            row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
    quiet_since = max(row.last_failure_at, row.locked_until or row.last_failure_at)
    if now - quiet_since > FORGET_AFTER:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    lock = _lock_for(row.failures, threshold)
    row.locked_until = now + lock if lock else None
    return row.locked_until


def forget(session: Session, key: str) -> None:
    """Drop a key's count (a successful login from that address)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def forget_account(session: Session, username: str) -> None:
    """Drop the account's counts from every address (an administrator unlocked or reset it)."""
    suffix = f":{username.strip().lower()}"
    session.execute(delete(LoginThrottle).where(LoginThrottle.key.startswith("acct:"),
                                                LoginThrottle.key.endswith(suffix)))
