"""Figures 2-4: a sweep with nothing due, firing due timers, and timer lag with the real worker."""


from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench_common import (
    ACTOR,
    LAG_GIVE_UP_S,
    LAG_TARGET_S,
    ROOT,
    START,
    SWEEP_TARGET_MS,
    TIMER_ONCE,
    Backend,
    Sizes,
    Summary,
    check,
    deploy,
    heading,
    percentile,
    say,
    verdict,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import event, func, insert, select, text

from engine.clock import CHINA, FrozenClock, china_iso, system_clock
from engine.models import AuditEvent, ProcessInstance, Timer
from engine.runtime import CaseContext, Engine
from engine.store import Store
from engine.timers import fire_due_timers


# -- 2. sweep with nothing due -------------------------------------------------------------------
def bulk_waiting(store: Store, engine: Engine, sizes: Sizes) -> int:
    """Bulk-insert waiting instances and their future timers; return how many timers exist."""
    far = china_iso(START + timedelta(days=3650))
    real = engine.start_case("timer_once", CaseContext(point_code="P1"), actor=ACTOR, data={"fire_at": far})
    with store.session() as session:
        template = session.get(ProcessInstance, real)
        state, version_id = template.state, template.version_id
    instances = [
        {"version_id": version_id, "process_id": "timer_once", "point_code": f"P{n % 7}", "channel": "counter",
         "status": "running", "state": state, "lock_version": 1, "accepted_at": START, "due_provisional": False,
         "overdue": False, "created_by": ACTOR, "created_at": START, "updated_at": START}
        for n in range(sizes.sweep_instances)
    ]
    table = ProcessInstance.__table__
    with store.engine.begin() as conn:
        ids = list(conn.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), instances))
        spread = timedelta(days=365) / sizes.sweep_timers
        timers = [
            {"instance_id": ids[n % len(ids)], "task_id": str(uuid.uuid4()), "bpmn_id": "wait",
             "due_at": START + timedelta(days=1) + n * spread, "is_deadline": False, "failed": False}
            for n in range(sizes.sweep_timers)
        ]
        conn.execute(insert(Timer.__table__), timers)
        conn.execute(text("ANALYZE"))
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(Timer))


