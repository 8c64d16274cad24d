"""Parse, store and describe the official holiday schedules that admins load year by year."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import audit
from engine.calendar.statutory import statutory_holidays
from engine.calendar.working import KINDS, Source, WorkingCalendar
from engine.models import CalendarDay, CalendarYear

HEADER = ["date", "kind", "name"]
NAME_MAX = 80  # CalendarDay.name column width
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The amended law (2025-) is what statutory_holidays() knows; older years had fewer holidays.
_CHECK_STATUTORY_FROM = 2025


class CalendarFileError(ValueError):
    """A schedule file was refused; the message names the file, the row and the reason (for users)."""

    def __init__(self, filename: str, row: int | None, reason: str) -> None:
        self.filename = filename
        self.row = row
        self.reason = reason
        where = f"文件 {filename}" + (f" 第 {row} 行" if row is not None else "")
        super().__init__(f"{where}：{reason}")


@dataclass(frozen=True)
class Schedule:
    """One year's official schedule: the holidays and make-up workdays, by date."""

    year: int
    days: dict[date, tuple[str, str]]  # date -> (kind, name)

    def count(self, kind: str) -> int:
        """Return how many days are of `kind`."""
        return sum(1 for k, _ in self.days.values() if k == kind)

    def warnings(self) -> list[str]:
        """Return statutory holidays the file does not list as holidays (likely an incomplete file)."""
        if self.year < _CHECK_STATUTORY_FROM:
            return []
        try:
            fixed = statutory_holidays(self.year)
        except ValueError:
            return []
        return [
            f"{day.isoformat()} {name} 是法定节假日，但文件中未列为 holiday"
            for day, name in fixed.items()
            if self.days.get(day, ("", ""))[0] != "holiday"
        ]


@dataclass(frozen=True)
class SpecialDay:
    """A day that differs from the ordinary week: a holiday, or a make-up workday."""

    day: date
    kind: str
    name: str


@dataclass(frozen=True)
class YearReport:
    """Where a year's schedule comes from, and its non-ordinary days."""

    year: int
    source: Source
    source_label: str
    days: list[SpecialDay] = field(default_factory=list)
    file: str | None = None
    loaded_by: str | None = None
    loaded_at: datetime | None = None


def parse_schedule_csv(text: str, filename: str) -> Schedule:
    """Parse a `date,kind,name` CSV into a Schedule, refusing the whole file at the first bad row."""
    days: dict[date, tuple[str, str]] = {}
    first_row: dict[date, int] = {}
    year: int | None = None
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), strict=True)  # Excel writes a BOM
    seen_any = False
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a NUL byte or an unclosed quote
            raise CalendarFileError(filename, reader.line_num, f"不是有效的 CSV（{exc}）") from None
        row = reader.line_num
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if not seen_any and [c.lower() for c in cells] == HEADER:
            seen_any = True
            continue
        seen_any = True
        if len(cells) not in (2, 3):
            raise CalendarFileError(filename, row, f"应有 3 列（date,kind,name），实际 {len(cells)} 列")
        raw_day, kind = cells[0], cells[1].lower()
        name = cells[2] if len(cells) == 3 else ""
        day = _parse_day(raw_day, filename, row)
        if kind not in KINDS:
            raise CalendarFileError(filename, row, f"类型 {cells[1]!r} 无效，只能是 holiday 或 workday")
        if len(name) > NAME_MAX:
            raise CalendarFileError(filename, row, f"名称超过 {NAME_MAX} 个字符")
        if year is None:
            year = day.year
        elif day.year != year:
            raise CalendarFileError(filename, row, f"日期 {raw_day} 不属于 {year} 年；一个文件只能装一个年度")
        if day in days:
            raise CalendarFileError(filename, row, f"日期 {raw_day} 与第 {first_row[day]} 行重复")
        # Holidays on weekends are normal (blocks span them); a make-up workday must be a weekend.
        if kind == "workday" and day.weekday() < 5:
            reason = f"{raw_day} 是周一至周五，本来就上班，不能列为调休上班（workday）"
            raise CalendarFileError(filename, row, reason)
        days[day] = (kind, name)
        first_row[day] = row
    if year is None:
        raise CalendarFileError(filename, None, "文件为空，没有任何日期")
    return Schedule(year, dict(sorted(days.items())))


