"""Read towns and points, always inside a user's scope."""

from __future__ import annotations

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from app.auth.policy import Scope
from app.org.models import Point, Town
from engine.models import ProcessInstance
from engine.queries import OPEN


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


def town_in_county(session: Session, code: str, county_code: str | None) -> Town | None:
    """Return the town when it belongs to the county (None: outside it, or no such town)."""
    town = session.get(Town, code)
    return town if town is not None and county_code is not None and town.county_code == county_code else None


def point_in_county(session: Session, code: str, county_code: str | None) -> tuple[Point, Town] | None:
    """Return a point and its town when the town belongs to the county."""
    point = session.get(Point, code)
    town = town_in_county(session, point.town_code, county_code) if point is not None else None
    return (point, town) if town is not None else None


def county_towns(session: Session, county_code: str) -> list[tuple[Town, int, int]]:
    """Return a county's towns in order, each with its numbers of open and closed points."""
    open_points = func.count(Point.code).filter(Point.active.is_(True))
    closed = func.count(Point.code).filter(Point.active.is_(False))
    rows = session.execute(select(Town, open_points, closed).outerjoin(Point, Point.town_code == Town.code)
                           .where(Town.county_code == county_code).group_by(Town.code).order_by(Town.ordinal))
    return [(town, n_open, n_closed) for town, n_open, n_closed in rows]


SEARCH_LIMIT = 20


def search_points(session: Session, scope: Scope, text: str, *, town_code: str | None = None,
                  open_only: bool = False, limit: int = SEARCH_LIMIT) -> list[tuple[Point, Town]]:
    """Find the scope's points whose code starts with, or whose name contains, the text: best matches first."""
    text = " ".join(text.split())[:40]
    if not text:
        return []
    code = text.upper()
    query = _in_scope(select(Point, Town).join(Town, Point.town_code == Town.code), scope).where(
        Point.code.startswith(code, autoescape=True) | Point.name.contains(text, autoescape=True))
    if town_code:
        query = query.where(Point.town_code == town_code)
    if open_only:
        query = query.where(Point.active.is_(True))
    rank = case((Point.code == code, 0), (Point.code.startswith(code, autoescape=True), 1),
                (Point.name.startswith(text, autoescape=True), 2), else_=3)
    return [(p, t) for p, t in session.execute(query.order_by(rank, Point.code).limit(limit))]


def resolve_point(session: Session, scope: Scope, text: str) -> str:
    """Turn what was typed in a point filter into a point code: a code as is, else the one point of that name."""
    text = " ".join(text.split())
    if not text or session.get(Point, text.upper()) is not None:
        return text.upper()
    codes = session.scalars(_in_scope(select(Point.code), scope).where(Point.name == text).limit(2)).all()
    return codes[0] if len(codes) == 1 else text


def open_cases_at(session: Session, point_code: str) -> int:
    """Count the cases of a point that are not finished."""
    return session.scalar(select(func.count()).select_from(ProcessInstance).where(
        ProcessInstance.point_code == point_code, ProcessInstance.status.in_(OPEN))) or 0
