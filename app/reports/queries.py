"""Read the monthly reports' state: which months exist, each report's run and the towns' confirmations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.org.models import County, Town
from app.reports.models import ReportConfirmation, ReportRun


def county_name(session: Session, county_code: str) -> str:
    """Return a county's name ("" when unknown)."""
    return session.scalar(select(County.name).where(County.code == county_code)) or ""


def periods(session: Session, county_code: str, limit: int = 24) -> list[str]:
    """Return the months that have reports in a county, the latest first."""
    return list(session.scalars(select(ReportRun.period).where(ReportRun.county_code == county_code).distinct()
                                .order_by(ReportRun.period.desc()).limit(limit)))


def runs(session: Session, period: str, county_code: str) -> dict[str, ReportRun]:
    """Return a county's reports of a month by kind."""
    return {r.kind: r for r in session.scalars(select(ReportRun).where(ReportRun.period == period,
                                                                       ReportRun.county_code == county_code))}


def confirmations(session: Session, period: str, county_code: str, town_code: str | None = None
                  ) -> dict[tuple[str, str], ReportConfirmation]:
    """Return a month's confirmations of a county's towns by (kind, town), of one town when given."""
    query = select(ReportConfirmation).where(
        ReportConfirmation.period == period,
        ReportConfirmation.town_code.in_(select(Town.code).where(Town.county_code == county_code)))
    if town_code:
        query = query.where(ReportConfirmation.town_code == town_code)
    return {(c.kind, c.town_code): c for c in session.scalars(query)}
