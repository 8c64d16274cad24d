"""Decide who may see and work what: the one place where access is decided.

A user here is any object with `role`, `point_code`, `town_code` and `active` (a `User` row or a test
stand-in); flask-login's anonymous user has none of them and is allowed nothing. A county role's county
comes from its `county_member` row (or a stand-in's `county_code`); see app/org/counties.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort

from app.auth.roles import ADMIN, role_level
from engine.queries import in_county

# A code no point or town carries: a user whose binding is missing sees nothing instead of everything.
UNBOUND = "(unbound)"


@dataclass(frozen=True)
class Scope:
    """Where a user works: a point, a town, or a county (`towns` = the county's towns; None = no boundary)."""

    point_code: str | None = None
    town_code: str | None = None
    county_code: str | None = None
    towns: frozenset[str] | None = None

    @property
    def is_county(self) -> bool:
        """Tell whether the scope is a whole county."""
        return self.point_code is None and self.town_code is None

    def contains(self, point_code: str | None, town_code: str | None, county_code: str | None = None) -> bool:
        """Tell whether a record at this point and town (or, without a town, of this county) lies inside the scope."""
        if self.point_code is not None:
            return point_code == self.point_code
        if self.town_code is not None:
            return town_code == self.town_code
        if self.towns is None:
            return True
        if town_code is None:  # a county-level record: the county it belongs to
            return county_code is not None and county_code == self.county_code
        return town_code in self.towns

    def narrow(self, query, point_column, town_column, county_column=None):
        """Add this scope's conditions on a point, a town and (for records without a town) a county column."""
        if self.point_code is not None:
            return query.where(point_column == self.point_code)
        if self.town_code is not None:
            return query.where(town_column == self.town_code)
        if self.towns is not None:
            return query.where(in_county(town_column, county_column, self.towns, self.county_code))
        return query


NOWHERE = Scope(point_code=UNBOUND, town_code=UNBOUND)


def _enabled(user: object) -> bool:
    """Tell whether the user is a signed-in, active account."""
    return bool(getattr(user, "is_authenticated", True) and getattr(user, "active", False))


def scope_of(user: object) -> Scope:
    """Return the user's scope: clerk → their point, town staff → their town, county roles → their county."""
    if not _enabled(user):
        return NOWHERE
    level = role_level(getattr(user, "role", ""))
    if level == "point":
        point = getattr(user, "point_code", None)
        return Scope(point_code=point, town_code=getattr(user, "town_code", None)) if point else NOWHERE
    if level == "town":
        town = getattr(user, "town_code", None)
        return Scope(town_code=town) if town else NOWHERE
    if level == "county":
        from app.org.counties import county_of, county_towns, is_sole_county  # org reads Scope from here

        county = county_of(user)
        if county is None:
            return NOWHERE
        # With one county there is no boundary to keep; with several, a county sees its towns' records and its own
        # county-level ones (no town, its county_code), and a county-level record without a county stays hidden.
        return Scope(county_code=county) if is_sole_county(county) else Scope(county_code=county,
                                                                               towns=county_towns(county))
    return NOWHERE


def can_see(user: object, point_code: str | None, town_code: str | None, county_code: str | None = None) -> bool:
    """Tell whether the user may see a case or record held at this point and town (without a town: of this county)."""
    return scope_of(user).contains(point_code, town_code, county_code)


def can_work(user: object, candidate_role: str, point_code: str | None, town_code: str | None,
             county_code: str | None = None) -> bool:
    """Tell whether the user may work a task: their role is its candidate role and its point is in scope."""
    # Deliberately no superuser: an admin who could complete a clerk's task would break 首问负责制.
    if not _enabled(user) or getattr(user, "role", None) != candidate_role:
        return False
    return can_see(user, point_code, town_code, county_code)


def is_admin(user: object) -> bool:
    """Tell whether the user may administer the organisation and accounts."""
    return _enabled(user) and getattr(user, "role", None) == ADMIN


def scope_kwargs(user: object) -> dict:
    """Return the point_code=/town_code=/town_codes=+county_code= filters that keep a query (engine.queries) in scope.

    A county's filters are its towns and, for records without a town, the county itself.
    """
    scope = scope_of(user)
    if scope.point_code is not None:
        return {"point_code": scope.point_code}
    if scope.town_code is not None:
        return {"town_code": scope.town_code}
    if scope.towns is not None:
        return {"town_codes": sorted(scope.towns), "county_code": scope.county_code}
    return {}


def inbox_kwargs(user: object) -> dict:
    """Return open_tasks filters for the tasks the user may work: their role, inside their scope."""
    role = getattr(user, "role", None) if _enabled(user) else None
    return {"roles": [role] if role else [], **scope_kwargs(user)}


def require(condition: bool) -> None:
    """Abort with 403 unless the condition holds; for views only."""
    if not condition:
        abort(403)
