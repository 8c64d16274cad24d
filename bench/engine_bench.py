"""Benchmark the cuncun engine: throughput, timer sweeps, timer firing, worker lag and stored state size.

Run from the repository root with the venv active: `python bench/engine_bench.py [--quick]`.
Every figure and ratio is measured in the same run; the script reports and always exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import create_engine, event, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.bootstrap import service_registry
from engine.clock import CHINA, FrozenClock, china_iso, system_clock
from engine.forms import FormRegistry
from engine.models import AuditEvent, InboxTask, ProcessInstance, ProcessVersion, Timer
from engine.runtime import CaseContext, Engine
from engine.schema import upgrade
from engine.script_env import RESERVED_NAMES
from engine.state import dump_state, load_state
from engine.store import Store
from engine.timers import fire_due_timers

ROOT = Path(__file__).resolve().parent.parent
ONE_TASK = ROOT / "bench" / "one_task.bpmn"
TIMER_ONCE = ROOT / "tests" / "data" / "bpmn" / "timer_once.bpmn"
PROCESSES = ROOT / "processes"
FORMS = ROOT / "forms"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cuncun_bench"
ITEM11 = "item_11_unemployment_registration"
MATERIALS = ["本人身份证或社会保障卡"]
ACTOR = "bench"
START = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA)  # a Monday morning, Beijing time
ITEM11_CONTEXT = CaseContext(point_code="LG-001", town_code="LG", item_code="11",
                             applicant_id_number="11010519491231002X", applicant_name="张三")

# Targets the figures are judged against.
PERSISTED_RATIO_TARGET = 0.5
SWEEP_TARGET_MS = 10.0
LAG_TARGET_S = 2.0
LAG_GIVE_UP_S = 30.0
ROUNDS = 3  # throughput figures report the best of this many timed rounds


@dataclass(frozen=True)
class Sizes:
    """How much work each figure does."""

    memory_instances: int
    persisted_instances: int
    warmup: int
    sweep_instances: int
    sweep_timers: int
    sweeps: int
    fire_timers: int
    lag_instances: int
    item11_cases: int


FULL = Sizes(memory_instances=3000, persisted_instances=800, warmup=30, sweep_instances=1_000,
             sweep_timers=100_000, sweeps=300, fire_timers=1_000, lag_instances=20, item11_cases=200)
QUICK = Sizes(memory_instances=300, persisted_instances=60, warmup=5, sweep_instances=100,
              sweep_timers=5_000, sweeps=30, fire_timers=100, lag_instances=6, item11_cases=20)


@dataclass
class Summary:
    """Rows of the final table: figure, backend, value, target and verdict."""

    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def add(self, figure: str, backend: str, value: str, target: str = "", verdict: str = "") -> None:
        """Remember one row."""
        self.rows.append((figure, backend, value, target, verdict))

    def print(self) -> None:
        """Print the table with aligned columns."""
        header = ("figure", "backend", "value", "target", "verdict")
        rows = [header, *self.rows]
        widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
        rule = "  ".join("-" * w for w in widths)
        say(rule)
        for n, row in enumerate(rows):
            say("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                say(rule)
        say(rule)


def _width(cell: str) -> int:
    """Return the display width of a cell (CJK characters take two columns)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in cell)


def _pad(cell: str, width: int) -> str:
    """Pad a cell to a display width."""
    return cell + " " * (width - _width(cell))


def say(line: str = "") -> None:
    """Print a line at once, so progress shows while the run goes on."""
    print(line, flush=True)


def heading(title: str) -> None:
    """Print a section heading."""
    say()
    say(f"== {title}")


def verdict(ok: bool) -> str:
    """Return PASS or MISS."""
    return "PASS" if ok else "MISS"


