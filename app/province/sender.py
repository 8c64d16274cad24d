"""The worker's jobs: send what is due through the adapter, and poll the province for results."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from app.province import outbox
from app.province.adapters import DeliveryError, ProvinceAdapter
from app.province.models import ProvinceOutbox
from app.province.results import ResultError, deliver_result
from app.province.settings import ProvinceSettings
from engine.errors import ConflictError
from engine.runtime import Engine

log = logging.getLogger("cuncun.province")
SENDER = "system:province"


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    results: int = 0
    errors: list[str] = field(default_factory=list)


def send_pending(engine: Engine, adapter: ProvinceAdapter, settings: ProvinceSettings) -> SendReport:
    """Deliver the due pending rows; a failure waits with exponential backoff, the last one is a dead letter."""
    report = SendReport()
    if not adapter.pushes:
        return report
    lease = timedelta(seconds=settings.timeout_seconds * 2 + 30)
    with engine.store.session(write=True) as session:
        messages = outbox.claim_due(session, engine.clock(), lease)
    for message in messages:
        try:
            adapter.send(message)
        except DeliveryError as exc:
            with engine.store.session(write=True) as session:
                state = outbox.record_failure(session, message.id, str(exc), engine.clock(),
                                              max_attempts=settings.max_attempts,
                                              backoff_seconds=settings.backoff_seconds)
            report.failed += 1
            report.dead += state == "dead"
            report.errors.append(f"{message.idempotency_key}: {exc}")
            continue
        with engine.store.session(write=True) as session:
            outbox.record_sent(session, message.id, engine.clock())
        report.sent += 1
    return report


def poll_results(engine: Engine, adapter: ProvinceAdapter, limit: int = 200) -> SendReport:
    """Ask the province about applications it has taken and hand each decided one to its case."""
    report = SendReport()
    if not adapter.pushes:
        return report
    with engine.store.session() as session:
        keys = list(session.scalars(select(ProvinceOutbox.idempotency_key).where(ProvinceOutbox.status == "sent")
                                    .order_by(ProvinceOutbox.sent_at).limit(limit)))
    if not keys:
        return report
    try:
        results = adapter.fetch_results(keys)
    except DeliveryError as exc:
        report.errors.append(str(exc))
        return report
    for result in results:
        try:
            report.results += deliver_result(engine, result.idempotency_key, result.status, result.note, SENDER)
        except (ResultError, ConflictError) as exc:  # the next poll tries again
            report.errors.append(f"{result.idempotency_key}: {exc}")
    return report


def province_job(settings: ProvinceSettings, adapter: ProvinceAdapter):
    """Return the worker job that sends and polls (safe on several workers: rows are leased)."""

    def province_outbox(engine: Engine) -> None:
        sent, polled = send_pending(engine, adapter, settings), poll_results(engine, adapter)
        if sent.sent or sent.failed or polled.results or polled.errors:
            log.info("province: sent=%d failed=%d dead=%d results=%d errors=%s", sent.sent, sent.failed,
                     sent.dead, polled.results, (sent.errors + polled.errors)[:5])

    return province_outbox
