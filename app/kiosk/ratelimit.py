"""Fixed-window rate limits per kiosk (or per staff token), counted in the database.

Why the database and not memory: the web runs as several gunicorn workers, on several hosts with
PostgreSQL. A counter in each worker's memory would let a kiosk make the limit times the number of
workers and would forget everything on a restart; one row per subject, bucket and window is shared by all
of them. The cost is one small UPDATE per request, which the kiosks' traffic (one citizen at a time)
easily affords. The window is fixed (not sliding) because one row per window is all a counter then needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.kiosk.models import RateWindow


@dataclass(frozen=True)
class Limit:
    """At most `count` requests per `seconds`-long window."""

    count: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    """Whether a request is allowed, and how long to wait when it is not."""

    allowed: bool
    count: int
    retry_after: int


def hit(session: Session, subject: str, bucket: str, limit: Limit, now: datetime) -> Verdict:
    """Count one request of `subject` in `bucket`'s current window and judge it against the limit."""
    moment = now.timestamp()
    start = int(moment // limit.seconds * limit.seconds)
    key = (RateWindow.subject == subject, RateWindow.bucket == bucket, RateWindow.window_start == start)
    bumped = session.execute(update(RateWindow).where(*key).values(count=RateWindow.count + 1)).rowcount
    if not bumped:
        # A new window: forget the subject's old ones so the table stays one row per subject and bucket.
        session.execute(delete(RateWindow).where(RateWindow.subject == subject, RateWindow.bucket == bucket,
                                                 RateWindow.window_start < start))
        try:
            with session.begin_nested():
                session.add(RateWindow(subject=subject, bucket=bucket, window_start=start, count=1))
        except IntegrityError:  # another worker opened the window first
            session.execute(update(RateWindow).where(*key).values(count=RateWindow.count + 1))
    count = session.scalar(select(RateWindow.count).where(*key)) or 1
    retry = max(1, math.ceil(start + limit.seconds - moment))
    return Verdict(count <= limit.count, count, retry)
