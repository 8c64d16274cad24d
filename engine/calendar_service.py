"""Hand out the current working-day calendar, rebuilt when an admin loads a year."""

from __future__ import annotations

import threading
import time as time_module
from datetime import time

from sqlalchemy import func, select

from engine.calendar.schedule_store import loaded_years
from engine.calendar.working import WorkingCalendar
from engine.models import CalendarYear
from engine.store import Store


class CalendarService:
    """Cache the calendar; every few seconds one tiny query tells whether a year was loaded since."""

    def __init__(self, store: Store, close_of_business: time = time(17, 30), recheck_seconds: float = 5.0) -> None:
        self.store = store
        self.close_of_business = close_of_business
        self.recheck_seconds = recheck_seconds
        self._lock = threading.Lock()
        self._revision: tuple | None = None
        self._calendar: WorkingCalendar | None = None
        self._checked = float("-inf")

    def invalidate(self) -> None:
        """Re-read the loaded years at the next use (this process just loaded one)."""
        self._checked = float("-inf")

    def current(self) -> WorkingCalendar:
        """Return the calendar reflecting every loaded year (another process's load shows within seconds)."""
        if self._calendar is not None and time_module.monotonic() - self._checked < self.recheck_seconds:
            return self._calendar
        self._checked = time_module.monotonic()
        with self.store.session() as session:
            revision = tuple(session.execute(
                select(func.count(CalendarYear.year), func.max(CalendarYear.loaded_at))
            ).one())
            with self._lock:
                if self._calendar is None or revision != self._revision:
                    self._calendar = WorkingCalendar(loaded_years(session), self.close_of_business)
                    self._revision = revision
                return self._calendar
