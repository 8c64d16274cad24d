"""Two saves racing on one instance: one wins, the other gets a clear conflict; never a lost update."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from engine.errors import ConflictError, TaskStateError
from engine.forms import FormRegistry
from engine.models import AuditEvent, InboxTask, ProcessInstance
from engine.runtime import Engine
from engine.store import Store
from tests.conftest import FORMS
from tests.factories import ACCEPT, start_item11


def first_task(store, case) -> str:
    with store.session() as s:
        return s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case))


def start(engine) -> int:
    return start_item11(engine)


def completions(store, task_id) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.task_id == task_id, AuditEvent.action == "complete_task"))


def test_stale_expected_version_is_a_conflict(engine, store):
    case = start(engine)
    with store.session() as s:
        seen = s.get(ProcessInstance, case).lock_version
    engine.claim(first_task(store, case), "clerk1")  # claiming does not change the case
    engine.complete(first_task(store, case), "clerk1", ACCEPT, expected_version=seen)
    next_task = first_task(store, case)
    with pytest.raises(ConflictError) as err:
        engine.complete(next_task, "clerk2", {"materials_received": []}, expected_version=seen)
    assert "已被他人更新" in err.value.message
    assert first_task(store, case) == next_task


def test_two_clerks_completing_the_same_task_at_once(engine, store, clock):
    case = start(engine)
    task_id = first_task(store, case)
    other = Engine(Store(store.url), clock=clock, forms=FormRegistry(FORMS))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def complete(eng, actor):
        barrier.wait()
        try:
            eng.complete(task_id, actor, ACCEPT)
            outcomes.append("ok")
        except (ConflictError, TaskStateError) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=complete, args=(e, a)) for e, a in ((engine, "c1"), (other, "c2"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.store.dispose()
    assert sorted(outcomes)[0] in ("ConflictError", "TaskStateError") and outcomes.count("ok") == 1
    assert completions(store, task_id) == 1


def test_a_save_racing_an_open_update_queues_behind_it_and_loses_nothing(engine, store, clock):
    case = start(engine)
    task_id = first_task(store, case)
    other = Engine(Store(store.url), clock=clock, forms=FormRegistry(FORMS))
    racer = threading.Thread(target=other.complete, args=(task_id, "clerk2", ACCEPT))

    def change(session, row, workflow):
        racer.start()  # the instance row is locked (PostgreSQL) or the database is (SQLite): it must wait
        racer.join(timeout=0.5)
        assert racer.is_alive()
        workflow.data["touched"] = True

    engine.mutate(case, change)
    racer.join(timeout=30)
    other.store.dispose()
    assert not racer.is_alive() and completions(store, task_id) == 1
    with store.session() as s:
        state = s.get(ProcessInstance, case).state
    assert '"touched"' in state  # the queued completion ran on top of the first update, not over it
