"""Working-day calendar: official schedules, statutory holidays and case deadlines."""

from engine.calendar.schedule_store import (
    HEADER,
    CalendarFileError,
    Schedule,
    SpecialDay,
    YearReport,
    calendar_from_db,
    describe_year,
    load_schedule,
    loaded_years,
    parse_schedule_csv,
)
from engine.calendar.statutory import statutory_holidays
from engine.calendar.working import DayInfo, Due, WorkingCalendar

__all__ = [
    "HEADER",
    "CalendarFileError",
    "DayInfo",
    "Due",
    "Schedule",
    "SpecialDay",
    "WorkingCalendar",
    "YearReport",
    "calendar_from_db",
    "describe_year",
    "load_schedule",
    "loaded_years",
    "parse_schedule_csv",
    "statutory_holidays",
]
