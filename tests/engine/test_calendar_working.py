"""Working days and deadlines against the State Council holiday notices for 2024-2026, and 2027."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from engine.calendar.working import DayInfo, Due, WorkingCalendar

CST = timezone(timedelta(hours=8))

# Transcribed from 国务院办公厅关于…部分节假日安排的通知 (holiday blocks incl. weekends; 调休上班 days).
NOTICES: dict[int, tuple[list[tuple[str, str]], list[str]]] = {
    2024: (  # 国办发明电〔2023〕7号
        [
            ("2024-01-01", "2024-01-01"),
            ("2024-02-10", "2024-02-17"),
            ("2024-04-04", "2024-04-06"),
            ("2024-05-01", "2024-05-05"),
            ("2024-06-10", "2024-06-10"),
            ("2024-09-15", "2024-09-17"),
            ("2024-10-01", "2024-10-07"),
        ],
        [
            "2024-02-04",
            "2024-02-18",
            "2024-04-07",
            "2024-04-28",
            "2024-05-11",
            "2024-09-14",
            "2024-09-29",
            "2024-10-12",
        ],
    ),
    2025: (  # 国办发明电〔2024〕12号
        [
            ("2025-01-01", "2025-01-01"),
            ("2025-01-28", "2025-02-04"),
            ("2025-04-04", "2025-04-06"),
            ("2025-05-01", "2025-05-05"),
            ("2025-05-31", "2025-06-02"),
            ("2025-10-01", "2025-10-08"),
        ],
        ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    ),
    2026: (  # 国办发明电〔2025〕7号
        [
            ("2026-01-01", "2026-01-03"),
            ("2026-02-15", "2026-02-23"),
            ("2026-04-04", "2026-04-06"),
            ("2026-05-01", "2026-05-05"),
            ("2026-06-19", "2026-06-21"),
            ("2026-09-25", "2026-09-27"),
            ("2026-10-01", "2026-10-07"),
        ],
        ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
    ),
}


def _days(first: str, last: str) -> list[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CST)


@pytest.fixture()
def cal() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize("year", sorted(NOTICES))
def test_every_day_of_the_year_matches_the_notice(cal: WorkingCalendar, year: int) -> None:
    blocks, makeup = NOTICES[year]
    holidays = {d for first, last in blocks for d in _days(first, last)}
    workdays = {date.fromisoformat(d) for d in makeup}
    assert all(d.weekday() >= 5 for d in workdays)
    for day in _days(f"{year}-01-01", f"{year}-12-31"):
        expected = day in workdays or (day.weekday() < 5 and day not in holidays)
        info = cal.day_info(day)
        assert (info.workday, info.source) == (expected, "package"), day


def test_package_names_are_chinese(cal: WorkingCalendar) -> None:
    assert cal.day_info(date(2026, 10, 1)) == DayInfo(False, "package", "国庆节")
    assert cal.day_info(date(2025, 10, 6)).name == "中秋节"
    assert cal.day_info(date(2026, 2, 14)) == DayInfo(True, "package", "春节")  # make-up Saturday
    assert cal.day_info(date(2026, 3, 7)) == DayInfo(False, "package", "")  # ordinary Saturday
    # Before the 2024 amendment 除夕 was not a holiday: 2024-02-09 (Fri) was a working day.
    assert cal.is_workday(date(2024, 2, 9))


@pytest.mark.parametrize(
    ("accepted", "days", "expected"),
    [
        ("2025-09-30T10:00", 10, "2025-10-21T17:30:00+08:00"),  # 10-01..08 off, 10-11 (Sat) worked
        ("2026-09-30T10:00", 2, "2026-10-09T17:30:00+08:00"),
        ("2025-03-03T09:00", 1, "2025-03-04T17:30:00+08:00"),  # before close of business
        ("2025-03-03T18:00", 1, "2025-03-04T17:30:00+08:00"),  # after: D is still not counted
        ("2025-10-03T10:00", 1, "2025-10-09T17:30:00+08:00"),  # accepted on a holiday
        ("2025-10-10T10:00", 1, "2025-10-11T17:30:00+08:00"),  # due on a make-up Saturday
        ("2025-10-11T10:00", 1, "2025-10-13T17:30:00+08:00"),  # accepted on a make-up Saturday
        ("2026-02-13T10:00", 5, "2026-02-27T17:30:00+08:00"),  # 02-14 worked, 02-15..23 off
        ("2026-02-13T10:00", 6, "2026-02-28T17:30:00+08:00"),  # 02-28 (Sat) worked
        ("2024-02-08T10:00", 2, "2024-02-18T17:30:00+08:00"),  # 2024 除夕 worked, 02-18 (Sun) worked
        ("2025-01-24T10:00", 3, "2025-02-05T17:30:00+08:00"),  # 01-26 (Sun) worked, 01-27, 02-05
    ],
)
def test_due_in_published_years(cal: WorkingCalendar, accepted: str, days: int, expected: str) -> None:
    due = cal.due(_at(accepted), days)
    assert due == Due(datetime.fromisoformat(expected), False)
    assert due.iso() == expected


@pytest.mark.parametrize(
    ("accepted", "expected"),
    [
        ("2025-03-08T10:00", "2025-03-08T17:30:00+08:00"),  # Saturday: same day anyway
        ("2025-10-01T09:00", "2025-10-01T17:30:00+08:00"),  # National Day
        ("2025-03-03T17:30", "2025-03-03T17:30:00+08:00"),  # at close of business exactly
        ("2025-03-08T18:00", "2025-03-09T00:00:00+08:00"),  # after close: midnight ending D
        ("2025-12-31T23:59", "2026-01-01T00:00:00+08:00"),
    ],
)
def test_same_day(cal: WorkingCalendar, accepted: str, expected: str) -> None:
    due = cal.due(_at(accepted), 0)
    assert (due.iso(), due.provisional) == (expected, False)


def test_same_day_in_an_unpublished_year_is_not_provisional(cal: WorkingCalendar) -> None:
    assert cal.due(_at("2027-02-06T10:00"), 0) == Due(_at("2027-02-06T17:30"), False)


def test_acceptance_day_is_taken_in_shanghai(cal: WorkingCalendar) -> None:
    # 10:00 UTC is 18:00 in Shanghai: after close of business.
    assert cal.due(datetime(2025, 3, 3, 10, 0, tzinfo=UTC), 0).iso() == "2025-03-04T00:00:00+08:00"
    # 20:00 UTC on 03-02 is already 03-03 in Shanghai.
    assert cal.due(datetime(2025, 3, 2, 20, 0, tzinfo=UTC), 1).iso() == "2025-03-04T17:30:00+08:00"
    assert cal.due(datetime(2025, 3, 2, 20, 0, tzinfo=UTC), 1).at.utcoffset() == timedelta(hours=8)


def test_close_of_business_is_configurable() -> None:
    cal = WorkingCalendar(close_of_business=time(17, 0))
    assert cal.close_of_business == time(17, 0)
    assert cal.due(_at("2025-03-03T10:00"), 1).iso() == "2025-03-04T17:00:00+08:00"
    assert cal.due(_at("2025-03-03T17:10"), 0).iso() == "2025-03-04T00:00:00+08:00"


def test_bad_arguments(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        cal.due(_at("2025-03-03T10:00"), -1)
    with pytest.raises(ValueError):
        cal.add_working_days(date(2025, 3, 3), -2)
    with pytest.raises(ValueError):
        cal.due(datetime(2025, 3, 3, 10, 0), 1)  # naive
    with pytest.raises(ValueError):
        WorkingCalendar({2027: {date(2027, 1, 1): "off"}})
    with pytest.raises(ValueError):
        WorkingCalendar({2027: {date(2026, 1, 1): "holiday"}})


def test_add_working_days(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2025, 9, 30), 0) == (date(2025, 9, 30), False)
    assert cal.add_working_days(date(2025, 9, 30), 1) == (date(2025, 10, 9), False)
    assert cal.add_working_days(date(2026, 12, 30), 1) == (date(2026, 12, 31), False)


def test_next_working_day_end(cal: WorkingCalendar) -> None:
    assert cal.next_working_day_end(_at("2025-09-30T10:00")) == _at("2025-10-09T17:30")
    assert cal.next_working_day_end(_at("2025-10-10T20:00")) == _at("2025-10-11T17:30")
    assert cal.next_working_day_end(_at("2025-10-11T08:00")) == _at("2025-10-13T17:30")


# ---- years the package does not cover: provisional ----


def test_2027_is_provisional(cal: WorkingCalendar) -> None:
    assert cal.year_source(2027) == "provisional"
    assert cal.day_info(date(2027, 2, 5)) == DayInfo(False, "provisional", "春节")  # 除夕, Friday
    assert cal.day_info(date(2027, 2, 9)) == DayInfo(True, "provisional", "")
    assert cal.day_info(date(2027, 1, 9)) == DayInfo(False, "provisional", "")  # Saturday, no make-up days
    off = ["2027-01-01", "2027-02-08", "2027-04-05", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02"]
    assert not any(cal.is_workday(date.fromisoformat(d)) for d in off)
    assert cal.is_workday(date(2027, 10, 4))  # 国庆 is 3 days by law; no 调休 modelled


def test_due_in_2027_is_provisional(cal: WorkingCalendar) -> None:
    # 02-05 (Fri, 除夕) off, 02-06/07 weekend, 02-08 (初三) off.
    assert cal.due(_at("2027-02-04T10:00"), 1) == Due(_at("2027-02-09T17:30"), True)


def test_due_crossing_into_2027_is_provisional(cal: WorkingCalendar) -> None:
    # 2026-12-31 (Thu) is a 2026 working day; 2027-01-01 元旦 and the weekend are provisional.
    assert cal.due(_at("2026-12-30T10:00"), 2) == Due(_at("2027-01-04T17:30"), True)
    assert cal.due(_at("2026-12-29T10:00"), 2) == Due(_at("2026-12-31T17:30"), False)


def test_loaded_year_wins() -> None:
    # A hypothetical 2027 schedule: 春节 02-05..02-12 off, 02-20 (Sat) worked.
    loaded = {2027: {date(2027, 2, 5) + timedelta(days=i): "holiday" for i in range(8)}}
    loaded[2027][date(2027, 2, 20)] = "workday"
    cal = WorkingCalendar(loaded)
    assert cal.year_source(2027) == "loaded"
    assert cal.due(_at("2027-02-04T10:00"), 1) == Due(_at("2027-02-15T17:30"), False)
    assert cal.day_info(date(2027, 2, 20)) == DayInfo(True, "loaded", "")
    assert cal.day_info(date(2027, 6, 9)) == DayInfo(True, "loaded", "")  # unlisted weekday: works


def test_loaded_year_overrides_the_package() -> None:
    cal = WorkingCalendar({2026: {}})  # a (silly) loaded 2026 with no holidays at all
    assert cal.is_workday(date(2026, 10, 1))
    assert not cal.is_workday(date(2026, 10, 10))  # the package's make-up Saturday is gone too
