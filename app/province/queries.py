"""Read-only queries of the outbox for the supervisors' page."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.province.models import ProvinceOutbox


def scoped(query, scope: dict[str, str]):
    """Keep an outbox query to the rows of a point or town scope (see app.auth.policy.scope_kwargs)."""
    for column in ("point_code", "town_code"):
        if column in scope:
            query = query.where(getattr(ProvinceOutbox, column) == scope[column])
    return query


def troubled(session: Session, scope: dict[str, str], limit: int = 200) -> list[ProvinceOutbox]:
    """Return dead letters and rows whose last attempt failed, in scope, oldest first."""
    query = select(ProvinceOutbox).where(or_(ProvinceOutbox.status == "dead",
                                             (ProvinceOutbox.status == "pending")
                                             & ProvinceOutbox.last_error.is_not(None)))
    return list(session.scalars(scoped(query, scope).order_by(ProvinceOutbox.created_at).limit(limit)))


def counts(session: Session, scope: dict[str, str]) -> dict[str, int]:
    """Return how many rows in scope are in each status."""
    query = select(ProvinceOutbox.status, func.count()).group_by(ProvinceOutbox.status)
    return dict(session.execute(scoped(query, scope)).all())


def row_in_scope(session: Session, outbox_id: int, scope: dict[str, str]) -> ProvinceOutbox | None:
    """Return one row if it lies in scope."""
    return session.scalars(scoped(select(ProvinceOutbox).where(ProvinceOutbox.id == outbox_id), scope)).first()
