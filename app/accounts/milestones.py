"""Point milestones (附件3/5): set once, with who, when and the source that set them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import PointMilestone
from app.accounts.vocab import MILESTONES
from app.org.models import Point
from engine import audit


def set_milestone(session: Session, point_code: str, milestone: str, *, at: datetime, by: str, source: str,
                  instance_id: int | None = None, note: str | None = None) -> bool:
    """Record that a point reached a milestone; return False when it had already reached it."""
    if milestone not in MILESTONES:
        raise ValueError(f"unknown milestone {milestone!r}; known: {', '.join(MILESTONES)}")
    point = session.get(Point, point_code)
    if point is None:
        raise ValueError(f"unknown point {point_code!r}")
    known = session.scalar(select(PointMilestone.id).where(PointMilestone.point_code == point_code,
                                                           PointMilestone.milestone == milestone))
    if known is not None:
        return False
    session.add(PointMilestone(point_code=point_code, town_code=point.town_code, milestone=milestone, set_at=at,
                               set_by=by, source=source, instance_id=instance_id, note=note))
    session.flush()
    audit.record(session, at=at, actor=by, action="milestone_set", instance_id=instance_id, point_code=point_code,
                 milestone=milestone, label=MILESTONES[milestone], source=source)
    return True


def milestones_of(session: Session, point_codes: Iterable[str]) -> dict[str, dict[str, PointMilestone]]:
    """Return each point's reached milestones, keyed by milestone code."""
    codes = list(point_codes)
    found: dict[str, dict[str, PointMilestone]] = {code: {} for code in codes}
    if codes:
        for row in session.scalars(select(PointMilestone).where(PointMilestone.point_code.in_(codes))):
            found[row.point_code][row.milestone] = row
    return found