def sweep_plan(engine: Engine) -> str:
    """Catch the claim query of one sweep and return the database's plan for it, on one line."""
    caught: list[tuple[str, Any]] = []

    def catch(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM timer" in statement and not caught:
            caught.append((statement, parameters))

    event.listen(engine.store.engine, "before_cursor_execute", catch)
    try:
        fire_due_timers(engine)
    finally:
        event.remove(engine.store.engine, "before_cursor_execute", catch)
    check(bool(caught), "the sweep ran no query on the timer table")
    statement, parameters = caught[0]
    explain = "EXPLAIN QUERY PLAN " if engine.store.is_sqlite else "EXPLAIN "
    with engine.store.engine.connect() as conn:
        rows = conn.exec_driver_sql(explain + statement, parameters).all()
    return "; ".join(str(row[-1]).strip() for row in rows)


def count_loads(engine: Engine) -> list[int]:
    """Record the id of every instance the engine restores from here on; return the growing list."""
    loads: list[int] = []
    original = engine.load_workflow

    def load_workflow(session: Any, row: ProcessInstance) -> BpmnWorkflow:
        loads.append(row.id)
        return original(session, row)

    engine.load_workflow = load_workflow  # type: ignore[method-assign]
    return loads


def figure_sweep(backends: list[Backend], sizes: Sizes, summary: Summary) -> None:
    """Figure 2: the cost of one sweep when nothing is due among many waiting timers."""
    heading(f"2. One timer sweep with nothing due, {sizes.sweep_timers:,} waiting timers "
            f"on {sizes.sweep_instances:,} instances")
    for backend in backends:
        store = backend.fresh("sweep")
        engine = Engine(store, clock=FrozenClock(START))
        deploy(engine, TIMER_ONCE)
        began = time.perf_counter()
        count = bulk_waiting(store, engine, sizes)
        say(f"{backend.name}: {count:,} waiting timers in place: {sizes.sweep_timers:,} bulk-inserted "
            f"({time.perf_counter() - began:.1f} s) + 1 of the real instance whose state the bulk rows copy")
        say(f"{backend.name}: claim query plan: {sweep_plan(engine)}")
        loads = count_loads(engine)
        timings = []
        for n in range(sizes.sweeps + 5):
            began = time.perf_counter()
            result = fire_due_timers(engine)
            elapsed = (time.perf_counter() - began) * 1000
            check(result.fired == result.failed == result.conflicts == 0, f"a sweep did something: {result}")
            if n >= 5:  # the first few warm the connection pool and statement cache
                timings.append(elapsed)
        store.dispose()
        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        ok = median < SWEEP_TARGET_MS and p95 < SWEEP_TARGET_MS
        say(f"{backend.name}: {len(timings)} sweeps: median {median:.3f} ms, p95 {p95:.3f} ms, "
            f"max {max(timings):.3f} ms; instances loaded: {len(loads)}; target < {SWEEP_TARGET_MS:g} ms: "
            f"{verdict(ok)}")
        summary.add("2 sweep, nothing due: median / p95 ms", backend.name, f"{median:.3f} / {p95:.3f}",
                    f"< {SWEEP_TARGET_MS:g} ms", verdict(ok))


# -- 3. firing due timers ------------------------------------------------------------------------
def figure_fire(backends: list[Backend], sizes: Sizes, summary: Summary) -> None:
    """Figure 3: the time to fire many due timers with a frozen clock."""
    heading(f"3. Firing {sizes.fire_timers:,} due timers (tests/data/bpmn/timer_once.bpmn, frozen clock)")
    for backend in backends:
        store = backend.fresh("fire")
        clock = FrozenClock(START)
        engine = Engine(store, clock=clock)
        deploy(engine, TIMER_ONCE)
        due = START + timedelta(minutes=1)
        began = time.perf_counter()
        for n in range(sizes.fire_timers):
            engine.start_case("timer_once", CaseContext(point_code=f"P{n % 7}"), actor=ACTOR,
                              data={"fire_at": china_iso(due)})
        started = time.perf_counter() - began
        clock.set(due + timedelta(minutes=1))
        fired = sweeps = 0
        began = time.perf_counter()
        while fired < sizes.fire_timers:
            result = fire_due_timers(engine)
            sweeps += 1
            check(result.failed == 0, f"{result.failed} timers failed")
            check(result.fired > 0 or result.conflicts > 0, f"only {fired} of {sizes.fire_timers} timers came due")
            fired += result.fired
        total = time.perf_counter() - began
        with store.session() as session:
            done = session.scalar(select(func.count()).select_from(ProcessInstance)
                                  .where(ProcessInstance.status == "completed"))
            left = session.scalar(select(func.count()).select_from(Timer))
        store.dispose()
        check(done == sizes.fire_timers and left == 0, f"{done} instances completed, {left} timers left")
        per_timer = total * 1000 / fired
        say(f"{backend.name}: started {sizes.fire_timers:,} instances in {started:.2f} s "
            f"({started * 1000 / sizes.fire_timers:.2f} ms each)")
        say(f"{backend.name}: fired {fired:,} timers in {total:.2f} s over {sweeps} sweep(s): "
            f"{per_timer:.2f} ms per timer, {fired / total:.0f} timers/s; all {done:,} instances completed")
        summary.add(f"3 fire {fired:,} due timers: total s", backend.name, f"{total:.2f}")
        summary.add("3 fire due timers: ms per timer", backend.name, f"{per_timer:.2f}")


# -- 4. timer lag with the real worker ------------------------------------------------------------
def cuncun_command() -> str | None:
    """Return the path of the `cuncun` console script of this venv."""
    local = Path(sys.executable).parent / "cuncun"
    return str(local) if local.exists() else shutil.which("cuncun")


def wait_for(predicate: Callable[[], bool], deadline: float, pause: float = 0.1) -> bool:
    """Poll until `predicate` holds or the monotonic deadline passes."""
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(pause)
    return predicate()


def tail(path: Path, lines: int = 15) -> str:
    """Return the last lines of a log file."""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else "(no log)"


def figure_lag(backend: Backend, workdir: Path, sizes: Sizes, summary: Summary) -> None:
    """Figure 4: lag between a timer's due moment and its firing by the running worker."""
    heading(f"4. Timer lag with the worker running (`cuncun worker --interval 1`, {backend.name}, system clock)")
    command = cuncun_command()
    if command is None:
        say("skipped: the `cuncun` console script is not installed")
        summary.add("4 timer lag max / median s", backend.name, "skipped", f"< {LAG_TARGET_S:g} s")
        return
    store = backend.fresh("worker")
    engine = Engine(store)  # the system clock, like the worker's
    deploy(engine, TIMER_ONCE)
    log_path = workdir / "worker.log"
    give_up = time.monotonic() + LAG_GIVE_UP_S
    env = {**os.environ, "DATABASE_URL": store.url}
    with log_path.open("wb") as log:
        worker = subprocess.Popen([command, "worker", "--interval", "1"], env=env, cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT)
    fired: dict[int, datetime] = {}
    dues: dict[int, datetime] = {}
    try:
        up = wait_for(lambda: worker.poll() is not None or " started" in log_path.read_text(errors="replace"),
                      give_up)
        if not up or worker.poll() is not None:
            say(f"the worker did not start (exit code {worker.poll()}); its log:\n{tail(log_path)}")
            summary.add("4 timer lag max / median s", backend.name, "worker failed", f"< {LAG_TARGET_S:g} s", "MISS")
            return
        now = system_clock()
        count = sizes.lag_instances
        for n in range(count):
            moment = now + timedelta(seconds=3 + 3 * n / max(1, count - 1))
            fire_at = moment.astimezone(CHINA).isoformat(timespec="milliseconds")
            instance_id = engine.start_case("timer_once", CaseContext(point_code="P1"), actor=ACTOR,
                                            data={"fire_at": fire_at})
            dues[instance_id] = datetime.fromisoformat(fire_at)

        def all_fired() -> bool:
            with store.session() as session:
                rows = session.execute(select(AuditEvent.instance_id, AuditEvent.at)
                                       .where(AuditEvent.action == "timer_fired")).all()
            fired.update({instance_id: at for instance_id, at in rows if instance_id in dues})
            return len(fired) == len(dues)

        wait_for(all_fired, give_up, pause=0.25)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        store.dispose()
    lags = sorted((fired[i] - dues[i]).total_seconds() for i in fired)
    missing = len(dues) - len(fired)
    say(f"{len(dues)} instances due 3..6 s after their start; worker stopped (exit code {worker.returncode}); "
        f"{len(fired)} of {len(dues)} timers fired"
        + (f", {missing} not within {LAG_GIVE_UP_S:g} s" if missing else ""))
    if not lags:
        say(f"no timer fired; worker log:\n{tail(log_path)}")
        summary.add("4 timer lag max / median s", backend.name, "none fired", f"< {LAG_TARGET_S:g} s", "MISS")
        return
    ok = not missing and max(lags) < LAG_TARGET_S
    say(f"lag (audit 'timer_fired' at - due): min {lags[0]:.3f} s, median {statistics.median(lags):.3f} s, "
        f"max {lags[-1]:.3f} s; target max < {LAG_TARGET_S:g} s: {verdict(ok)}")
    summary.add("4 timer lag max / median s", backend.name, f"{lags[-1]:.3f} / {statistics.median(lags):.3f}",
                f"< {LAG_TARGET_S:g} s", verdict(ok))
