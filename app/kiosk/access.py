"""Admit a request from a kiosk or a staff token: who it is, its rate limit, and the citizen it serves.

The kiosk pages (device token in a cookie, citizen token in the session) and the JSON API (both as
headers) admit requests the same way, in one short write transaction.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from app.kiosk import citizens, ratelimit, services
from app.kiosk.citizens import Citizen
from app.kiosk.ratelimit import Limit, Verdict
from app.kiosk.services import Principal
from engine.store import Store

# Requests per window. A kiosk serves one person at a time, so 120 a minute is far above a real citizen's
# pace; identifying is limited harder, so nobody can try ID numbers at a kiosk to find who has records.
DEFAULT_LIMITS = {
    "kiosk": {"request": Limit(120, 60), "identify": Limit(10, 60)},
    "staff": {"request": Limit(600, 60)},
}
DEFAULT_IDLE_SECONDS = 60


@dataclass(frozen=True)
class Admission:
    """An admitted caller, the citizen their kiosk serves (if any), and the rate-limit verdict."""

    principal: Principal
    citizen: Citizen | None
    verdict: Verdict


def limits(config: Mapping, kind: str) -> dict[str, Limit]:
    """Return the rate limits of a kind of caller, from app config KIOSK_RATE_LIMITS or the defaults."""
    configured = (config.get("KIOSK_RATE_LIMITS") or {}).get(kind, {})
    merged = {**DEFAULT_LIMITS[kind], **configured}
    return {bucket: value if isinstance(value, Limit) else Limit(*value) for bucket, value in merged.items()}


def idle_seconds(config: Mapping) -> int:
    """Return how long a kiosk may sit untouched before it forgets the citizen.

    App config KIOSK_IDLE_SECONDS (tests), else the environment's CUNCUN_KIOSK_IDLE_SECONDS, else 60.
    """
    value = config.get("KIOSK_IDLE_SECONDS") or os.environ.get("CUNCUN_KIOSK_IDLE_SECONDS") or DEFAULT_IDLE_SECONDS
    return max(5, int(value))


def admit(store: Store, now: datetime, config: Mapping, token: str | None, citizen_token: str | None,
          bucket: str = "request") -> Admission:
    """Authenticate, count the request and find the citizen; raise services.TokenRefused when not admitted."""
    with store.session(write=True) as session:
        principal = services.authenticate(session, token or "", now)
        kinds = limits(config, principal.kind)
        verdict = ratelimit.hit(session, principal.subject, "request", kinds["request"], now)
        if verdict.allowed and bucket != "request" and bucket in kinds:
            verdict = ratelimit.hit(session, principal.subject, bucket, kinds[bucket], now)
        citizen = None
        if principal.is_kiosk and citizen_token:
            citizen = citizens.current(session, principal.kiosk_id, citizen_token, now, idle_seconds(config))
    return Admission(principal, citizen, verdict)
