"""Hand out the current working-day calendar, rebuilt when an admin loads a year."""

from __future__ import annotations

import threading
from datetime import time

from sqlalchemy import func, select

from engine.calendar.schedule_store import loaded_years
from engine.calendar.working import WorkingCalendar
from engine.models import CalendarYear
from engine.store import Store


class CalendarService:
    """Cache the calendar; one tiny query per use tells whether a year was loaded since."""

    def __init__(self, store: Store, close_of_business: time = time(17, 30)) -> None:
        self.store = store
        self.close_of_business = close_of_business
        self._lock = threading.Lock()
        self._revision: tuple | None = None
        self._calendar: WorkingCalendar | None = None

    def current(self) -> WorkingCalendar:
        """Return the calendar reflecting every loaded year."""
        with self.store.session() as session:
            revision = tuple(session.execute(
                select(func.count(CalendarYear.year), func.max(CalendarYear.loaded_at))
            ).one())
            with self._lock:
                if self._calendar is None or revision != self._revision:
                    self._calendar = WorkingCalendar(loaded_years(session), self.close_of_business)
                    self._revision = revision
                return self._calendar
