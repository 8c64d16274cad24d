"""`cuncun calendar`: compute deadlines, load a year's official schedule, show a year."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path

import click
from sqlalchemy import inspect

from app.cli.common import cli_actor, get_store
from engine.calendar import (
    HEADER,
    CalendarFileError,
    WorkingCalendar,
    describe_year,
    load_schedule,
    loaded_years,
    parse_schedule_csv,
)
from engine.models import CalendarYear
from engine.store import Store

# Run after a successful load, in order, each with its own transaction(s); a returned string is printed.
# The lead hooks "recompute provisional deadlines of open cases in this year" here.
AFTER_LOAD: list[Callable[[Store, int], str | None]] = []

WEEKDAYS = "一二三四五六日"



def _has_calendar_tables(store: Store) -> bool:
    """Return whether the calendar tables exist (the database may not be migrated yet)."""
    return inspect(store.engine).has_table(CalendarYear.__tablename__)


def _parse_hhmm(_ctx: click.Context, param: click.Parameter, value: str | None) -> time | None:
    """Parse an HH:MM option."""
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%H:%M").time()
    except ValueError:
        raise click.BadParameter(f"expected HH:MM, got {value!r}", param=param) from None


def _calendar(store: Store, close: time) -> WorkingCalendar:
    """Return a calendar with the loaded years, or with none if the tables are missing."""
    if not _has_calendar_tables(store):
        return WorkingCalendar(close_of_business=close)
    with store.session() as session:
        return WorkingCalendar(loaded_years(session), close_of_business=close)


@click.group("calendar")
def calendar() -> None:
    """Working-day calendar: deadlines and official holiday schedules."""


@calendar.command("due")
@click.option("--from", "from_", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Acceptance day.")
@click.option("--at", "at", default="09:00", callback=_parse_hhmm, help="Acceptance time, HH:MM (09:00).")
@click.option("--days", required=True, type=click.IntRange(min=0), help="Working days; 0 = same day.")
@click.option("--close", default=None, callback=_parse_hhmm, help="Close of business, HH:MM (17:30).")
def due_cmd(from_: datetime, at: time, days: int, close: time | None) -> None:
    """Print the due moment (ISO 8601, +08:00) of a case, and 'provisional' when it is."""
    cal = _calendar(get_store(), close or time(17, 30))
    accepted = datetime.combine(from_.date(), at, tzinfo=cal.tz)
    try:
        result = cal.due(accepted, days)
    except ValueError as exc:  # e.g. a year the statutory rules cannot be computed for
        raise click.ClickException(str(exc)) from None
    click.echo(result.iso() + (" provisional" if result.provisional else ""))


@calendar.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor", default=None, help="Who is loading (defaults to the OS user).")
def load_cmd(file: Path, actor: str | None) -> None:
    """Load (or replace) one year's holidays and make-up workdays from a date,kind,name CSV."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"文件 {file.name}：不是 UTF-8 编码的 CSV") from None
    try:
        schedule = parse_schedule_csv(text, file.name)
    except CalendarFileError as exc:
        raise click.ClickException(str(exc)) from None
    store = get_store()
    if not _has_calendar_tables(store):
        raise click.ClickException("the calendar tables do not exist; migrate the database first")
    with store.session(write=True) as session:
        load_schedule(session, schedule, source=file.name, actor=cli_actor(actor), now=datetime.now(UTC))
    click.echo(
        f"Loaded {schedule.year} from {file.name}: {schedule.count('holiday')} holidays, "
        f"{schedule.count('workday')} make-up workdays."
    )
    for warning in schedule.warnings():
        click.echo(f"warning: {warning}", err=True)
    for hook in AFTER_LOAD:
        message = hook(store, schedule.year)
        if message:
            click.echo(message)


@calendar.command("show")
@click.argument("year", type=click.IntRange(1901, 2099))
@click.option("--csv", "as_csv", is_flag=True, help="Print the days as a loadable date,kind,name CSV.")
def show_cmd(year: int, as_csv: bool) -> None:
    """Print where YEAR's schedule comes from, and its holidays and make-up workdays."""
    store = get_store()
    if _has_calendar_tables(store):
        with store.session() as session:
            report = describe_year(session, year, WorkingCalendar(loaded_years(session)))
    else:
        report = describe_year(None, year, WorkingCalendar())
    if as_csv:
        # An export to edit and load back, e.g. when a new notice moves days of a package year.
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows((d.day.isoformat(), d.kind, d.name) for d in report.days)
        click.echo(out.getvalue(), nl=False)
        return
    click.echo(f"{year}: {report.source_label}")
    for day in report.days:
        click.echo(f"{day.day.isoformat()} 周{WEEKDAYS[day.day.weekday()]} {day.kind:<7} {day.name}".rstrip())

