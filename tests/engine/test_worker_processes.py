"""Two worker processes sweep 1,000 due timers on one database: each timer fires exactly once."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta

from sqlalchemy import func, select

from engine.clock import CHINA, FrozenClock, china_iso
from engine.models import AuditEvent, ProcessInstance, Timer
from engine.runtime import CaseContext, Engine
from engine.store import Store
from tests.conftest import DATA

COUNT = 1000
LATER = datetime(2030, 1, 1, tzinfo=CHINA)


def _worker(url: str, results) -> None:
    """Sweep until nothing is due; report how many this process fired."""
    from engine.timers import fire_due_timers

    store = Store(url)
    engine = Engine(store, clock=FrozenClock(LATER))
    fired = conflicts = 0
    idle = 0
    while idle < 3:
        result = fire_due_timers(engine, limit=50)
        fired, conflicts = fired + result.fired, conflicts + result.conflicts
        assert result.failed == 0
        idle = idle + 1 if result.fired == 0 else 0
    store.dispose()
    results.put((fired, conflicts))


def test_two_workers_fire_each_of_1000_timers_once(engine, store, clock):
    engine.deploy_files({"timer_once.bpmn": (DATA / "bpmn" / "timer_once.bpmn").read_bytes()}, "test")
    due = china_iso(clock() + timedelta(minutes=1))
    for n in range(COUNT):
        engine.start_case("timer_once", CaseContext(point_code=f"P{n % 7}"), actor="c", data={"fire_at": due})
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(store.url, results)) for _ in range(2)]
    for w in workers:
        w.start()
    counts = [results.get(timeout=300) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert sum(fired for fired, _ in counts) == COUNT
    with store.session() as s:
        per_instance = s.execute(
            select(AuditEvent.instance_id, func.count()).where(AuditEvent.action == "timer_fired")
            .group_by(AuditEvent.instance_id)
        ).all()
        assert len(per_instance) == COUNT and {n for _, n in per_instance} == {1}
        assert s.scalar(select(func.count()).select_from(Timer)) == 0
        assert s.scalar(select(func.count()).select_from(ProcessInstance)
                        .where(ProcessInstance.status == "completed")) == COUNT
