"""Parsing, loading and describing admin-loaded holiday schedules (real SQLite files)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from engine.calendar.schedule_store import (
    CalendarFileError,
    Schedule,
    calendar_from_db,
    describe_year,
    load_schedule,
    loaded_years,
    parse_schedule_csv,
)
from engine.calendar.working import WorkingCalendar
from engine.models import AuditEvent, CalendarDay, CalendarYear
from engine.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "calendar"
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
CST = timezone(timedelta(hours=8))


@pytest.fixture()
def calendar_store(store: Store) -> Store:
    """The shared migrated test database (SQLite, or PostgreSQL under DATABASE_URL)."""
    return store


def _read(name: str) -> Schedule:
    return parse_schedule_csv((DATA / name).read_text(encoding="utf-8"), name)


def _load(store: Store, schedule: Schedule, actor: str = "admin") -> None:
    with store.session(write=True) as s:
        load_schedule(s, schedule, source=f"{schedule.year}.csv", actor=actor, now=NOW)


# ---- parsing ----


def test_parse_official_file_with_header() -> None:
    schedule = _read("official_2025.csv")
    assert schedule.year == 2025
    assert (schedule.count("holiday"), schedule.count("workday")) == (28, 5)
    assert schedule.days[date(2025, 10, 4)] == ("holiday", "国庆节、中秋节")  # a Saturday holiday is fine
    assert schedule.days[date(2025, 9, 28)] == ("workday", "国庆节调休上班")
    assert schedule.warnings() == []


def test_parse_without_header_with_bom_blank_lines_and_no_name() -> None:
    text = "\ufeff2027-01-01,holiday,元旦\r\n\r\n 2027-02-20 , WORKDAY \r\n\n"
    schedule = parse_schedule_csv(text, "x.csv")
    assert schedule == Schedule(
        2027, {date(2027, 1, 1): ("holiday", "元旦"), date(2027, 2, 20): ("workday", "")}
    )


def test_incomplete_file_warns_about_missing_statutory_days() -> None:
    warnings = parse_schedule_csv("2027-01-01,holiday,元旦\n", "x.csv").warnings()
    assert len(warnings) == 12
    assert any("2027-02-05 春节" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "row", "reason"),
    [
        ("date,kind,name\n2027/01/01,holiday,元旦\n", 2, "格式错误"),
        ("2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n", 2, "不存在"),
        ("20270101,holiday,元旦\n", 1, "格式错误"),
        ("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-05,off,春节\n", 3, "类型"),
        ("2027-01-01,holiday,元旦\n2027-02-09,workday,春节\n", 2, "周一至周五"),  # a Tuesday
        ("2027-01-01,holiday,元旦\n2027-02-05,holiday,春节\n2027-01-01,holiday,元旦\n", 3, "第 1 行重复"),
        ("2027-01-01,holiday,元旦\n2026-12-31,holiday,元旦\n", 2, "不属于 2027 年"),
        ("2027-01-01,holiday,元旦,多余\n", 1, "3 列"),
        ("2027-01-01\n", 1, "3 列"),
        ("2027-01-01,holiday," + "长" * 81 + "\n", 1, "名称超过"),
        ('2027-01-01,holiday,"多行\n名称"\n2027-13-01,holiday,x\n', 3, "不存在"),  # physical line numbers
        ('2027-01-01,holiday,元旦\n2027-01-02,holiday,"元旦"x\n', 2, "不是有效的 CSV"),
    ],
)
def test_bad_rows_name_file_and_row(text: str, row: int, reason: str) -> None:
    with pytest.raises(CalendarFileError) as err:
        parse_schedule_csv(text, "2027.csv")
    assert (err.value.filename, err.value.row) == ("2027.csv", row)
    assert f"文件 2027.csv 第 {row} 行" in str(err.value)
    assert reason in str(err.value)


@pytest.mark.parametrize("text", ["", "\n\n", "date,kind,name\n", "\ufeff"])
def test_empty_file_is_refused(text: str) -> None:
    with pytest.raises(CalendarFileError, match="文件 e.csv：文件为空"):
        parse_schedule_csv(text, "e.csv")


# ---- storing ----


def test_load_and_read_back(calendar_store: Store) -> None:
    _load(calendar_store, _read("hypothetical_2027.csv"))
    with calendar_store.session() as s:
        years = loaded_years(s)
        record = s.get(CalendarYear, 2027)
        assert (record.source, record.loaded_by, record.loaded_at) == ("2027.csv", "admin", NOW)
        event = s.query(AuditEvent).one()
        assert (event.action, event.actor, event.at) == ("calendar_load", "admin", NOW)
        assert '"year": 2027' in event.detail and '"holidays": 28' in event.detail
    assert list(years) == [2027]
    assert years[2027][date(2027, 2, 20)] == "workday"
    assert len(years[2027]) == 32


def test_reload_replaces_the_year(calendar_store: Store) -> None:
    _load(calendar_store, _read("hypothetical_2027.csv"))
    _load(calendar_store, _read("official_2025.csv"))
    _load(
        calendar_store, parse_schedule_csv("2027-01-01,holiday,元旦\n2027-01-09,workday,x\n", "b.csv"), "bob"
    )
    with calendar_store.session() as s:
        years = loaded_years(s)
        assert s.get(CalendarYear, 2027).loaded_by == "bob"
    assert years[2027] == {date(2027, 1, 1): "holiday", date(2027, 1, 9): "workday"}
    assert len(years[2025]) == 33  # other years untouched


def test_failed_transaction_leaves_the_old_schedule(calendar_store: Store) -> None:
    _load(calendar_store, _read("hypothetical_2027.csv"))
    with pytest.raises(RuntimeError), calendar_store.session(write=True) as s:
        load_schedule(
            s, parse_schedule_csv("2027-01-01,holiday,元旦\n", "c.csv"), source="c", actor="x", now=NOW
        )
        raise RuntimeError("something later in the same transaction failed")
    with calendar_store.session() as s:
        assert s.query(CalendarDay).count() == 32
        assert s.get(CalendarYear, 2027).source == "2027.csv"


def test_loaded_official_2025_agrees_with_the_package(calendar_store: Store) -> None:
    _load(calendar_store, _read("official_2025.csv"))
    with calendar_store.session() as s:
        loaded = calendar_from_db(s)
    package = WorkingCalendar()
    day = date(2025, 1, 1)
    while day.year == 2025:
        assert loaded.day_info(day).source == "loaded"
        assert loaded.is_workday(day) == package.is_workday(day), day
        day += timedelta(days=1)


def test_loading_2027_makes_deadlines_final_and_moves_them(calendar_store: Store) -> None:
    accepted = datetime(2027, 2, 4, 10, 0, tzinfo=CST)
    with calendar_store.session() as s:
        before = calendar_from_db(s).due(accepted, 1)
    assert (before.iso(), before.provisional) == ("2027-02-09T17:30:00+08:00", True)
    _load(calendar_store, _read("hypothetical_2027.csv"))
    with calendar_store.session() as s:
        cal = calendar_from_db(s)
    after = cal.due(accepted, 1)
    assert (after.iso(), after.provisional) == ("2027-02-15T17:30:00+08:00", False)
    crossing = cal.due(datetime(2026, 12, 30, 10, 0, tzinfo=CST), 2)
    assert (crossing.iso(), crossing.provisional) == ("2027-01-04T17:30:00+08:00", False)


# ---- describing ----


def test_describe_loaded_year(calendar_store: Store) -> None:
    _load(calendar_store, _read("hypothetical_2027.csv"))
    with calendar_store.session() as s:
        report = describe_year(s, 2027, calendar_from_db(s))
    assert report.source == "loaded"
    assert (report.file, report.loaded_by, report.loaded_at) == ("2027.csv", "admin", NOW)
    assert report.source_label == "loaded from 2027.csv by admin at 2026-12-01T10:00:00+08:00"
    assert len(report.days) == 32
    assert (report.days[0].day, report.days[0].kind, report.days[0].name) == (
        date(2027, 1, 1),
        "holiday",
        "元旦",
    )


def test_describe_package_year(calendar_store: Store) -> None:
    with calendar_store.session() as s:
        report = describe_year(s, 2026, calendar_from_db(s))
    assert (report.source, report.source_label) == ("package", "chinesecalendar package")
    workdays = [d.day.isoformat() for d in report.days if d.kind == "workday"]
    assert workdays == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    holidays = {d.day: d.name for d in report.days if d.kind == "holiday"}
    assert len(holidays) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert holidays[date(2026, 10, 3)] == "国庆节"  # a Saturday inside the block is listed


def test_describe_provisional_year(calendar_store: Store) -> None:
    with calendar_store.session() as s:
        report = describe_year(s, 2027, calendar_from_db(s))
    assert (report.source, report.source_label) == ("provisional", "provisional (statutory holidays only)")
    assert [d.day for d in report.days] == sorted(
        [date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)]
        + [date(2027, 4, 5), date(2027, 5, 1), date(2027, 5, 2), date(2027, 6, 9), date(2027, 9, 15)]
        + [date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3)]
    )
    assert {d.kind for d in report.days} == {"holiday"}
    assert describe_year(None, 2027, WorkingCalendar()) == report
