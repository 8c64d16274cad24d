"""Clocks: the engine asks one for "now" instead of reading the system time itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]
CHINA = ZoneInfo("Asia/Shanghai")


def system_clock() -> datetime:
    """Return the current moment, aware, in UTC."""
    return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until moved; for tests and dry runs."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward by a timedelta given as keywords."""
        self.at = self.at + timedelta(**delta)
        return self.at

    def set(self, at: datetime) -> None:
        """Jump to a moment."""
        self.at = at


def china_iso(moment: datetime) -> str:
    """Format a moment as ISO 8601 in Beijing time with an explicit +08:00 offset."""
    return moment.astimezone(CHINA).isoformat(timespec="seconds")
