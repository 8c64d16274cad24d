"""Figure 1: start-to-end instances per second, in memory and persisted."""


from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench_common import (
    ACTOR,
    ONE_TASK,
    PERSISTED_RATIO_TARGET,
    ROUNDS,
    Backend,
    Sizes,
    Summary,
    check,
    deploy,
    forms,
    heading,
    per_second,
    say,
    verdict,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.models import InboxTask
from engine.runtime import CaseContext, Engine
from engine.state import dump_state, load_state
from engine.store import Store


# -- 1. start-to-end throughput ------------------------------------------------------------------
def one_task_spec() -> tuple[Any, dict[str, Any]]:
    """Parse bench/one_task.bpmn with plain SpiffWorkflow; return its spec and subprocess specs."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(ONE_TASK))
    return parser.get_spec("one_task"), parser.get_subprocess_specs("one_task")


def memory_step() -> Callable[[], None]:
    """Return one start-to-end instance of the one-task process in memory with plain SpiffWorkflow."""
    spec, subs = one_task_spec()

    def one() -> None:
        workflow = BpmnWorkflow(spec, subs)
        workflow.do_engine_steps()
        (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
        task.run()
        workflow.do_engine_steps()
        check(workflow.completed, "in-memory instance did not complete")

    return one


def memory_rate(sizes: Sizes) -> float:
    """Instances per second of the one-task process in memory with plain SpiffWorkflow."""
    return per_second(memory_step(), sizes.memory_instances, sizes.warmup)


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
