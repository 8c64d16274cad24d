"""Functions that BPMN expressions (timers, conditions, scripts) may call.

Every helper returns JSON-friendly values; moments are ISO 8601 strings with +08:00 because Spiff
requires a string with an explicit offset in a timer's timeDate.
"""

from __future__ import annotations

import calendar as _months
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from engine.clock import CHINA, Clock, china_iso

if TYPE_CHECKING:
    from engine.calendar.working import WorkingCalendar

CalendarProvider = Callable[[], "WorkingCalendar"]

# Names that the engine puts into every case's task data at start.
CASE_CONTEXT_KEYS = (
    "accepted_at",
    "case_no",
    "item_code",
    "point_code",
    "town_code",
    "county_code",
    "channel",
    "applicant_id_number",
    "applicant_name",
)


def parse_moment(value: str | datetime) -> datetime:
    """Read an ISO 8601 moment; a value without offset is Beijing time."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


def build_helpers(calendar: CalendarProvider, clock: Clock) -> dict[str, Callable[..., Any]]:
    """Return the helper functions bound to a calendar source and a clock."""

    def statutory_due(accepted_at: str, days: int) -> str:
        """Due moment N working days after acceptance (0 = same day), per the county's convention."""
        return calendar().due(parse_moment(accepted_at), int(days)).iso()

    def now_iso() -> str:
        """The current moment as ISO 8601 +08:00."""
        return china_iso(clock())

    def calendar_days_after(moment: str, days: int) -> str:
        """The same clock time N calendar days later (e.g. a temporary card loss lifting itself)."""
        return china_iso(parse_moment(moment) + timedelta(days=int(days)))

    def months_after(moment: str, months: int) -> str:
        """The same day N months later, clamped to the month's end (e.g. yearly certification)."""
        start = parse_moment(moment).astimezone(CHINA)
        index = start.month - 1 + int(months)
        year, month = start.year + index // 12, index % 12 + 1
        day = min(start.day, _months.monthrange(year, month)[1])
        return china_iso(start.replace(year=year, month=month, day=day))

    return {
        "statutory_due": statutory_due,
        "now_iso": now_iso,
        "calendar_days_after": calendar_days_after,
        "months_after": months_after,
    }


# A task-data key named like a helper would make Spiff raise, so form fields may not take these names.
HELPER_NAMES = tuple(build_helpers(lambda: None, lambda: None))
RESERVED_NAMES = CASE_CONTEXT_KEYS + HELPER_NAMES
