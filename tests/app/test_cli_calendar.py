"""The `calendar` click group, run with CliRunner on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import calendar_cmds
from engine.calendar.schedule_store import loaded_years, parse_schedule_csv
from engine.models import CalendarYear
from engine.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "calendar"


@pytest.fixture()
def calendar_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The shared migrated test database, handed to the commands."""
    monkeypatch.setattr(calendar_cmds, "get_store", lambda: store)
    return store


def run(*args: str):
    return CliRunner().invoke(calendar_cmds.calendar, list(args))


def test_due(calendar_store: Store) -> None:
    result = run("due", "--from", "2026-09-30", "--days", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2026-10-09T17:30:00+08:00\n"


def test_due_same_day_after_close_and_close_override(calendar_store: Store) -> None:
    assert (
        run("due", "--from", "2026-10-03", "--at", "18:00", "--days", "0").stdout
        == "2026-10-04T00:00:00+08:00\n"
    )
    assert run("due", "--from", "2026-10-03", "--days", "0").stdout == "2026-10-03T17:30:00+08:00\n"
    result = run("due", "--from", "2026-09-30", "--days", "2", "--close", "17:00")
    assert result.stdout == "2026-10-09T17:00:00+08:00\n"


def test_due_provisional(calendar_store: Store) -> None:
    result = run("due", "--from", "2026-12-30", "--at", "10:00", "--days", "2")
    assert result.stdout.split() == ["2027-01-04T17:30:00+08:00", "provisional"]


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "2026-09-30", "--days", "-1"],
        ["--from", "2026-09-31", "--days", "1"],
        ["--from", "2026-09-30", "--at", "25:00", "--days", "1"],
        ["--from", "2026-09-30"],
    ],
)
def test_due_bad_arguments(calendar_store: Store, args: list[str]) -> None:
    assert run("due", *args).exit_code == 2


def test_due_without_tables_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store("sqlite:///" + str(tmp_path / "empty.db"))
    monkeypatch.setattr(calendar_cmds, "get_store", lambda: store)
    assert run("due", "--from", "2026-09-30", "--days", "2").stdout == "2026-10-09T17:30:00+08:00\n"
    result = run("show", "2027")
    assert result.exit_code == 0 and "provisional" in result.stdout
    assert run("load", str(DATA / "hypothetical_2027.csv")).exit_code == 1
    store.dispose()


def test_load_then_due_changes(calendar_store: Store) -> None:
    assert (
        run("due", "--from", "2027-02-04", "--days", "1").stdout == "2027-02-09T17:30:00+08:00 provisional\n"
    )
    result = run("load", str(DATA / "hypothetical_2027.csv"), "--actor", "王管理员")
    assert result.exit_code == 0, result.output
    loaded, recomputed = result.stdout.splitlines()
    assert loaded == "Loaded 2027 from hypothetical_2027.csv: 28 holidays, 4 make-up workdays."
    assert recomputed == "recomputed provisional deadlines after loading 2027: 0 open cases, 0 changed"
    assert result.stderr == ""  # every statutory day is listed: no warnings
    with calendar_store.session() as s:
        assert s.get(CalendarYear, 2027).loaded_by == "王管理员"
    assert run("due", "--from", "2027-02-04", "--days", "1").stdout == "2027-02-15T17:30:00+08:00\n"


def test_bad_file_is_refused_and_nothing_changes(calendar_store: Store, tmp_path: Path) -> None:
    assert run("load", str(DATA / "hypothetical_2027.csv")).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-09,workday,春节\n", encoding="utf-8")
    result = run("load", str(bad))
    assert result.exit_code == 1
    assert "bad.csv 第 3 行" in result.stderr
    assert result.stdout == ""
    with calendar_store.session() as s:
        assert len(loaded_years(s)[2027]) == 32
        assert s.get(CalendarYear, 2027).source == "hypothetical_2027.csv"


def test_load_reports_missing_statutory_days(calendar_store: Store, tmp_path: Path) -> None:
    partial = tmp_path / "2027.csv"
    partial.write_text("2027-01-01,holiday,元旦\n", encoding="utf-8")
    result = run("load", str(partial))
    assert result.exit_code == 0
    assert "1 holidays, 0 make-up workdays" in result.stdout
    assert "warning: 2027-10-01 国庆节" in result.stderr


def test_after_load_hooks(calendar_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Store, int]] = []

    def hook(store: Store, year: int) -> str:
        calls.append((store, year))
        return f"recomputed deadlines for {year}"

    monkeypatch.setattr(calendar_cmds, "AFTER_LOAD", [hook, lambda _store, _year: None])
    result = run("load", str(DATA / "official_2025.csv"))
    assert result.exit_code == 0, result.output
    assert calls == [(calendar_store, 2025)]
    assert result.stdout.splitlines()[-1] == "recomputed deadlines for 2025"


def test_show(calendar_store: Store) -> None:
    result = run("show", "2026")
    lines = result.stdout.splitlines()
    assert lines[0] == "2026: chinesecalendar package"
    assert "2026-01-04 周日 workday 元旦" in lines
    assert "2026-10-07 周三 holiday 国庆节" in lines
    assert run("show", "2027").stdout.splitlines()[0] == "2027: provisional (statutory holidays only)"
    run("load", str(DATA / "hypothetical_2027.csv"), "--actor", "admin")
    lines = run("show", "2027").stdout.splitlines()
    assert lines[0].startswith("2027: loaded from hypothetical_2027.csv by admin at ")
    assert lines[1] == "2027-01-01 周五 holiday 元旦"
    assert len(lines) == 33


def test_show_csv_round_trips(calendar_store: Store) -> None:
    text = run("show", "2026", "--csv").stdout
    assert text.startswith("date,kind,name\n2026-01-01,holiday,元旦\n")
    schedule = parse_schedule_csv(text, "2026.csv")
    assert (schedule.year, schedule.count("workday")) == (2026, 6)
