"""The subsidy ledger (方案七(一)): 1,500 yuan per operating point per year; what was allocated and what arrived."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.accounts.milestones import set_milestone
from app.accounts.models import PointMilestone
from app.org.models import Point, Town
from app.reports.models import SubsidyEntry
from app.reports.tables import yuan
from app.reports.vocab import ENTRY_KINDS, OPERATING_MILESTONE, SUBSIDY_MILESTONE
from engine import audit

SOURCE = "subsidy_ledger"
MAX_FEN = 100_000_000  # one entry of at most 1,000,000 yuan: a typo with extra zeros is refused
_AMOUNT = re.compile(r"\d+(\.\d{1,2})?")


class SubsidyRefused(Exception):
    """A ledger entry refused; the message is Chinese, for the user."""


def parse_amount(text: str) -> int:
    """Read an amount in yuan (up to two decimals) into fen."""
    text = (text or "").strip().replace(",", "").replace("，", "")
    if not _AMOUNT.fullmatch(text):
        raise SubsidyRefused("金额应为大于0的数字，最多两位小数，如1500或750.50。")
    try:
        fen = int(Decimal(text) * 100)
    except InvalidOperation as exc:
        raise SubsidyRefused("金额应为数字。") from exc
    if not 0 < fen <= MAX_FEN:
        raise SubsidyRefused("金额应大于0且不超过1000000元。")
    return fen


def add_entry(session: Session, *, year: int, point_code: str, kind: str, amount: str, on: date | None, note: str,
              actor: str, at: datetime, today: date, town_code: str | None = None) -> SubsidyEntry:
    """Record money allocated to or arrived at a point; an arrival sets the point's 资金到位 milestone."""
    if kind not in ENTRY_KINDS:
        raise SubsidyRefused("请选择下达或到位。")
    point = session.get(Point, point_code)
    if point is None or not point.active or (town_code is not None and point.town_code != town_code):
        raise SubsidyRefused("请选择您管辖范围内的网点。")
    if not 2024 <= year <= today.year + 1:
        raise SubsidyRefused(f"年度应在2024年到{today.year + 1}年之间。")
    if on is None:
        raise SubsidyRefused("请填写日期。")
    if on > today:
        raise SubsidyRefused("日期不能晚于今天。")
    if len(note) > 500:
        raise SubsidyRefused("说明不能超过500个字。")
    fen = parse_amount(amount)
    entry = SubsidyEntry(year=year, point_code=point.code, town_code=point.town_code, kind=kind, amount_fen=fen,
                         on_date=on, note=note, entered_by=actor, entered_at=at)
    session.add(entry)
    session.flush()
    audit.record(session, at=at, actor=actor, action="subsidy_entry", point_code=point.code, entry_id=entry.id,
                 year=year, kind=kind, amount=yuan(fen), on=on.isoformat())
    if kind == "arrived":
        set_milestone(session, point.code, SUBSIDY_MILESTONE, at=at, by=actor, source=SOURCE,
                      note=f"{year}年就业补助资金到位{yuan(fen)}元（{on.isoformat()}）")
    return entry


@dataclass(frozen=True)
class LedgerRow:
    """A point's subsidy for a year: whether it operates, what it is due, what was allocated and what arrived."""

    point: Point
    town: Town
    operating: bool
    due_fen: int
    allocated_fen: int
    arrived_fen: int


def ledger(session: Session, year: int, per_point_yuan: int, town_code: str | None = None,
           county_code: str | None = None) -> list[LedgerRow]:
    """Return every active point's subsidy line for a year (of a town, of a county), the county's order."""
    sums = (select(SubsidyEntry.point_code,
                   func.sum(case((SubsidyEntry.kind == "allocated", SubsidyEntry.amount_fen), else_=0)),
                   func.sum(case((SubsidyEntry.kind == "arrived", SubsidyEntry.amount_fen), else_=0)))
            .where(SubsidyEntry.year == year).group_by(SubsidyEntry.point_code))
    money = {code: (int(a or 0), int(b or 0)) for code, a, b in session.execute(sums)}
    operating = set(session.scalars(select(PointMilestone.point_code)
                                    .where(PointMilestone.milestone == OPERATING_MILESTONE)))
    area_order = case((Point.area == "village", 0), (Point.area == "community", 1), else_=2)
    query = (select(Point, Town).join(Town, Town.code == Point.town_code).where(Point.active.is_(True))
             .order_by(Town.ordinal, area_order, Point.code))
    if town_code:
        query = query.where(Point.town_code == town_code)
    if county_code:
        query = query.where(Town.county_code == county_code)
    return [LedgerRow(p, t, p.code in operating, per_point_yuan * 100 if p.code in operating else 0,
                      *money.get(p.code, (0, 0))) for p, t in session.execute(query)]


def entries(session: Session, year: int, town_code: str | None = None, county_code: str | None = None,
            limit: int = 500) -> list[SubsidyEntry]:
    """Return a year's ledger entries (of a town, of a county), the latest first."""
    query = select(SubsidyEntry).where(SubsidyEntry.year == year)
    if town_code:
        query = query.where(SubsidyEntry.town_code == town_code)
    if county_code:
        query = query.where(SubsidyEntry.town_code.in_(select(Town.code).where(Town.county_code == county_code)))
    return list(session.scalars(query.order_by(SubsidyEntry.id.desc()).limit(limit)))
