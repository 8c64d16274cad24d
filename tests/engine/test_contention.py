"""Many clerks racing on one task or one start request: one wins, the rest get our conflict errors, never more."""

from __future__ import annotations

import random
import threading

from sqlalchemy import func, select

from app.bootstrap import service_registry
from engine.errors import ConflictError, TaskStateError
from engine.forms import FormRegistry
from engine.models import AuditEvent, InboxTask, ProcessInstance
from engine.runtime import Engine
from engine.script_env import RESERVED_NAMES
from engine.store import Store
from tests.conftest import FORMS
from tests.factories import ACCEPT, CONTEXT, ITEM11, MATERIALS

THREADS = 16
ROUNDS = 3
ALLOWED = (ConflictError, TaskStateError)


def clerks(store, clock, n: int) -> list[Engine]:
    """One engine and one connection pool per clerk, as separate web workers have."""
    return [Engine(Store(store.url), clock=clock, forms=FormRegistry(FORMS, reserved=RESERVED_NAMES),
                   services=service_registry()) for _ in range(n)]


def race(engines: list[Engine], act) -> tuple[list, list[BaseException]]:
    """Run act(engine, index) on every engine at once; return the results and every error raised."""
    barrier = threading.Barrier(len(engines))
    results, errors = [], []

    def run(eng: Engine, i: int) -> None:
        barrier.wait()
        try:
            results.append(act(eng, i))
        except BaseException as exc:  # noqa: BLE001 - the test inspects every error, whatever its type
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e, i)) for i, e in enumerate(engines)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results, errors


def unexpected(errors: list[BaseException]) -> list[str]:
    return [f"{type(e).__name__}: {e}" for e in errors if not isinstance(e, ALLOWED)]


def count(store, model, *where) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def audited(store, task_id: str, action: str) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(AuditEvent.actor).where(AuditEvent.task_id == task_id,
                                                              AuditEvent.action == action)))


def test_sixteen_clerks_starting_with_one_request_key_make_one_case(store, engine, clock):
    engines = clerks(store, clock, THREADS)
    try:
        for n in range(ROUNDS):
            key = f"race-{n}"
            results, errors = race(engines, lambda eng, i, key=key: eng.start_case(
                ITEM11, CONTEXT, actor=f"c{i}", data={"required_materials": MATERIALS}, request_key=key))
            assert errors == []
            assert len(set(results)) == 1
            assert count(store, ProcessInstance, ProcessInstance.request_key == key) == 1
            assert count(store, AuditEvent, AuditEvent.action == "start",
                         AuditEvent.instance_id == results[0]) == 1
    finally:
        for e in engines:
            e.store.dispose()


def test_sixteen_clerks_completing_claiming_and_releasing_one_task(store, engine, clock):
    engines = clerks(store, clock, THREADS)
    rng = random.Random(13)
    try:
        for n in range(ROUNDS):
            case = engine.start_case(ITEM11, CONTEXT, actor="clerk1", data={"required_materials": MATERIALS},
                                     request_key=f"task-race-{n}")
            with store.session() as s:
                task_id = s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case))
            plan = [rng.choice(("complete", "complete", "claim", "claim_then_release")) for _ in engines]
            done_by: dict[str, list[str]] = {"claim": [], "unclaim": [], "complete_task": []}

            def act(eng: Engine, i: int, plan=plan, task_id=task_id, done_by=done_by) -> None:
                actor = f"c{i}"
                if plan[i] in ("claim", "claim_then_release"):
                    eng.claim(task_id, actor)
                    done_by["claim"].append(actor)
                if plan[i] == "claim_then_release":
                    eng.unclaim(task_id, actor)
                    done_by["unclaim"].append(actor)
                else:
                    eng.complete(task_id, actor, {"identity_document": "id_card", "identity_confirmed": "on"})
                    done_by["complete_task"].append(actor)

            _, errors = race(engines, act)
            assert unexpected(errors) == []
            # Each caller's outcome matches the trail: whoever was told "done" is in it, and nobody else.
            for action, actors in done_by.items():
                assert sorted(actors) == sorted(audited(store, task_id, action)), action
            done = len(done_by["complete_task"])
            assert done <= 1
            # The case moved on exactly once, or not at all if a claim kept everyone else out.
            with store.session() as s:
                open_ids = list(s.scalars(select(InboxTask.task_id).where(InboxTask.instance_id == case)))
            assert len(open_ids) == 1 and ((open_ids == [task_id]) == (done == 0))
    finally:
        for e in engines:
            e.store.dispose()


def test_sixteen_clerks_completing_the_next_task_with_the_same_version(store, engine, clock):
    engines = clerks(store, clock, THREADS)
    try:
        for n in range(ROUNDS):
            case = engine.start_case(ITEM11, CONTEXT, actor="clerk1", data={"required_materials": MATERIALS},
                                     request_key=f"version-race-{n}")
            with store.session() as s:
                task_id = s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case))
                seen = s.get(ProcessInstance, case).lock_version
            engine.complete(task_id, "clerk1", {"identity_document": "id_card", "identity_confirmed": "on"})
            with store.session() as s:
                task_id = s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case))
                seen = s.get(ProcessInstance, case).lock_version
            results, errors = race(engines, lambda eng, i, t=task_id, v=seen: eng.complete(
                t, f"c{i}", ACCEPT, expected_version=v) and "ok")
            assert unexpected(errors) == []
            assert results == ["ok"]
            assert count(store, AuditEvent, AuditEvent.task_id == task_id,
                         AuditEvent.action == "complete_task") == 1
    finally:
        for e in engines:
            e.store.dispose()
