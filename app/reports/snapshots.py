"""Freeze a report's figures when a town confirms or the county submits, and give any month's figures back.

A submitted (or confirmed) month is read from its snapshot, so exporting it later reproduces exactly what was sent,
whatever changed since; a month with no snapshot is computed from the data as of that month's end.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.org.models import Point, Town
from app.reports import tables
from app.reports.models import BigId
from app.reports.settings import ReportSettings
from app.reports.vocab import POINT_DETAIL, PROGRESS, TOWN_SUMMARY
from engine.clock import CHINA
from engine.models import Base
from engine.types import UTCDateTime

COUNTY = ""  # town_code of the county's own snapshot


class ReportSnapshot(Base):
    """The figures of one report of one month as a town confirmed them or the county submitted them (JSON)."""

    __tablename__ = "report_snapshot"
    __table_args__ = (UniqueConstraint("kind", "period", "county_code", "town_code", name="uq_report_snapshot_county"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7), index=True)
    county_code: Mapped[str] = mapped_column(String(10))  # the county of the town, or of the submission
    town_code: Mapped[str] = mapped_column(String(10))  # "" for the county's submission
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())
    taken_by: Mapped[str] = mapped_column(String(80))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())
    figures: Mapped[str] = mapped_column(Text)


def period_end(period: str) -> datetime:
    """Return the last moment of a month (Beijing time)."""
    year, month = map(int, period.split("-"))
    first_next = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=CHINA)
    return first_next - timedelta(microseconds=1)


def as_of(period: str, now: datetime) -> datetime | None:
    """Return the moment a month's figures are taken at: its end when it is over, else None (now)."""
    end = period_end(period)
    return end if end < now else None


def _detail_json(blocks: list[tables.DetailTown]) -> list[dict]:
    return [{"town": [b.town.code, b.town.name, b.town.ordinal], "villages": b.villages,
             "communities": b.communities,
             "points": [{"code": d.point.code, "name": d.point.name, "kind": d.point.kind, "area": d.point.area,
                         "reached": sorted(d.reached), "profile": d.profile} for d in b.points]} for b in blocks]


def _detail_load(data: list[dict]) -> list[tables.DetailTown]:
    blocks = []
    for b in data:
        town = Town(code=b["town"][0], name=b["town"][1], ordinal=b["town"][2])
        points = [tables.DetailPoint(Point(code=p["code"], name=p["name"], town_code=town.code, kind=p["kind"],
                                           area=p["area"], active=True), set(p["reached"]), p["profile"])
                  for p in b["points"]]
        blocks.append(tables.DetailTown(town, b["villages"], b["communities"], points))
    return blocks


def compute(session: Session, kind: str, period: str, town_code: str | None, at: datetime | None,
            county_code: str | None = None) -> Any:
    """Return a report's figures of a town or a county from the data (as of `at` when given), as tables builds them."""
    if kind == TOWN_SUMMARY:
        return tables.town_summary(session, town_code, at, county_code)
    if kind == POINT_DETAIL:
        return tables.point_detail(session, town_code, at, county_code)
    if kind == PROGRESS:
        return tables.progress(session, town_code, at, county_code)
    return tables.funds(session, int(period[:4]), ReportSettings.from_env().subsidy_per_point, town_code, at,
                        county_code)


def to_json(kind: str, figures: Any) -> str:
    """Serialise a report's figures."""
    if kind == POINT_DETAIL:
        data: Any = _detail_json(figures)
    elif kind == PROGRESS:
        data = [asdict(r) for r in figures]
    else:
        rows, total = figures
        data = {"rows": [asdict(r) for r in rows], "total": asdict(total)}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def from_json(kind: str, text: str) -> Any:
    """Rebuild a report's figures from a snapshot."""
    data = json.loads(text)
    if kind == POINT_DETAIL:
        return _detail_load(data)
    if kind == PROGRESS:
        return [tables.ProgressRow(**r) for r in data]
    row = tables.SummaryRow if kind == TOWN_SUMMARY else tables.FundsRow
    return [row(**r) for r in data["rows"]], row(**data["total"])


def _snapshot(session: Session, kind: str, period: str, county_code: str, key: str) -> ReportSnapshot | None:
    return session.scalar(select(ReportSnapshot).where(
        ReportSnapshot.kind == kind, ReportSnapshot.period == period, ReportSnapshot.county_code == county_code,
        ReportSnapshot.town_code == key))


def take(session: Session, kind: str, period: str, county_code: str, town_code: str | None, *,
         instance_id: int | None, actor: str, now: datetime) -> ReportSnapshot:
    """Freeze a report's figures for a town of a county (or the county when town_code is None); never replace one."""
    key = town_code or COUNTY
    existing = _snapshot(session, kind, period, county_code, key)
    if existing is not None:
        return existing  # frozen: a later step never rewrites what was confirmed or sent
    at = as_of(period, now) or now
    figures = compute(session, kind, period, town_code, at, county_code)
    row = ReportSnapshot(kind=kind, period=period, county_code=county_code, town_code=key, instance_id=instance_id,
                         as_of=at, taken_by=actor, taken_at=now, figures=to_json(kind, figures))
    session.add(row)
    session.flush()
    return row


def figures(session: Session, kind: str, period: str, county_code: str, town_code: str | None, now: datetime
            ) -> tuple[Any, str]:
    """Return a county's (or its town's) figures of a month and their source: the snapshot when frozen, else data."""
    snapshot = _snapshot(session, kind, period, county_code, town_code or COUNTY)
    if snapshot is None and town_code:
        # A town's view of a month its county submitted: its part of the county's frozen figures.
        county = _snapshot(session, kind, period, county_code, COUNTY)
        if county is not None and kind != PROGRESS:
            return _narrow(kind, from_json(kind, county.figures), town_code), _frozen(county, "报送")
    if snapshot is not None:
        return from_json(kind, snapshot.figures), _frozen(snapshot, "确认" if town_code else "报送")
    at = as_of(period, now)
    source = "按实时数据生成" if at is None else f"按{at:%Y-%m-%d}日终数据生成"
    return compute(session, kind, period, town_code, at, county_code), source


def _frozen(snapshot: ReportSnapshot, verb: str) -> str:
    return f"{snapshot.taken_by}于{snapshot.taken_at.astimezone(CHINA):%Y-%m-%d %H:%M}{verb}时的数据（已冻结）"


def _narrow(kind: str, figures: Any, town_code: str) -> Any:
    if kind == POINT_DETAIL:
        return [b for b in figures if b.town.code == town_code]
    rows, _ = figures
    mine = [r for r in rows if r.code == town_code]
    # As the live tables do for one town: its line, and a total line equal to it.
    return mine, replace(mine[0], code="", name="合计") if mine else replace(rows[0], code="", name="合计")
