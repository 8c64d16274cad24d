"""Count working days (工作日) of the Chinese calendar and compute case deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar

from engine.calendar.statutory import statutory_holidays

Source = Literal["loaded", "package", "provisional"]
KINDS = ("holiday", "workday")

# chinesecalendar names days in English; users see Chinese.
_PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _zone(name: str) -> tzinfo:
    """Return the named zone, or a fixed +08:00 for Asia/Shanghai when tzdata is missing."""
    # China has kept +08:00 without DST since 1991, so the fixed offset is exact for our dates.
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        if name == "Asia/Shanghai":
            return timezone(timedelta(hours=8), name)
        raise


def _require_aware(moment: datetime, what: str) -> None:
    """Refuse naive datetimes: a deadline depends on the day in Asia/Shanghai."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {moment!r}")


@dataclass(frozen=True)
class Due:
    """A deadline: the moment (aware, Asia/Shanghai) and whether it rests on a provisional year."""

    at: datetime
    provisional: bool

    def __post_init__(self) -> None:
        _require_aware(self.at, "Due.at")

    def iso(self) -> str:
        """Return the moment as ISO 8601 with seconds and its +08:00 offset."""
        return self.at.isoformat(timespec="seconds")


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one day."""

    workday: bool
    source: Source
    name: str  # holiday name (also on its make-up workdays) or "" for an ordinary day


class WorkingCalendar:
    """Tell working days apart: admin-loaded years, then the chinesecalendar package, then the law."""

    def __init__(
        self,
        loaded: Mapping[int, Mapping[date, str]] | None = None,
        close_of_business: time = time(17, 30),
        tz: str = "Asia/Shanghai",
    ) -> None:
        self._loaded: dict[int, dict[date, str]] = {}
        for year, days in (loaded or {}).items():
            for day, kind in days.items():
                if kind not in KINDS or day.year != year:
                    raise ValueError(f"bad loaded calendar entry for {year}: {day} {kind!r}")
            self._loaded[year] = dict(days)
        if close_of_business.tzinfo is not None:
            raise ValueError("close_of_business is a local wall-clock time; give it without tzinfo")
        self.close_of_business = close_of_business
        self.tz_name = tz
        self.tz = _zone(tz)
        self._statutory: dict[int, dict[date, str]] = {}
        self._days: dict[date, DayInfo] = {}

    def year_source(self, year: int) -> Source:
        """Return where the schedule of `year` comes from."""
        if year in self._loaded:
            return "loaded"
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            return "provisional"
        return "package"

    def day_info(self, d: date) -> DayInfo:
        """Return whether `d` is a working day, on whose authority, and the holiday's name."""
        # chinesecalendar scans its whole table on every call (~30 µs); deadlines ask for the same days.
        info = self._days.get(d)
        if info is None:
            info = self._days[d] = self._lookup(d)
        return info

    def _lookup(self, d: date) -> DayInfo:
        """Work out what the calendar says about `d`, uncached."""
        weekday = d.weekday() < 5
        loaded = self._loaded.get(d.year)
        if loaded is not None:
            kind = loaded.get(d)
            workday = weekday if kind is None else kind == "workday"
            return DayInfo(workday, "loaded", "")
        try:
            workday = chinese_calendar.is_workday(d)
        except NotImplementedError:
            name = self._statutory_of(d.year).get(d, "")
            return DayInfo(weekday and not name, "provisional", name)
        _, english = chinese_calendar.get_holiday_detail(d)
        return DayInfo(workday, "package", _PACKAGE_NAMES.get(english or "", english or ""))

    def is_workday(self, d: date) -> bool:
        """Return whether `d` is a working day."""
        return self.day_info(d).workday

    def add_working_days(self, d: date, n: int) -> tuple[date, bool]:
        """Return the n-th working day after `d` (not counted) and whether any day seen was provisional."""
        if n < 0:
            raise ValueError(f"number of working days must not be negative, got {n}")
        provisional = False
        day = d
        while n > 0:
            day += timedelta(days=1)
            info = self.day_info(day)
            provisional = provisional or info.source == "provisional"
            if info.workday:
                n -= 1
        return day, provisional

    def close_of(self, d: date) -> datetime:
        """Return close of business on `d` in the calendar's zone."""
        return datetime.combine(d, self.close_of_business, tzinfo=self.tz)

    def due(self, accepted: datetime, days: int) -> Due:
        """Return the deadline of a case accepted at `accepted` with a limit of `days` working days.

        N > 0: close of business on the N-th working day after the acceptance day D (D not counted),
        provisional when any day counted lies in a year with no official schedule. N == 0 (即时, same
        day): close of business on D even on a weekend or holiday, or midnight ending D when accepted
        after close of business; it never consults the schedule, so it is never provisional.
        """
        _require_aware(accepted, "accepted")
        if days < 0:
            raise ValueError(f"time limit must not be negative, got {days}")
        local = accepted.astimezone(self.tz)
        d = local.date()
        if days == 0:
            closing = self.close_of(d)
            if local > closing:
                return Due(datetime.combine(d + timedelta(days=1), time(0), tzinfo=self.tz), False)
            return Due(closing, False)
        day, provisional = self.add_working_days(d, days)
        return Due(self.close_of(day), provisional)

    def next_working_day_end(self, now: datetime) -> datetime:
        """Return close of business on the first working day after the local date of `now`."""
        _require_aware(now, "now")
        day, _ = self.add_working_days(now.astimezone(self.tz).date(), 1)
        return self.close_of(day)

    def _statutory_of(self, year: int) -> dict[date, str]:
        """Return (and cache) the statutory holidays of a year with no official schedule."""
        if year not in self._statutory:
            self._statutory[year] = statutory_holidays(year)
        return self._statutory[year]
