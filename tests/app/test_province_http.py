"""Item 23 reaches the province over signed HTTP/JSON: retries, dead letters, results exactly once."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.province.adapters import make_adapter
from app.province.models import ProvinceOutbox
from app.province.outbox import backoff
from app.province.results import deliver_result
from app.province.sender import poll_results, send_pending
from app.province.settings import ProvinceSettings
from engine.models import AuditEvent, ProcessInstance
from tests.app.fake_province import KEY_ID, SECRET, FakeProvince
from tests.factories import ACCEPT, do, open_tasks, start_item, start_item11, told

CLAIM = {"last_employer": "沁水县某煤业公司", "separation_date": "2026-10-31",
         "separation_reason": "contract_expired", "insured_one_year": "on", "seeks_work": "on",
         "contact_phone": "13800138000"}
ID_CARD = ["本人身份证或社会保障卡"]


def approved_claim(engine) -> int:
    """Return an item 23 case the county approved: it now waits for the province."""
    registration = start_item11(engine)
    do(engine, registration, "item11_accept", ACCEPT)
    do(engine, registration, "check_materials", {"materials_received": ID_CARD})
    do(engine, registration, "item11_review", {"decision": "approve"}, "reviewer1")
    do(engine, registration, "notify_applicant", {"notify_method": "in_person"})
    case = start_item(engine, "23")
    do(engine, case, "item23_accept", CLAIM)
    do(engine, case, "check_materials", {"materials_received": ID_CARD})
    do(engine, case, "item23_review", {"decision": "approve"}, "reviewer1")
    return case


def outbox_rows(store) -> list[ProvinceOutbox]:
    with store.session() as s:
        return list(s.scalars(select(ProvinceOutbox).order_by(ProvinceOutbox.id)))


def case_status(store, case: int) -> str:
    with store.session() as s:
        return s.get(ProcessInstance, case).status


@pytest.fixture
def province(clock):
    with FakeProvince(clock) as fake:
        yield fake


def settings_for(fake: FakeProvince, **kw) -> ProvinceSettings:
    values = {"adapter": "http", "url": fake.url, "key_id": KEY_ID, "secret": SECRET, "timeout_seconds": 1,
              "max_attempts": 3, "backoff_seconds": 30, **kw}
    return ProvinceSettings(**values)


def test_approved_claim_waits_in_the_outbox_and_is_not_finished(engine, store):
    case = approved_claim(engine)
    (row,) = outbox_rows(store)
    assert row.status == "pending" and row.instance_id == case and row.item_code == "23"
    assert row.idempotency_key.endswith("-23-1")
    payload = json.loads(row.payload)
    assert payload["fields"]["last_employer"] == "沁水县某煤业公司" and payload["kind"] == "unemployment_benefit_claim"
    assert open_tasks(engine, case) == [] and case_status(store, case) == "running"


def test_http_delivery_then_polled_result_reaches_the_case_once(engine, store, clock, province):
    case = approved_claim(engine)
    settings = settings_for(province)
    adapter = make_adapter(settings, engine.clock)
    report = send_pending(engine, adapter, settings)
    assert (report.sent, report.failed) == (1, 0)
    (row,) = outbox_rows(store)
    assert row.status == "sent" and row.attempts == 1
    assert province.received[row.idempotency_key]["case_no"] == row.case_no
    assert province.bad_signatures == 0
    assert send_pending(engine, adapter, settings).sent == 0  # a sent row is not sent again

    assert poll_results(engine, adapter).results == 0  # the province has not decided yet
    province.decisions[row.idempotency_key] = ("approved", "核定失业保险金领取期限12个月")
    assert poll_results(engine, adapter).results == 1
    assert "省社保经办系统已办理通过" in told(engine, case)
    assert "12个月" in told(engine, case)
    assert poll_results(engine, adapter).results == 0  # acknowledged rows are not polled again
    assert not deliver_result(engine, row.idempotency_key, "approved", "重复", "test")  # duplicate: harmless

    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    assert case_status(store, case) == "completed"
    (row,) = outbox_rows(store)
    assert (row.status, row.result_status) == ("acknowledged", "approved")
    with store.session() as s:
        events = s.scalars(select(AuditEvent.action).where(AuditEvent.instance_id == case)).all()
    assert events.count("province_result") == 1


def test_5xx_retries_with_backoff_then_succeeds(engine, store, clock, province):
    approved_claim(engine)
    settings = settings_for(province)
    adapter = make_adapter(settings, engine.clock)
    province.failures = 1
    report = send_pending(engine, adapter, settings)
    assert (report.sent, report.failed, report.dead) == (0, 1, 0)
    (row,) = outbox_rows(store)
    assert row.status == "pending" and "503" in row.last_error
    assert row.next_attempt_at == clock() + backoff(1, 30)
    assert send_pending(engine, adapter, settings).sent == 0  # not due yet
    clock.advance(seconds=30)
    assert send_pending(engine, adapter, settings).sent == 1
    assert province.posts == [row.idempotency_key, row.idempotency_key]  # same key both times
    assert len(province.received) == 1


def test_timeouts_end_as_a_dead_letter_after_max_attempts(engine, store, clock, province):
    approved_claim(engine)
    settings = settings_for(province, max_attempts=2, backoff_seconds=10)
    adapter = make_adapter(settings, engine.clock)
    province.delay = 1.5  # longer than the 1-second timeout
    assert send_pending(engine, adapter, settings).failed == 1
    (row,) = outbox_rows(store)
    assert row.status == "pending" and "没有响应" in row.last_error
    clock.advance(seconds=10)
    report = send_pending(engine, adapter, settings)
    assert (report.failed, report.dead) == (1, 1)
    (row,) = outbox_rows(store)
    assert (row.status, row.attempts) == ("dead", 2)
    clock.advance(days=1)
    assert send_pending(engine, adapter, settings).failed == 0  # a dead letter waits for a person


def test_backoff_doubles():
    assert [backoff(n, 60).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


def test_wrong_secret_is_refused_by_the_province(engine, store, province):
    approved_claim(engine)
    settings = settings_for(province, secret="not-the-secret")
    send_pending(engine, make_adapter(settings, engine.clock), settings)
    (row,) = outbox_rows(store)
    assert province.bad_signatures == 1 and "401" in row.last_error and not province.received


def test_a_lost_answer_is_resent_with_the_same_key_and_taken_once(engine, store, clock, province):
    approved_claim(engine)
    settings = settings_for(province)
    adapter = make_adapter(settings, engine.clock)
    province.lose_answers = 1  # the province stores the application but its answer never arrives in time
    assert send_pending(engine, adapter, settings).failed == 1
    clock.advance(seconds=30)
    assert send_pending(engine, adapter, settings).sent == 1
    (row,) = outbox_rows(store)
    assert province.posts == [row.idempotency_key] * 2 and list(province.received) == [row.idempotency_key]


def test_concurrent_deliveries_of_one_result_reach_the_case_once(engine, store):
    from concurrent.futures import ThreadPoolExecutor

    from engine.errors import ConflictError

    case = approved_claim(engine)
    (row,) = outbox_rows(store)

    def deliver(_):
        try:
            return deliver_result(engine, row.idempotency_key, "approved", None, "test")
        except ConflictError:
            return "conflict"

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(deliver, range(4)))
    assert outcomes.count(True) == 1 and set(outcomes) <= {True, False, "conflict"}
    with store.session() as s:
        events = s.scalars(select(AuditEvent.action).where(AuditEvent.instance_id == case)).all()
    assert events.count("province_result") == 1
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["notify_applicant"]
