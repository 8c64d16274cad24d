"""The outbox: rows written in the case's own transaction, claimed by the sender, retried with backoff."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.province.models import ProvinceOutbox
from app.social.applications import kind_of
from app.social.models import SocialApplication
from engine.clock import china_iso
from engine.models import ProcessInstance


@dataclass(frozen=True)
class Message:
    """One application as the province receives it."""

    id: int
    idempotency_key: str
    body: dict[str, Any]


def enqueue(session: Session, instance: ProcessInstance, kind: str, now: datetime) -> ProvinceOutbox:
    """Put the case's latest application of `kind` in the outbox; the key is case + item + attempt."""
    spec = kind_of(kind)
    application = session.scalars(
        select(SocialApplication).where(SocialApplication.instance_id == instance.id,
                                        SocialApplication.kind == kind)
        .order_by(SocialApplication.id.desc()).limit(1)).first()
    if application is None:
        raise LookupError(f"case {instance.id} has no {kind} application to hand to the province")
    attempt = 1 + (session.scalar(select(func.count()).select_from(ProvinceOutbox)
                                  .where(ProvinceOutbox.instance_id == instance.id)) or 0)
    key = f"{instance.case_no or instance.id}-{spec.item_code}-{attempt}"
    payload = {
        "idempotency_key": key, "case_no": instance.case_no, "item_code": spec.item_code, "kind": kind,
        "item_name": spec.label, "id_number": application.id_number, "name": application.name,
        "applicant_id_number": application.applicant_id_number, "point_code": instance.point_code,
        "county_opinion": application.opinion, "county_reviewer": application.reviewer,
        "submitted_at": china_iso(application.submitted_at), "fields": json.loads(application.data or "{}"),
    }
    row = ProvinceOutbox(
        idempotency_key=key, instance_id=instance.id, case_no=instance.case_no, item_code=spec.item_code,
        kind=kind, point_code=instance.point_code, town_code=instance.town_code,
        payload=json.dumps(payload, ensure_ascii=False), status="pending", attempts=0, next_attempt_at=now,
        created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row


def claim_due(session: Session, now: datetime, lease: timedelta, limit: int = 50) -> list[Message]:
    """Take pending rows that are due, leasing them so no other sender takes them meanwhile."""
    query = (select(ProvinceOutbox).where(ProvinceOutbox.status == "pending", ProvinceOutbox.next_attempt_at <= now)
             .order_by(ProvinceOutbox.next_attempt_at, ProvinceOutbox.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + lease  # a sender that dies mid-send leaves the row to be retried after this
        row.updated_at = now
    return [Message(r.id, r.idempotency_key, json.loads(r.payload)) for r in rows]


def backoff(attempts: int, base_seconds: int) -> timedelta:
    """Return the wait after the `attempts`-th failed attempt: base, 2 x base, 4 x base, …"""
    return timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0))


def record_sent(session: Session, outbox_id: int, now: datetime) -> None:
    """Mark a row as taken by the province; its result is awaited."""
    row = session.get(ProvinceOutbox, outbox_id)
    if row is not None and row.status == "pending":
        row.status, row.sent_at, row.last_error, row.updated_at = "sent", now, None, now


def record_failure(session: Session, outbox_id: int, error: str, now: datetime, *, max_attempts: int,
                   backoff_seconds: int) -> str:
    """Note a failed attempt: retry later with backoff, or make it a dead letter after the last attempt."""
    row = session.get(ProvinceOutbox, outbox_id)
    if row is None or row.status != "pending":
        return row.status if row else "missing"
    row.last_error, row.updated_at = error[:2000], now
    if row.attempts >= max_attempts:
        row.status = "dead"
    else:
        row.next_attempt_at = now + backoff(row.attempts, backoff_seconds)
    return row.status


def retry(session: Session, outbox_id: int, now: datetime) -> ProvinceOutbox | None:
    """Put a dead or failing row back in the queue at once, with a fresh count of attempts."""
    row = session.get(ProvinceOutbox, outbox_id)
    if row is None or row.status not in ("dead", "pending"):
        return None
    row.status, row.attempts, row.next_attempt_at, row.updated_at = "pending", 0, now, now
    return row
