"""Read the monthly reports' state: which months exist, each report's run and the towns' confirmations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.reports.models import ReportConfirmation, ReportRun


def periods(session: Session, limit: int = 24) -> list[str]:
    """Return the months that have reports, the latest first."""
    return list(session.scalars(select(ReportRun.period).distinct().order_by(ReportRun.period.desc()).limit(limit)))


def runs(session: Session, period: str) -> dict[str, ReportRun]:
    """Return a month's reports by kind."""
    return {r.kind: r for r in session.scalars(select(ReportRun).where(ReportRun.period == period))}


def confirmations(session: Session, period: str, town_code: str | None = None
                  ) -> dict[tuple[str, str], ReportConfirmation]:
    """Return a month's town confirmations by (kind, town), of one town when given."""
    query = select(ReportConfirmation).where(ReportConfirmation.period == period)
    if town_code:
        query = query.where(ReportConfirmation.town_code == town_code)
    return {(c.kind, c.town_code): c for c in session.scalars(query)}
