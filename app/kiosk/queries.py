"""Read-only queries of the kiosk: who a card belongs to, a known name, a citizen's own cases."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.employment.models import JobSeeker
from app.social.models import RosterRecord, SocialApplication, SsCardEvent
from engine.models import ProcessInstance


def id_number_of_card(session: Session, card_number: str) -> str | None:
    """Return whose social-security card this is, from the county's card events or the imported card roster."""
    found = session.scalar(select(SsCardEvent.id_number).where(SsCardEvent.card_number == card_number)
                           .order_by(SsCardEvent.at.desc(), SsCardEvent.id.desc()).limit(1))
    if found:
        return found
    rows = session.execute(select(RosterRecord.id_number, RosterRecord.fields).where(
        RosterRecord.kind == "card_status", RosterRecord.fields.contains(card_number))
        .order_by(RosterRecord.imported_at.desc(), RosterRecord.id.desc()))
    for id_number, fields in rows:
        if json.loads(fields or "{}").get("card_number", "").strip().upper() == card_number:
            return id_number
    return None


def known_name(session: Session, id_number: str) -> str | None:
    """Return the name the county last recorded for an ID number: a case, a job registration, an application."""
    for column, key, order in (
        (ProcessInstance.applicant_name, ProcessInstance.applicant_id_number, ProcessInstance.id),
        (JobSeeker.name, JobSeeker.id_number, JobSeeker.id),
        (SocialApplication.name, SocialApplication.id_number, SocialApplication.id),
    ):
        name = session.scalar(select(column).where(key == id_number, column.is_not(None), column != "")
                              .order_by(order.desc()).limit(1))
        if name:
            return name
    return None


def citizen_cases(session: Session, id_number: str, *, offset: int, limit: int,
                  item_codes: list[str] | None = None) -> tuple[list[ProcessInstance], int]:
    """Return one page of a person's own cases (newest first) and how many there are in all."""
    query = select(ProcessInstance).where(ProcessInstance.applicant_id_number == id_number)
    if item_codes is not None:
        query = query.where(ProcessInstance.item_code.in_(item_codes))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(ProcessInstance.id.desc()).offset(offset).limit(limit)).all()
    return list(rows), total