def _parse_day(raw: str, filename: str, row: int) -> date:
    """Parse a strict YYYY-MM-DD date (fromisoformat alone also takes 20260101 and week dates)."""
    if not _DATE_RE.fullmatch(raw):
        raise CalendarFileError(filename, row, f"日期 {raw!r} 格式错误，应为 YYYY-MM-DD")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CalendarFileError(filename, row, f"日期 {raw!r} 不存在") from None


def load_schedule(session: Session, schedule: Schedule, *, source: str, actor: str, now: datetime) -> None:
    """Replace the stored schedule of `schedule.year`, with an audit event, in the caller's transaction."""
    session.execute(delete(CalendarDay).where(CalendarDay.year == schedule.year))
    record = session.get(CalendarYear, schedule.year)
    if record is None:
        session.add(CalendarYear(year=schedule.year, source=source, loaded_at=now, loaded_by=actor))
    else:
        record.source, record.loaded_at, record.loaded_by = source, now, actor
    session.flush()  # the year row must exist before its days reference it
    session.add_all(
        CalendarDay(day=day, year=schedule.year, kind=kind, name=name)
        for day, (kind, name) in schedule.days.items()
    )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="calendar_load",
        year=schedule.year,
        source=source,
        holidays=schedule.count("holiday"),
        workdays=schedule.count("workday"),
    )
    session.flush()


def loaded_years(session: Session) -> dict[int, dict[date, str]]:
    """Return every loaded year as {year: {date: kind}}; a loaded year may list no days at all."""
    years: dict[int, dict[date, str]] = {y: {} for y in session.scalars(select(CalendarYear.year))}
    for day in session.scalars(select(CalendarDay)):
        years.setdefault(day.year, {})[day.day] = day.kind
    return years


def calendar_from_db(session: Session, close_of_business: time = time(17, 30)) -> WorkingCalendar:
    """Return a WorkingCalendar that uses the years loaded in the database."""
    return WorkingCalendar(loaded_years(session), close_of_business=close_of_business)


def describe_year(session: Session | None, year: int, calendar: WorkingCalendar) -> YearReport:
    """Report where `year`'s schedule comes from and list its holidays and make-up workdays.

    With no session (database not migrated yet) only the package and the law are consulted.
    """
    record = session.get(CalendarYear, year) if session is not None else None
    if session is not None and record is not None:
        when = record.loaded_at.astimezone(calendar.tz).isoformat(timespec="seconds")
        rows = session.scalars(select(CalendarDay).where(CalendarDay.year == year).order_by(CalendarDay.day))
        return YearReport(
            year=year,
            source="loaded",
            source_label=f"loaded from {record.source} by {record.loaded_by} at {when}",
            days=[SpecialDay(r.day, r.kind, r.name) for r in rows],
            file=record.source,
            loaded_by=record.loaded_by,
            loaded_at=record.loaded_at,
        )
    source = calendar.year_source(year)
    label = "chinesecalendar package" if source == "package" else "provisional (statutory holidays only)"
    days: list[SpecialDay] = []
    day = date(year, 1, 1)
    while day.year == year:
        info = calendar.day_info(day)
        # A named weekend inside a holiday block is listed; a weekday that stays a workday is not.
        if info.workday != (day.weekday() < 5) or (not info.workday and info.name):
            days.append(SpecialDay(day, "workday" if info.workday else "holiday", info.name))
        day += timedelta(days=1)
    return YearReport(year=year, source=source, source_label=label, days=days)