def check(condition: bool, message: str) -> None:
    """Stop the run when the engine did not do what the benchmark relies on."""
    if not condition:
        raise RuntimeError(message)


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of some values."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def per_second(step: Callable[[], None], count: int, warmup: int, rounds: int = ROUNDS) -> float:
    """Run `step` `warmup` times untimed, then `count` times in `rounds` timed rounds; return the best rate.

    The best round is the one least disturbed by whatever else the machine was doing.
    """
    for _ in range(warmup):
        step()
    per_round = max(1, count // rounds)
    rates = []
    for _ in range(rounds):
        began = time.perf_counter()
        for _ in range(per_round):
            step()
        rates.append(per_round / (time.perf_counter() - began))
    return max(rates)


# -- backends ------------------------------------------------------------------------------------
@dataclass
class Backend:
    """A database kind; `fresh()` hands out an empty store migrated to the newest schema."""

    name: str
    url_for: Callable[[str], str]
    reset: Callable[[Store], None]

    def fresh(self, label: str) -> Store:
        """Return an empty, migrated store for one figure."""
        store = Store(self.url_for(label))
        self.reset(store)
        upgrade(store)
        return store


def sqlite_backend(directory: Path) -> Backend:
    """SQLite: a new file in the temp directory per figure."""
    return Backend("SQLite", lambda label: f"sqlite:///{directory / label}.db", lambda _store: None)


def reset_postgres(store: Store) -> None:
    """Drop and recreate the public schema of the bench database (never the test database)."""
    check(store.engine.url.database == "cuncun_bench", "refusing to reset a database other than cuncun_bench")
    with store.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def postgres_backend(url: str) -> tuple[Backend | None, str]:
    """Create the bench database when missing; return the backend, or None and why not."""
    target = make_url(url)
    if target.database != "cuncun_bench":
        return None, f"refusing to use database {target.database!r}: the benchmark resets its schema"
    reason = "no admin database answered"
    for admin_db in ("postgres", "test"):  # only to issue CREATE DATABASE; no table is touched
        admin = create_engine(target.set(database=admin_db), isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        try:
            with admin.connect() as conn:
                exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                     {"name": target.database})
                if not exists:
                    conn.execute(text(f'CREATE DATABASE "{target.database}"'))
            probe = create_engine(target, connect_args={"connect_timeout": 3})
            with probe.connect() as conn:
                conn.execute(text("SELECT 1"))
            probe.dispose()
            return Backend("PostgreSQL", lambda _label: url, reset_postgres), ""
        except DBAPIError as exc:
            reason = "unreachable: " + str(exc.orig or exc).strip().splitlines()[0]
        finally:
            admin.dispose()
    return None, reason


def forms() -> FormRegistry:
    """Return the project's form registry (no form uses the benchmark's task id)."""
    return FormRegistry(FORMS, reserved=RESERVED_NAMES)


def deploy(engine: Engine, path: Path) -> None:
    """Deploy one BPMN file."""
    engine.deploy_files({path.name: path.read_bytes()}, ACTOR)


# -- 1. start-to-end throughput ------------------------------------------------------------------
def one_task_spec() -> tuple[Any, dict[str, Any]]:
    """Parse bench/one_task.bpmn with plain SpiffWorkflow; return its spec and subprocess specs."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(ONE_TASK))
    return parser.get_spec("one_task"), parser.get_subprocess_specs("one_task")


def memory_rate(sizes: Sizes) -> float:
    """Instances per second of the one-task process in memory with plain SpiffWorkflow."""
    spec, subs = one_task_spec()

    def one() -> None:
        workflow = BpmnWorkflow(spec, subs)
        workflow.do_engine_steps()
        (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
        task.run()
        workflow.do_engine_steps()
        check(workflow.completed, "in-memory instance did not complete")

    return per_second(one, sizes.memory_instances, sizes.warmup)


def memory_state_rate(sizes: Sizes) -> float:
    """Like `memory_rate`, but the state is dumped and restored at the wait and dumped at the end (no database)."""
    spec, subs = one_task_spec()
    script_engine = PythonScriptEngine()

    def one() -> None:
        workflow = BpmnWorkflow(spec, subs, script_engine=script_engine)
        workflow.do_engine_steps()
        workflow = load_state(dump_state(workflow), spec, subs, script_engine)
        (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
        task.run()
        workflow.do_engine_steps()
        dump_state(workflow)
        check(workflow.completed, "in-memory instance did not complete")

    return per_second(one, sizes.memory_instances, sizes.warmup)


def persisted_rate(store: Store, sizes: Sizes) -> float:
    """Instances per second of the one-task process through the persisted engine."""
    engine = Engine(store, forms=forms())
    deploy(engine, ONE_TASK)

    def one() -> None:
        instance_id = engine.start_case("one_task", CaseContext(point_code="P1"), actor=ACTOR)
        with store.session() as session:
            task_id = session.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == instance_id))
        row = engine.complete(task_id, ACTOR, {})
        check(row.status == "completed", f"instance {instance_id} did not complete")

    return per_second(one, sizes.persisted_instances, sizes.warmup)


def figure_throughput(backends: list[Backend], sizes: Sizes, summary: Summary) -> None:
    """Figure 1: start-to-end instances per second, in memory and persisted."""
    heading("1. Start-to-end instances/s of bench/one_task.bpmn (start -> user task -> end)")
    say(f"(each rate: {sizes.warmup} warm-up instances, then the best of {ROUNDS} equal timed rounds)")
    memory = memory_rate(sizes)
    say(f"in memory (plain SpiffWorkflow): {memory:8.1f} instances/s  ({sizes.memory_instances} instances)")
    summary.add("1 in-memory instances/s", "-", f"{memory:.1f}")
    roundtrip = memory_state_rate(sizes)
    say(f"diagnostic, in memory + our state dump/load at the wait and dump at the end (no database): "
        f"{roundtrip:.1f} instances/s = {roundtrip / memory:.3f} x in-memory")
    summary.add("1 in-memory + state dump/load (diagnostic)", "-", f"{roundtrip:.1f}", "(info)")
    for backend in backends:
        store = backend.fresh("throughput")
        rate = persisted_rate(store, sizes)
        store.dispose()
        ratio = rate / memory
        is_target = backend.name == "SQLite"
        ok = ratio >= PERSISTED_RATIO_TARGET
        mark = f"  target >= {PERSISTED_RATIO_TARGET:.2f}: {verdict(ok)}" if is_target else ""
        say(f"persisted on {backend.name:<10}: {rate:8.1f} instances/s  ({sizes.persisted_instances} instances)"
            f"  = {ratio:.3f} x in-memory  ({1000 / rate:.2f} ms vs {1000 / memory:.2f} ms each){mark}")
        summary.add("1 persisted instances/s", backend.name, f"{rate:.1f}")
        summary.add("1 persisted / in-memory", backend.name, f"{ratio:.3f}",
                    f">= {PERSISTED_RATIO_TARGET}" if is_target else "(info)",
                    verdict(ok) if is_target else "")


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


# -- 5. stored bytes per waiting instance --------------------------------------------------------
def deploy_item11(engine: Engine) -> None:
    """Deploy processes/ as a whole (item 11 calls shared processes and uses the domain operators)."""
    engine.deploy_directory(PROCESSES, actor=ACTOR)


def state_size_on(backend: Backend, sizes: Sizes, summary: Summary) -> None:
    """Start waiting item-11 cases on one backend and print what their rows and versions store."""
    name = backend.name
    store = backend.fresh("state")
    try:
        engine = Engine(store, clock=FrozenClock(START), forms=forms(), services=service_registry())
        deploy_item11(engine)
        began = time.perf_counter()
        for _ in range(sizes.item11_cases):
            engine.start_case(ITEM11, ITEM11_CONTEXT, actor=ACTOR, data={"required_materials": MATERIALS})
        started = time.perf_counter() - began
        with store.session() as session:
            states = session.scalars(select(ProcessInstance.state).where(ProcessInstance.process_id == ITEM11)).all()
            versions = session.execute(select(ProcessVersion.process_id, ProcessVersion.spec_json,
                                              ProcessVersion.bpmn_xml).order_by(ProcessVersion.id)).all()
            on_disk = None
            if store.is_postgres:
                on_disk = session.scalar(select(func.avg(func.pg_column_size(ProcessInstance.state)))
                                         .where(ProcessInstance.process_id == ITEM11))
    finally:
        store.dispose()
    check(len(states) == sizes.item11_cases, "not every case was stored")
    check(all("spec" not in json.loads(s) for s in states), "an instance's state embeds a spec")
    chars = statistics.mean(len(s) for s in states)
    utf8 = statistics.mean(len(s.encode()) for s in states)
    disk = f"; stored on disk (pg_column_size, compressed) {float(on_disk):,.0f} bytes" if on_disk else ""
    say(f"{name}: started {len(states)} cases in {started:.2f} s ({started * 1000 / len(states):.2f} ms each)")
    say(f"{name}: process_instance.state: average len {chars:,.0f} chars, {utf8:,.0f} bytes UTF-8{disk}")
    spec_bytes = 0
    for process_id, spec_json, xml in versions:
        size = len(spec_json.encode())
        if process_id == ITEM11:
            spec_bytes = size
            called = ", ".join(json.loads(spec_json)["subprocess_specs"])
            say(f"{name}: version row {process_id}: spec_json {len(spec_json):,} chars ({size:,} bytes, "
                f"with the specs it calls: {called}), bpmn_xml {len(xml.encode()):,} bytes; stored once")
        else:
            say(f"{name}: version row {process_id}: spec_json {size:,} bytes (its own version, for its own cases)")
    once = len(states) * utf8 + spec_bytes
    repeated = len(states) * (utf8 + spec_bytes)
    say(f"{name}: {len(states)} instances share 1 item-11 version row: states + spec once = {once / 1024:,.0f} KiB; "
        f"with the spec in every state it would be {repeated / 1024:,.0f} KiB ({repeated / once:.1f} x)")
    summary.add("5 item-11 state bytes / waiting instance", name,
                f"{utf8:,.0f}" + (f" ({float(on_disk):,.0f} on disk)" if on_disk else ""))
    summary.add("5 item-11 spec_json bytes, stored once", name, f"{spec_bytes:,}")


def figure_state_size(backends: list[Backend], sizes: Sizes, summary: Summary) -> None:
    """Figure 5: the stored state of waiting item-11 cases next to the spec stored once per version."""
    heading(f"5. Stored bytes per waiting instance: {sizes.item11_cases} item-11 cases at their first user task")
    for backend in backends:
        try:
            state_size_on(backend, sizes, summary)
        except Exception as exc:  # processes/ is the project's live content; report, do not hide the rest
            say(f"{backend.name}: item-11 figure failed: {type(exc).__name__}: {exc}")
            summary.add("5 item-11 state bytes / waiting instance", backend.name, "failed")


# -- main ----------------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> None:
    """Run every figure and print the summary."""
    sizes = QUICK if args.quick else FULL
    began = time.perf_counter()
    summary = Summary()
    say(f"cuncun engine benchmark ({'quick' if args.quick else 'full'} run), Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, {datetime.now(CHINA):%Y-%m-%d %H:%M %z}")
    with tempfile.TemporaryDirectory(prefix="cuncun-bench-") as tmp:
        workdir = Path(tmp)
        sqlite = sqlite_backend(workdir)
        backends = [sqlite]
        postgres, reason = postgres_backend(args.postgres)
        if postgres is None:
            say(f"PostgreSQL at {make_url(args.postgres).render_as_string(hide_password=True)} not used, "
                f"{reason}; skipping the PostgreSQL figures")
        else:
            backends.append(postgres)
            say(f"PostgreSQL: {make_url(args.postgres).render_as_string(hide_password=True)} "
                "(public schema dropped and recreated for each figure)")
        say(f"SQLite: files in {workdir}")
        figure_throughput(backends, sizes, summary)
        figure_sweep(backends, sizes, summary)
        figure_fire(backends, sizes, summary)
        figure_lag(sqlite, workdir, sizes, summary)
        figure_state_size(backends, sizes, summary)
    heading(f"Summary (total run time {time.perf_counter() - began:.0f} s)")
    summary.print()


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run; the exit code is 0 whether targets are met or missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke run")
    parser.add_argument("--postgres", default=PG_URL, help=f"bench database URL (default {PG_URL})")
    args: Any = parser.parse_args(argv)
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
