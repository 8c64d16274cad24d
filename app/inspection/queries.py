"""Read inspections and their rounds, always inside a user's scope."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from app.auth.policy import Scope
from app.inspection.models import Inspection, InspectionRound
from app.org.models import Point, Town


def _scoped(query, scope: Scope):
    return scope.narrow(query, Inspection.point_code, Inspection.town_code)


def list_inspections(session: Session, scope: Scope, *, town: str = "", status: str = "", limit: int = 500
                     ) -> list[tuple[Inspection, Point, Town]]:
    """Return the scope's inspections, those under way first, then the latest."""
    query = _scoped(select(Inspection, Point, Town).join(Point, Point.code == Inspection.point_code)
                    .join(Town, Town.code == Inspection.town_code), scope)
    if town:
        query = query.where(Inspection.town_code == town)
    if status:
        query = query.where(Inspection.status == status)
    done_last = case((Inspection.status == "passed", 1), else_=0)
    return [tuple(row) for row in session.execute(
        query.order_by(done_last, Inspection.scheduled_on.desc(), Inspection.instance_id.desc()).limit(limit))]


def get_inspection(session: Session, instance_id: int) -> tuple[Inspection, Point, Town] | None:
    """Return an inspection with its point and town."""
    row = session.execute(select(Inspection, Point, Town).join(Point, Point.code == Inspection.point_code)
                          .join(Town, Town.code == Inspection.town_code)
                          .where(Inspection.instance_id == instance_id)).first()
    return tuple(row) if row else None


def rounds_of(session: Session, instance_id: int) -> list[InspectionRound]:
    """Return an inspection's rounds in order."""
    return list(session.scalars(select(InspectionRound).where(InspectionRound.instance_id == instance_id)
                                .order_by(InspectionRound.round_no)))


def round_lines(row: InspectionRound) -> list[dict[str, Any]]:
    """Return a round's lines as scored."""
    return json.loads(row.lines)
