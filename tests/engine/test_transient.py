"""Passing database failures (lost connection, deadlock, busy lock) are retried; only business errors park."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine.errors import TaskStateError, Unavailable
from engine.models import AuditEvent, InboxTask, ProcessInstance
from engine.retry import RetryPolicy, retrying
from engine.store import DbTimeouts, Store
from engine.timers import fire_due_timers
from tests.engine.test_timers import deploy_timer, row, start_timer
from tests.factories import ACCEPT, start_item11

PATIENT = RetryPolicy(attempts=20, base_seconds=0.02, max_seconds=0.2)


def fired_count(store, case) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.instance_id == case, AuditEvent.action == "timer_fired"))


def kill_once_on(store: Store, marker: str) -> list[int]:
    """On PostgreSQL, terminate our own backend from another connection the first time a statement has `marker`."""
    killed: list[int] = []
    admin = Store(store.url)

    @event.listens_for(store.engine, "before_cursor_execute")
    def _kill(conn, cursor, statement, params, context, executemany) -> None:
        if killed or marker not in statement:
            return
        pid = conn.connection.dbapi_connection.info.backend_pid
        killed.append(pid)
        with admin.engine.begin() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        time.sleep(0.2)  # let the server close the socket before we send the statement

    return killed


def lost_answer(hook: str) -> OperationalError:
    """The error a client sees when its connection dies around COMMIT (the server may have committed or not)."""
    return OperationalError("COMMIT", None, Exception(f"consuming input failed: server closed the connection "
                                                      f"unexpectedly ({hook})"), connection_invalidated=True)


class FailOnce:
    """Raise a lost-connection error from the first session to reach `hook` once armed ("before_commit": nothing
    was committed; "after_commit": the database committed, only the answer was lost)."""

    def __init__(self, hook: str) -> None:
        self.hook, self.armed, self.fired = hook, False, 0
        event.listen(Session, hook, self._fail)

    def _fail(self, session) -> None:
        if self.armed:
            self.armed, self.fired = False, self.fired + 1
            raise lost_answer(self.hook)

    def remove(self) -> None:
        event.remove(Session, self.hook, self._fail)


@pytest.fixture
def commit_fails():
    made: list[FailOnce] = []
    yield lambda hook: made.append(FailOnce(hook)) or made[-1]
    for fail in made:
        fail.remove()


def trail(store, task_id: str, action: str) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(AuditEvent.actor).where(AuditEvent.task_id == task_id,
                                                              AuditEvent.action == action)))


def open_task(store, case: int) -> str:
    with store.session() as s:
        return s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case))


def test_a_completion_whose_commit_succeeded_but_answered_an_error_reports_success(engine, store, commit_fails):
    case = start_item11(engine)
    task_id = open_task(store, case)
    before = row(store, case).lock_version
    engine.retry_policy = PATIENT
    fail = commit_fails("after_commit")
    fail.armed = True
    saved = engine.complete(task_id, "clerk1", ACCEPT)  # before the fix: TaskStateError "该任务已办结或不存在"
    assert fail.fired == 1
    assert saved.id == case and saved.lock_version == before + 1 == row(store, case).lock_version
    assert trail(store, task_id, "complete_task") == ["clerk1"]
    assert open_task(store, case) not in (None, task_id)  # the case moved on once
    with pytest.raises(TaskStateError):  # a second, separate call is still refused: the token is per call
        engine.complete(task_id, "clerk1", ACCEPT)


def test_a_completion_whose_commit_failed_runs_again_and_completes_once(engine, store, commit_fails):
    case = start_item11(engine)
    task_id = open_task(store, case)
    engine.retry_policy = PATIENT
    fail = commit_fails("before_commit")
    fail.armed = True
    engine.complete(task_id, "clerk1", ACCEPT)
    assert fail.fired == 1
    assert trail(store, task_id, "complete_task") == ["clerk1"]


def test_a_claim_and_a_release_whose_commits_succeeded_but_answered_errors_report_success(engine, store,
                                                                                          commit_fails):
    case = start_item11(engine)
    task_id = open_task(store, case)
    engine.retry_policy = PATIENT
    fail = commit_fails("after_commit")
    fail.armed = True
    engine.claim(task_id, "clerk1")  # before the fix: "该任务已由 clerk1 认领。"
    fail.armed = True
    engine.unclaim(task_id, "clerk1")  # before the fix: "该任务尚未被认领。"
    assert fail.fired == 2
    assert trail(store, task_id, "claim") == ["clerk1"] and trail(store, task_id, "unclaim") == ["clerk1"]
    with store.session() as s:
        assert s.scalar(select(InboxTask.assignee).where(InboxTask.task_id == task_id)) is None


def test_timeouts_reach_the_server(store):
    timeouts = DbTimeouts(statement_ms=12_345, lock_ms=2_345, idle_in_transaction_ms=34_567, sqlite_busy_ms=4_321)
    probe = Store(store.url, timeouts=timeouts)
    try:
        with probe.engine.connect() as conn:
            if probe.is_postgres:
                shown = [conn.execute(text(f"SHOW {name}")).scalar() for name in
                         ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")]
                assert shown == ["12345ms", "2345ms", "34567ms"]
            else:
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 4_321
    finally:
        probe.dispose()


def test_timeouts_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("CUNCUN_DB_STATEMENT_TIMEOUT_MS", "5000")
    monkeypatch.setenv("CUNCUN_DB_LOCK_TIMEOUT_MS", "700")
    monkeypatch.setenv("CUNCUN_DB_CONNECT_TIMEOUT", "3")
    loaded = DbTimeouts.from_env()
    assert (loaded.statement_ms, loaded.lock_ms, loaded.connect_seconds) == (5000, 700, 3)
    monkeypatch.setenv("CUNCUN_DB_LOCK_TIMEOUT_MS", "-1")
    with pytest.raises(ValueError):
        DbTimeouts.from_env()


def test_connection_killed_while_firing_a_timer_is_retried_not_parked(engine, postgres, clock):
    deploy_timer(engine)
    case = start_timer(engine, clock() + timedelta(minutes=5))
    clock.advance(minutes=10)
    engine.retry_policy = PATIENT
    killed = kill_once_on(postgres, "UPDATE process_instance")  # mid-transaction: the new state is being saved
    result = fire_due_timers(engine)
    assert killed and result.fired == 1 and result.failed == 0
    assert row(postgres, case).status == "completed"
    assert fired_count(postgres, case) == 1


def test_connection_killed_while_completing_a_task_is_retried(engine, postgres):
    case = start_item11(engine)
    with postgres.session() as s:
        task_id = s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case))
    engine.retry_policy = PATIENT
    killed = kill_once_on(postgres, "DELETE FROM inbox_task")
    engine.complete(task_id, "clerk1", ACCEPT)
    assert killed
    with postgres.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.task_id == task_id, AuditEvent.action == "complete_task")) == 1


def test_a_real_deadlock_is_retried(engine, postgres):
    first, second = start_item11(engine), start_item11(engine)
    attempts = {"a": 0, "b": 0}
    barrier = threading.Barrier(2)
    errors = []

    def work(name: str, ids: tuple[int, int]) -> None:
        attempts[name] += 1
        with postgres.session(write=True) as s:
            touch = text("UPDATE process_instance SET updated_at = updated_at WHERE id = :id")
            s.execute(touch, {"id": ids[0]})
            if attempts[name] == 1:
                barrier.wait()  # both hold their first row: each now waits for the other's
            s.execute(touch, {"id": ids[1]})

    def run(name: str, ids: tuple[int, int]) -> None:
        try:
            retrying(lambda: work(name, ids), PATIENT, what=name)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=("a", (first, second))),
               threading.Thread(target=run, args=("b", (second, first)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(attempts.values()) == [1, 2]  # PostgreSQL chose one victim; it ran again and succeeded


def test_sqlite_busy_lock_is_retried_when_the_writer_lets_go(engine, store, clock, tmp_path):
    if not store.is_sqlite:
        pytest.skip("SQLite's single-writer lock")
    deploy_timer(engine)
    case = start_timer(engine, clock() + timedelta(minutes=5))
    clock.advance(minutes=10)
    impatient = Store(store.url, timeouts=DbTimeouts(sqlite_busy_ms=50))
    original = engine.store
    engine.store, engine.retry_policy = impatient, PATIENT
    holder = sqlite3.connect(store.url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock for a while
    threading.Timer(0.4, holder.rollback).start()
    try:
        result = fire_due_timers(engine)
    finally:
        engine.store = original
        impatient.dispose()
        holder.close()
    assert result.fired == 1 and result.failed == 0
    assert row(store, case).status == "completed"


def test_retries_give_up_with_a_chinese_message_and_leave_the_case_alone(engine, store, clock):
    if not store.is_sqlite:
        pytest.skip("SQLite's single-writer lock")
    deploy_timer(engine)
    case = start_timer(engine, clock() + timedelta(minutes=5))
    clock.advance(minutes=10)
    impatient = Store(store.url, timeouts=DbTimeouts(sqlite_busy_ms=20))
    original = engine.store
    engine.store, engine.retry_policy = impatient, RetryPolicy(attempts=3, base_seconds=0.01, max_seconds=0.02)
    holder = sqlite3.connect(store.url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Unavailable) as err:
            fire_due_timers(engine)
        assert "稍后重试" in err.value.message
    finally:
        holder.rollback()
        holder.close()
        engine.store = original
        impatient.dispose()
    assert row(store, case).status == "running"  # not parked: nothing was wrong with the case
    assert fire_due_timers(engine).fired == 1


def test_business_errors_are_not_retried(engine, store):
    calls = []

    def work():
        calls.append(1)
        raise ValueError("not a database error")

    with pytest.raises(ValueError):
        retrying(work, PATIENT)
    assert calls == [1]
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_a_statement_timeout_while_firing_defers_the_timer_without_parking(engine, postgres, clock):
    deploy_timer(engine)
    case = start_timer(engine, clock() + timedelta(minutes=5))
    clock.advance(minutes=10)
    slow: list[bool] = []

    @event.listens_for(postgres.engine, "before_cursor_execute")
    def _stall(conn, cursor, statement, params, context, executemany) -> None:
        if slow or "UPDATE process_instance" not in statement:
            return
        slow.append(True)
        cursor.execute("SET LOCAL statement_timeout = 100")
        cursor.execute("SELECT pg_sleep(1)")  # the server cancels it: a real query_canceled (57014)

    result = fire_due_timers(engine, lease=timedelta(minutes=1))
    assert slow and result.deferred == 1 and result.failed == 0
    assert row(postgres, case).status == "running"
    assert fire_due_timers(engine).fired == 1  # the deferred claim was given back: the next sweep fires it
    assert row(postgres, case).status == "completed" and fired_count(postgres, case) == 1
