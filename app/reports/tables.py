"""Build the report tables from live data (points, milestones, the subsidy ledger); nothing here is typed in.

附件4, 附件5 and the progress report count the village and community points (行政村、社区: 192, as the county's
tables print them); the towns' own demo points (示范网点, 12) are not in those tables. The funds report covers
every point, since the subsidy is paid per service point.

Which points a table counts (so that a past month's report is the same whenever it is made): with no `as_of`
(the current month, live) the points open now; as of a moment, the points that existed during the period, i.e.
added on or before its end (NULL created_at: before records began) and not closed before its start. The period of
a monthly table is the month of `as_of`; the funds report's is the year, up to `as_of` when given.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.accounts.models import PointMilestone
from app.accounts.vocab import MILESTONES
from app.org.models import Point, Town
from app.org.profile_services import profiles_of
from app.reports.models import SubsidyEntry
from app.reports.vocab import OPERATING_MILESTONE, PLAN
from engine.clock import CHINA

REPORTED_AREAS = ("village", "community")


def rate(done: int, total: int) -> Fraction | None:
    """Return done ÷ total, or None when there is nothing to count."""
    return Fraction(done, total) if total else None


def show_rate(value: Fraction | None) -> str:
    """Show a rate as the tables print it, e.g. "34.3%"."""
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def _towns(session: Session, town_code: str | None, county_code: str | None = None) -> list[Town]:
    query = select(Town).order_by(Town.ordinal)
    if county_code:
        query = query.where(Town.county_code == county_code)
    return list(session.scalars(query.where(Town.code == town_code) if town_code else query))


def _existing(query, start: datetime | None, end: datetime | None):
    """Keep the points that existed between start and end (both None: the points open now)."""
    if end is None:
        return query.where(Point.active.is_(True))
    # A closed point has closed_at; one closed before records (closed_at NULL, inactive) never counts.
    return query.where(or_(Point.created_at.is_(None), Point.created_at <= end),
                       or_(Point.active.is_(True), Point.closed_at >= start))


def _month_start(as_of: datetime | None) -> datetime | None:
    """Return the first moment (Beijing time) of the month `as_of` falls in."""
    return None if as_of is None else as_of.astimezone(CHINA).replace(day=1, hour=0, minute=0, second=0,
                                                                      microsecond=0)


def _reported(query, as_of: datetime | None = None, areas=REPORTED_AREAS):
    return _existing(query, _month_start(as_of), as_of).where(Point.area.in_(areas))


def _reached_by(query, as_of: datetime | None):
    """Count only milestones reached by `as_of` (a past month's report shows that month, not today)."""
    return query if as_of is None else query.where(PointMilestone.set_at <= as_of)


@dataclass
class SummaryRow:
    """One town's line of 附件4: its points and, per milestone, how many points reached it."""

    code: str
    name: str
    points: int
    done: dict[str, int] = field(default_factory=dict)

    def rate(self, milestone: str) -> Fraction | None:
        """Return the share of the town's points that reached the milestone."""
        return rate(self.done.get(milestone, 0), self.points)


def town_summary(session: Session, town_code: str | None = None, as_of: datetime | None = None,
                 county_code: str | None = None) -> tuple[list[SummaryRow], SummaryRow]:
    """Return 附件4's rows (one per town of the county, its order) and the county total, as of a moment when given."""
    rows = {t.code: SummaryRow(t.code, t.name, 0, {m: 0 for m in MILESTONES})
            for t in _towns(session, town_code, county_code)}
    counts = session.execute(_reported(select(Point.town_code, func.count()).group_by(Point.town_code), as_of))
    for code, count in counts:
        if code in rows:
            rows[code].points = count
    reached = session.execute(_reached_by(_reported(
        select(Point.town_code, PointMilestone.milestone, func.count())
        .join(PointMilestone, PointMilestone.point_code == Point.code)
        .group_by(Point.town_code, PointMilestone.milestone), as_of), as_of))
    for code, milestone, count in reached:
        if code in rows and milestone in MILESTONES:
            rows[code].done[milestone] = count
    total = SummaryRow("", "合计", sum(r.points for r in rows.values()),
                       {m: sum(r.done[m] for r in rows.values()) for m in MILESTONES})
    return list(rows.values()), total


@dataclass
class DetailPoint:
    """One point's line of 附件5: its profile (columns 6-10) and 1 or 0 per milestone."""

    point: Point
    reached: set[str]
    profile: dict[str, str] = field(default_factory=dict)

    def flag(self, milestone: str) -> int:
        """Return 1 when the point reached the milestone, else 0."""
        return 1 if milestone in self.reached else 0


@dataclass
class DetailTown:
    """A town's block of 附件5: its own line (counts) and one line per village or community point."""

    town: Town
    villages: int
    communities: int
    points: list[DetailPoint]

    @property
    def total(self) -> int:
        """Return the town's number of points."""
        return self.villages + self.communities


def point_detail(session: Session, town_code: str | None = None, as_of: datetime | None = None,
                 county_code: str | None = None) -> list[DetailTown]:
    """Return 附件5's blocks, one per town (of the county), with every reported point's profile and milestones."""
    points = defaultdict(list)
    query = _reported(select(Point), as_of).order_by(Point.town_code, Point.area.desc(), Point.code)
    if town_code:
        query = query.where(Point.town_code == town_code)
    if county_code:
        query = query.where(Point.town_code.in_(select(Town.code).where(Town.county_code == county_code)))
    for point in session.scalars(query):
        points[point.town_code].append(point)
    codes = [p.code for ps in points.values() for p in ps]
    reached = defaultdict(set)
    for chunk in range(0, len(codes), 500):  # bounded IN lists, whatever the county grows to
        for code, milestone in session.execute(_reached_by(
                select(PointMilestone.point_code, PointMilestone.milestone)
                .where(PointMilestone.point_code.in_(codes[chunk:chunk + 500])), as_of)):
            reached[code].add(milestone)
    profiles = profiles_of(session, codes)
    blocks = []
    for town in _towns(session, town_code, county_code):
        mine = points.get(town.code, [])
        blocks.append(DetailTown(town, sum(p.area == "village" for p in mine), sum(p.area == "community" for p in mine),
                                 [DetailPoint(p, reached[p.code], profiles.get(p.code, {})) for p in mine]))
    return blocks


@dataclass(frozen=True)
class ProgressRow:
    """One task of 附件3 with how many points have done it."""

    no: int
    milestone: str
    task: str
    team: str
    limit: str
    points: int
    done: int

    @property
    def rate(self) -> Fraction | None:
        """Return the share done."""
        return rate(self.done, self.points)


def progress(session: Session, town_code: str | None = None, as_of: datetime | None = None,
             county_code: str | None = None) -> list[ProgressRow]:
    """Return the progress report: each milestone's 附件3 task, team and limit, and the points that did it."""
    rows, total = town_summary(session, town_code, as_of, county_code)
    line = rows[0] if town_code and rows else total
    return [ProgressRow(n, m, *PLAN[m], line.points, line.done.get(m, 0)) for n, m in enumerate(PLAN, start=1)]


@dataclass
class FundsRow:
    """One town's subsidy figures for a year (amounts in fen)."""

    code: str
    name: str
    points: int = 0
    operating: int = 0
    due_fen: int = 0
    allocated_fen: int = 0
    arrived_fen: int = 0
    arrived_points: int = 0

    @property
    def rate(self) -> Fraction | None:
        """Return the share of the due amount that arrived."""
        return rate(self.arrived_fen, self.due_fen) if self.due_fen else None


def funds(session: Session, year: int, per_point_yuan: int, town_code: str | None = None,
          as_of: datetime | None = None, county_code: str | None = None) -> tuple[list[FundsRow], FundsRow]:
    """Return each town's subsidy due (operating points × the yearly amount), allocated and arrived in a year."""
    rows = {t.code: FundsRow(t.code, t.name) for t in _towns(session, town_code, county_code)}
    start = datetime(year, 1, 1, tzinfo=CHINA)
    end = datetime(year + 1, 1, 1, tzinfo=CHINA) - timedelta(microseconds=1)
    end = min(end, as_of) if as_of is not None else end
    existed = _existing(select(Point.town_code, func.count()).group_by(Point.town_code), start, end)
    for code, count in session.execute(existed):
        if code in rows:
            rows[code].points = count
    operating = _existing(select(Point.town_code, func.count())
                          .join(PointMilestone, PointMilestone.point_code == Point.code)
                          .where(PointMilestone.milestone == OPERATING_MILESTONE).group_by(Point.town_code), start, end)
    for code, count in session.execute(_reached_by(operating, end)):  # a past year: milestones of that year
        if code in rows:
            rows[code].operating = count
            rows[code].due_fen = count * per_point_yuan * 100
    sums = (select(SubsidyEntry.town_code, SubsidyEntry.kind, func.sum(SubsidyEntry.amount_fen),
                   func.count(func.distinct(SubsidyEntry.point_code)))
            .where(SubsidyEntry.year == year).group_by(SubsidyEntry.town_code, SubsidyEntry.kind))
    if as_of is not None:
        sums = sums.where(SubsidyEntry.on_date <= as_of.astimezone(CHINA).date())
    for code, kind, amount, distinct_points in session.execute(sums):
        if code in rows:
            if kind == "allocated":
                rows[code].allocated_fen = int(amount or 0)
            else:
                rows[code].arrived_fen, rows[code].arrived_points = int(amount or 0), distinct_points
    total = FundsRow("", "合计")
    for row in rows.values():
        for attr in ("points", "operating", "due_fen", "allocated_fen", "arrived_fen", "arrived_points"):
            setattr(total, attr, getattr(total, attr) + getattr(row, attr))
    return list(rows.values()), total


def yuan(fen: int) -> str:
    """Show an amount in fen as yuan with two decimals."""
    return f"{fen // 100}.{fen % 100:02d}"

