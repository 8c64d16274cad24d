"""Timers fire by the injected clock, only when due, once, and a failing branch parks its case."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from engine.clock import CHINA, china_iso
from engine.models import AuditEvent, InboxTask, ProcessInstance, Timer
from engine.runtime import CaseContext
from engine.store import DbTimeouts, Store
from engine.timers import claim_due_timer, fire_claimed, fire_due_timers
from tests.conftest import DATA
from tests.factories import ACCEPT, start_item11

TIMER_FILE = (DATA / "bpmn" / "timer_once.bpmn").read_bytes()


def deploy_timer(engine, script: str = "fired = True") -> None:
    content = TIMER_FILE.replace(b"fired = True", script.encode())
    engine.deploy_files({"timer_once.bpmn": content}, "test")


def start_timer(engine, at: datetime) -> int:
    return engine.start_case("timer_once", CaseContext(point_code="P1"), actor="c",
                             data={"fire_at": china_iso(at)})


def row(store, instance_id) -> ProcessInstance:
    with store.session() as s:
        return s.get(ProcessInstance, instance_id)


def test_waiting_timer_is_indexed_with_its_due_moment(engine, store, clock):
    deploy_timer(engine)
    at = clock() + timedelta(hours=2)
    case = start_timer(engine, at)
    with store.session() as s:
        (timer,) = s.scalars(select(Timer).where(Timer.instance_id == case)).all()
    assert timer.due_at == at and timer.bpmn_id == "wait" and not timer.is_deadline


def test_nothing_due_loads_no_instance(engine, store, clock, monkeypatch):
    deploy_timer(engine)
    for hours in (1, 2, 3):
        start_timer(engine, clock() + timedelta(hours=hours))
    loads = []
    original = engine.load_workflow
    monkeypatch.setattr(engine, "load_workflow", lambda s, r: loads.append(r.id) or original(s, r))
    assert fire_due_timers(engine).fired == 0
    assert loads == []
    clock.advance(hours=1, minutes=30)
    assert fire_due_timers(engine).fired == 1
    assert len(loads) == 1


def test_timer_due_while_no_worker_ran_fires_at_next_sweep(engine, store, clock):
    deploy_timer(engine)
    case = start_timer(engine, clock() + timedelta(minutes=5))
    clock.advance(days=3)  # the worker was down for three days
    assert fire_due_timers(engine).fired == 1
    assert row(store, case).status == "completed"
    assert fire_due_timers(engine).fired == 0  # exactly once
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Timer)) == 0
        fired = s.scalars(select(AuditEvent).where(AuditEvent.action == "timer_fired")).all()
    assert [e.instance_id for e in fired] == [case]


def test_timer_due_exactly_now_fires(engine, store, clock):
    deploy_timer(engine)
    case = start_timer(engine, clock() + timedelta(minutes=5))
    clock.advance(minutes=5)
    assert fire_due_timers(engine).fired == 1
    assert row(store, case).status == "completed"


def test_failing_timer_branch_parks_case_and_retry_resumes(engine, store, clock):
    deploy_timer(engine, "fired = notify_citizen()")
    case = start_timer(engine, clock() + timedelta(minutes=5))
    clock.advance(minutes=10)
    assert fire_due_timers(engine).fired == 1
    parked = row(store, case)
    assert parked.status == "error" and "notify_citizen" in parked.error_message
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Timer)) == 0  # the timer itself did fire
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.action == "error")) == "error"
    assert engine.retry(case, "supervisor1") is False  # the cause is not fixed yet
    assert row(store, case).status == "error"
    # The cause is fixed (the helper is provided), then the supervisor retries.
    engine.script_engine.environment.globals["notify_citizen"] = lambda: True
    try:
        assert engine.retry(case, "supervisor1") is True
    finally:
        del engine.script_engine.environment.globals["notify_citizen"]
    fixed = row(store, case)
    assert fixed.status == "completed" and fixed.error_message is None


def test_complete_after_deadline_before_sweep_still_marks_overdue(engine, store, clock):
    case = start_item11(engine)
    clock.set(datetime(2026, 12, 8, 9, 0, tzinfo=CHINA))  # past the deadline, no sweep yet
    with store.session() as s:
        (task_id,) = s.scalars(select(InboxTask.task_id).where(InboxTask.instance_id == case)).all()
    engine.complete(task_id, "clerk1", ACCEPT)
    assert row(store, case).overdue
    assert fire_due_timers(engine).fired == 0


def test_a_timer_claimed_by_a_hung_worker_is_taken_over_after_its_lease_and_fires_once(engine, store, clock):
    deploy_timer(engine)
    case = start_timer(engine, clock() + timedelta(minutes=5))
    clock.advance(minutes=10)
    lease = timedelta(minutes=5)
    hung = claim_due_timer(engine, clock(), "worker-a", lease)  # worker A claims, then never gets to fire it
    assert hung is not None
    assert fire_due_timers(engine, worker="worker-b", lease=lease).fired == 0  # A's lease still holds
    assert row(store, case).status == "running"
    clock.advance(minutes=6)
    assert fire_due_timers(engine, worker="worker-b", lease=lease).fired == 1  # B takes it over
    assert row(store, case).status == "completed"
    assert fire_claimed(engine, hung, clock()) is False  # A wakes up: its claim is gone, nothing fires twice
    with store.session() as s:
        fired = s.scalars(select(AuditEvent).where(AuditEvent.action == "timer_fired")).all()
    assert [e.instance_id for e in fired] == [case]


def test_a_worker_hung_inside_its_transaction_is_cut_off_by_the_server(engine, store, clock):
    if not store.is_postgres:
        pytest.skip("idle_in_transaction_session_timeout is PostgreSQL's")
    deploy_timer(engine)
    case = start_timer(engine, clock() + timedelta(minutes=5))
    clock.advance(minutes=10)
    hung = Store(store.url, timeouts=DbTimeouts(idle_in_transaction_ms=500))
    session = hung._write()
    session.begin()
    # Worker A locks the instance and its timer as a firing does, then hangs without a word to the server.
    session.get(ProcessInstance, case, with_for_update=True)
    session.scalars(select(Timer).where(Timer.instance_id == case).with_for_update()).all()
    time.sleep(1.5)
    assert fire_due_timers(engine, worker="worker-b").fired == 1  # the server ended A's session and its locks
    assert row(store, case).status == "completed"
    with pytest.raises(DBAPIError):  # A's transaction is gone; it cannot commit anything stale
        session.commit()
    session.close()
    hung.dispose()
