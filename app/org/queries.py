"""Read towns and points, always inside a user's scope."""

from __future__ import annotations

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from app.auth.policy import Scope
from app.org.models import Point, Town


def _in_scope(query: Select, scope: Scope) -> Select:
    """Narrow a query over points to the scope, in SQL."""
    return scope.narrow(query, Point.code, Point.town_code)


def list_towns(session: Session, scope: Scope) -> list[Town]:
    """Return the towns that have a point in the scope, in the county's order."""
    towns = select(Point.town_code)
    return list(session.scalars(select(Town).where(Town.code.in_(_in_scope(towns, scope)))
                                .order_by(Town.ordinal)))


def list_points(session: Session, scope: Scope, town_code: str | None = None) -> list[tuple[Point, Town]]:
    """Return the scope's points with their towns: by town, the demo point first, then by code."""
    query = _in_scope(select(Point, Town).join(Town, Point.town_code == Town.code), scope)
    if town_code:
        query = query.where(Point.town_code == town_code)
    demo_first = case((Point.kind == "demo", 0), else_=1)
    return [(p, t) for p, t in session.execute(query.order_by(Town.ordinal, demo_first, Point.code))]


def get_point(session: Session, code: str) -> Point | None:
    """Return the point with this code, if any."""
    return session.get(Point, code)


def point_town(session: Session, point_code: str) -> str | None:
    """Return the code of the town a point belongs to, if the point exists."""
    return session.scalar(select(Point.town_code).where(Point.code == point_code))


def names_of(session: Session, codes: set[str | None]) -> dict[str, str]:
    """Map the given point codes to their names (only those asked for: a province has tens of thousands)."""
    wanted = sorted(c for c in codes if c)
    if not wanted:
        return {}
    return dict(session.execute(select(Point.code, Point.name).where(Point.code.in_(wanted))).all())
