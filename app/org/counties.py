"""Find a county role's county and the county's towns: the county boundary of app.auth.policy."""

from __future__ import annotations

from dataclasses import replace

from flask import current_app, g, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.org.models import County, CountyMember, Town
from engine.runtime import CaseContext


def _store():
    return current_app.extensions["cuncun.engine"].store


def _cached(key: str, load):
    """Return a value computed once per request (app context): policy checks run many times a page."""
    cache = g.setdefault("cuncun_counties", {})
    if key not in cache:
        cache[key] = load()
    return cache[key]


def member_county(session: Session, user_id: int) -> str | None:
    """Return the county a county-level account is bound to; with none bound, the only county if there is one."""
    code = session.scalar(select(CountyMember.county_code).where(CountyMember.user_id == user_id))
    if code is not None:
        return code
    # A one-county installation (Qinshui's own) needs no binding; with several, an unbound account sees nothing.
    codes = session.scalars(select(County.code).limit(2)).all()
    return codes[0] if len(codes) == 1 else None


def towns_of(session: Session, county_code: str) -> frozenset[str]:
    """Return the codes of a county's towns."""
    return frozenset(session.scalars(select(Town.code).where(Town.county_code == county_code)))


def county_of(user: object) -> str | None:
    """Return the county a county-role user works for, or None when it cannot be told."""
    code = getattr(user, "county_code", None)
    if code is not None:
        return code
    user_id = getattr(user, "id", None)
    if user_id is None or not has_app_context():
        return None

    def load() -> str | None:
        with _store().session() as session:
            return member_county(session, user_id)

    return _cached(f"user:{user_id}", load)


def county_towns(county_code: str) -> frozenset[str]:
    """Return the codes of a county's towns (none when there is no app to ask)."""
    if not has_app_context():
        return frozenset()

    def load() -> frozenset[str]:
        with _store().session() as session:
            return towns_of(session, county_code)

    return _cached(f"towns:{county_code}", load)


def bind_member(session: Session, user_id: int, county_code: str) -> None:
    """Bind a county-level account to a county (replacing an earlier binding)."""
    if session.get(County, county_code) is None:
        raise LookupError(county_code)
    member = session.get(CountyMember, user_id)
    if member is None:
        session.add(CountyMember(user_id=user_id, county_code=county_code))
    else:
        member.county_code = county_code
    session.flush()


def is_sole_county(county_code: str) -> bool:
    """Tell whether this is the installation's only county (then county-level records without a town are its own)."""
    if not has_app_context():
        return False

    def load() -> bool:
        with _store().session() as session:
            return session.scalars(select(County.code).limit(2)).all() == [county_code]

    return _cached("sole", load)


def town_county(session: Session, town_code: str) -> str | None:
    """Return the county a town belongs to (None for a town the database does not know)."""
    return session.scalar(select(Town.county_code).where(Town.code == town_code))


def user_county(session: Session, user: object) -> str | None:
    """Return the county a user starts cases for: their town's, or a county role's own (see member_county)."""
    town = getattr(user, "town_code", None)
    if town:
        return town_county(session, town)
    code = getattr(user, "county_code", None)
    if code is not None:
        return code
    user_id = getattr(user, "id", None)
    return member_county(session, user_id) if user_id is not None else None


def placed(session: Session, context: CaseContext, county_code: str | None = None) -> CaseContext:
    """Return the context with the case's county: its town's, else (a county-level case) the county it is for.

    The county is what lets a county role see a case without a town (app.auth.policy.Scope.contains).
    """
    county = town_county(session, context.town_code) if context.town_code else None
    return replace(context, county_code=county or county_code or context.county_code)
