"""Compute the public holidays fixed by law, for years whose official schedule is not yet known."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from lunardate import LunarDate

# lunardate's tables cover lunar years 1900-2099; chinesecalendar's solar terms 1900-2100.
MIN_YEAR = 1901
MAX_YEAR = 2099


def _lunar(year: int, month: int, day: int) -> date:
    """Return the Gregorian date of a lunar date in lunar year `year`."""
    return LunarDate(year, month, day).to_solar_date()


def _qingming(year: int) -> date:
    """Return the day of the 清明 solar term (Beijing time) in `year`."""
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
    for day, name in terms:
        if name == "清明":
            return day
    raise ValueError(f"no 清明 solar term found in April {year}")


def statutory_holidays(year: int) -> dict[date, str]:
    """Return the 13 statutory holiday days of `year` with their Chinese names.

    Follows 《全国年节及纪念日放假办法》 as amended in 2024 (in force from 2025-01-01): 元旦 1 day,
    春节 4 days (除夕 to 初三), 清明节 1, 劳动节 2, 端午节 1, 中秋节 1, 国庆节 3. It is used only for
    years with no official schedule, so it does not model the older rules. Make-up workdays (调休) are
    not in the law and are not returned; neither are the weekdays off in lieu (补假) that the law grants
    when a holiday falls on a weekend, because only the yearly notice says which days those are.
    Raises ValueError outside 1901-2099.
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"statutory holidays can only be computed for {MIN_YEAR}-{MAX_YEAR}, not {year}")
    days: dict[date, str] = {}

    def add(day: date, name: str) -> None:
        # 中秋 can fall on 10-01..10-03; keep both names rather than lose one.
        days[day] = f"{days[day]}、{name}" if day in days else name

    add(date(year, 1, 1), "元旦")
    # 除夕 is the day before 正月初一, whether the twelfth month has 29 or 30 days (or is leap).
    new_year = _lunar(year, 1, 1)
    for offset in range(-1, 3):
        add(new_year + timedelta(days=offset), "春节")
    add(_qingming(year), "清明节")
    add(date(year, 5, 1), "劳动节")
    add(date(year, 5, 2), "劳动节")
    add(_lunar(year, 5, 5), "端午节")
    for day in (1, 2, 3):
        add(date(year, 10, day), "国庆节")
    add(_lunar(year, 8, 15), "中秋节")
    return dict(sorted(days.items()))
