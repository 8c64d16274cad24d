"""Statutory holidays (《全国年节及纪念日放假办法》, amended 2024) for years with no official schedule."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from engine.calendar.statutory import statutory_holidays


def test_2027_statutory_holidays() -> None:
    # 2027: 正月初一 = 2027-02-06, so 除夕 = 02-05; 清明 04-05; 端午 06-09; 中秋 09-15.
    assert statutory_holidays(2027) == {
        date(2027, 1, 1): "元旦",
        date(2027, 2, 5): "春节",
        date(2027, 2, 6): "春节",
        date(2027, 2, 7): "春节",
        date(2027, 2, 8): "春节",
        date(2027, 4, 5): "清明节",
        date(2027, 5, 1): "劳动节",
        date(2027, 5, 2): "劳动节",
        date(2027, 6, 9): "端午节",
        date(2027, 9, 15): "中秋节",
        date(2027, 10, 1): "国庆节",
        date(2027, 10, 2): "国庆节",
        date(2027, 10, 3): "国庆节",
    }


def test_chuxi_is_the_29th_when_the_twelfth_month_is_short() -> None:
    # 2025's 除夕 was 腊月二十九 (2025-01-28); 正月初一 2025-01-29.
    spring = [d for d, name in statutory_holidays(2025).items() if name == "春节"]
    assert spring == [date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 30), date(2025, 1, 31)]


@pytest.mark.parametrize(
    ("year", "qingming"),
    [(2024, date(2024, 4, 4)), (2025, date(2025, 4, 4)), (2026, date(2026, 4, 5)), (2028, date(2028, 4, 4))],
)
def test_qingming_is_the_solar_term_day(year: int, qingming: date) -> None:
    assert statutory_holidays(year)[qingming] == "清明节"


def test_mid_autumn_on_national_day_keeps_both_names() -> None:
    # 2028's 中秋 (lunar 8-15) is 2028-10-03.
    days = statutory_holidays(2028)
    assert days[date(2028, 10, 3)] == "国庆节、中秋节"
    assert len(days) == 12


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_day_is_off_in_the_official_schedules(year: int) -> None:
    # Since the 2024 amendment the State Council's schedules contain every statutory day.
    for day in statutory_holidays(year):
        assert chinese_calendar.is_holiday(day), day


def test_thirteen_days_a_year() -> None:
    for year in range(2025, 2040):
        days = statutory_holidays(year)
        assert len(days) in (12, 13)  # 12 only when 中秋 falls on 10-01..10-03
        assert all(d.year == year for d in days)


@pytest.mark.parametrize("year", [1800, 1900, 2100, 2500])
def test_years_outside_the_lunar_tables_are_refused(year: int) -> None:
    with pytest.raises(ValueError):
        statutory_holidays(year)
