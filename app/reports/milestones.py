"""Set and undo point milestones by hand, for those no process causes (附件3/5); every change is audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from app.accounts.milestones import milestones_of, set_milestone
from app.accounts.models import PointMilestone
from app.accounts.vocab import MILESTONES
from app.org.models import Point, Town
from app.reports.vocab import MANUAL_MILESTONES, PROCESS_MILESTONES
from engine import audit

SOURCE = "manual"
SOURCES = {"manual": "手工设置", "account_request": "账号申请", "acceptance_inspection": "服务点建设验收",
           "subsidy_ledger": "补助资金台账"}


class MilestoneRefused(Exception):
    """A milestone change refused; the message is Chinese, for the user."""


def _check_manual(milestone: str) -> None:
    if milestone in PROCESS_MILESTONES:
        raise MilestoneRefused(f"“{MILESTONES[milestone]}”由{PROCESS_MILESTONES[milestone]}设置，不能手工设置或撤销。")
    if milestone not in MANUAL_MILESTONES:
        raise MilestoneRefused("请选择里程碑。")


def _points(session: Session, codes: Iterable[str], town_code: str | None) -> list[Point]:
    points = []
    for code in dict.fromkeys(codes):
        point = session.get(Point, code)
        if point is None or not point.active or (town_code is not None and point.town_code != town_code):
            raise MilestoneRefused(f"网点 {code} 不存在或不在您的管辖范围内。")
        points.append(point)
    return points


def set_manual(session: Session, point_codes: Iterable[str], milestone: str, *, actor: str, at: datetime,
               note: str, town_code: str | None = None) -> int:
    """Set a milestone on the chosen points (of `town_code`, when given); return how many were newly set."""
    _check_manual(milestone)
    points = _points(session, point_codes, town_code)
    if not points:
        raise MilestoneRefused("请勾选网点。")
    if len(note) > 500:
        raise MilestoneRefused("说明不能超过500个字。")
    return sum(set_milestone(session, p.code, milestone, at=at, by=actor, source=SOURCE, note=note or None)
               for p in points)


def unset_manual(session: Session, point_code: str, milestone: str, *, actor: str, at: datetime, reason: str,
                 town_code: str | None = None) -> None:
    """Undo a milestone set by hand by mistake, keeping the reason in the audit trail."""
    _check_manual(milestone)
    (point,) = _points(session, [point_code], town_code)
    if not reason.strip():
        raise MilestoneRefused("请填写撤销原因。")
    row = session.scalar(select(PointMilestone).where(PointMilestone.point_code == point.code,
                                                      PointMilestone.milestone == milestone))
    if row is None:
        raise MilestoneRefused(f"{point.name}尚未达到“{MILESTONES[milestone]}”。")
    if row.source != SOURCE:
        raise MilestoneRefused(f"“{MILESTONES[milestone]}”不是手工设置的，不能撤销。")
    audit.record(session, at=at, actor=actor, action="milestone_unset", point_code=point.code, milestone=milestone,
                 label=MILESTONES[milestone], reason=reason.strip()[:500], was_set_by=row.set_by,
                 was_set_at=row.set_at)
    session.delete(row)


def matrix(session: Session, town_code: str | None, county_code: str | None = None
           ) -> list[tuple[Point, Town, dict[str, PointMilestone]]]:
    """Return every active point (of a town, of a county) with the milestones it reached, the county's order."""
    area_order = case((Point.area == "village", 0), (Point.area == "community", 1), else_=2)
    query = (select(Point, Town).join(Town, Town.code == Point.town_code).where(Point.active.is_(True))
             .order_by(Town.ordinal, area_order, Point.code))
    if town_code:
        query = query.where(Point.town_code == town_code)
    if county_code:
        query = query.where(Town.county_code == county_code)
    rows = list(session.execute(query))
    reached = milestones_of(session, [p.code for p, _ in rows])
    return [(p, t, reached[p.code]) for p, t in rows]
