"""Read-only queries of the outbox for the supervisors' page."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.province.models import ProvinceOutbox


def scoped(query, scope: dict):
    """Keep an outbox query to the rows of a point, town or county scope (see app.auth.policy.scope_kwargs)."""
    for column in ("point_code", "town_code"):
        if column in scope:
            query = query.where(getattr(ProvinceOutbox, column) == scope[column])
    if "town_codes" in scope:
        query = query.where(ProvinceOutbox.town_code.in_(scope["town_codes"]))
    return query


def in_scope(row: ProvinceOutbox, scope: dict) -> bool:
    """Tell whether one outbox row lies in a scope_kwargs scope."""
    if "town_codes" in scope and row.town_code not in scope["town_codes"]:
        return False
    return all(scope[column] == getattr(row, column) for column in ("point_code", "town_code") if column in scope)


def troubled(session: Session, scope: dict, limit: int = 200) -> list[ProvinceOutbox]:
    """Return dead letters and rows whose last attempt failed, in scope, oldest first."""
    query = select(ProvinceOutbox).where(or_(ProvinceOutbox.status == "dead",
                                             (ProvinceOutbox.status == "pending")
                                             & ProvinceOutbox.last_error.is_not(None)))
    return list(session.scalars(scoped(query, scope).order_by(ProvinceOutbox.created_at).limit(limit)))


def counts(session: Session, scope: dict) -> dict[str, int]:
    """Return how many rows in scope are in each status."""
    query = select(ProvinceOutbox.status, func.count()).group_by(ProvinceOutbox.status)
    return dict(session.execute(scoped(query, scope)).all())


def row_in_scope(session: Session, outbox_id: int, scope: dict) -> ProvinceOutbox | None:
    """Return one row if it lies in scope."""
    return session.scalars(scoped(select(ProvinceOutbox).where(ProvinceOutbox.id == outbox_id), scope)).first()


def for_case(session: Session, instance_id: int) -> list[ProvinceOutbox]:
    """Return what one case handed to the province, oldest first (the case page's handoff lines)."""
    return list(session.scalars(select(ProvinceOutbox).where(ProvinceOutbox.instance_id == instance_id)
                                .order_by(ProvinceOutbox.id)))
