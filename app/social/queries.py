"""Read-only queries over the social tables and over finished cases of other items."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.province.models import ProvinceOutbox
from app.social.models import ResidentContribution, SocialApplication, SsCardEvent, SsCertification
from engine.models import ProcessInstance


def applications_of(session: Session, id_number: str, kinds: Iterable[str]) -> list[SocialApplication]:
    """Return a person's applications of these kinds, newest first."""
    return list(session.scalars(
        select(SocialApplication).where(SocialApplication.id_number == id_number,
                                        SocialApplication.kind.in_(list(kinds)))
        .order_by(SocialApplication.submitted_at.desc(), SocialApplication.id.desc())))


def card_events(session: Session, id_number: str) -> list[SsCardEvent]:
    """Return a person's card events, newest first."""
    return list(session.scalars(select(SsCardEvent).where(SsCardEvent.id_number == id_number)
                                .order_by(SsCardEvent.at.desc(), SsCardEvent.id.desc())))


def latest_card_event(session: Session, id_number: str) -> SsCardEvent | None:
    """Return a person's latest card event: it is the card's current state as far as the county knows."""
    events = card_events(session, id_number)
    return events[0] if events else None


def certifications_of(session: Session, id_number: str) -> list[SsCertification]:
    """Return a person's qualification certifications, newest first."""
    return list(session.scalars(select(SsCertification).where(SsCertification.id_number == id_number)
                                .order_by(SsCertification.certified_at.desc(), SsCertification.id.desc())))


def contributions_of(session: Session, id_number: str) -> list[ResidentContribution]:
    """Return the resident-pension contributions collected from a person, newest year first."""
    return list(session.scalars(select(ResidentContribution).where(ResidentContribution.id_number == id_number)
                                .order_by(ResidentContribution.year.desc(), ResidentContribution.id.desc())))


def completed_cases(session: Session, item_code: str, id_number: str) -> list[ProcessInstance]:
    """Return an applicant's completed cases of an item, newest first (e.g. item 11 unemployment registration)."""
    return list(session.scalars(
        select(ProcessInstance).where(ProcessInstance.item_code == item_code,
                                      ProcessInstance.applicant_id_number == id_number,
                                      ProcessInstance.status == "completed")
        .order_by(ProcessInstance.completed_at.desc())))



def province_results(session: Session, instance_ids: Iterable[int]) -> dict[int, str]:
    """Return the province's result (approved, rejected) of each case that has one, by case id."""
    ids = list(instance_ids)
    if not ids:
        return {}
    rows = session.execute(select(ProvinceOutbox.instance_id, ProvinceOutbox.result_status)
                           .where(ProvinceOutbox.instance_id.in_(ids), ProvinceOutbox.result_status.is_not(None))
                           .order_by(ProvinceOutbox.id))
    return {instance_id: status for instance_id, status in rows}
