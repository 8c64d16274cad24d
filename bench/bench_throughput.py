"""Figure 1: start-to-end instances per second, in memory and persisted."""


from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench_common import (
    ACTOR,
    ONE_TASK,
    PAIRS,
    PERSISTED_RATIO_TARGET,
    Backend,
    Sizes,
    Summary,
    check,
    deploy,
    forms,
    heading,
    paired,
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


def state_step() -> Callable[[], None]:
    """Return `memory_step` plus our state dump and restore at the wait and dump at the end (no database)."""
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

    return one


def persisted_step(store: Store) -> Callable[[], None]:
    """Return one instance of the one-task process through the persisted engine, as the web app would run it."""
    engine = Engine(store, forms=forms())
    deploy(engine, ONE_TASK)

    def one() -> None:
        instance_id = engine.start_case("one_task", CaseContext(point_code="P1"), actor=ACTOR)
        with store.session() as session:
            task_id = session.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == instance_id))
        row = engine.complete(task_id, ACTOR, {})
        check(row.status == "completed", f"instance {instance_id} did not complete")

    return one


def figure_throughput(backends: list[Backend], sizes: Sizes, summary: Summary) -> None:
    """Figure 1: start-to-end instances per second, in memory and persisted."""
    heading("1. Start-to-end instances/s of bench/one_task.bpmn (start -> user task -> end)")
    say(f"(each line: {sizes.warmup} warm-up instances, then {PAIRS} in-memory rounds alternating with {PAIRS}"
        " measured rounds; medians over the pairs)")
    memory = memory_step()
    roundtrip = paired(state_step(), memory, sizes.memory_instances, sizes.memory_instances, sizes.warmup)
    say(f"in memory (plain SpiffWorkflow): {roundtrip.memory_rate:8.1f} instances/s")
    summary.add("1 in-memory instances/s", "-", f"{roundtrip.memory_rate:.1f}")
    say(f"diagnostic, in memory + our state dump/load at the wait and dump at the end (no database): "
        f"{roundtrip.rate:.1f} instances/s = {roundtrip.ratio:.3f} x in-memory (pairs {roundtrip.spread()})")
    summary.add("1 in-memory + state dump/load / in-memory (diagnostic)", "-", f"{roundtrip.ratio:.3f}", "(info)")
    for backend in backends:
        store = backend.fresh("throughput")
        result = paired(persisted_step(store), memory, sizes.persisted_instances, sizes.memory_instances,
                        sizes.warmup)
        store.dispose()
        is_target = backend.name == "SQLite"
        ok = result.ratio >= PERSISTED_RATIO_TARGET
        mark = f"  target >= {PERSISTED_RATIO_TARGET:.2f}: {verdict(ok)}" if is_target else ""
        say(f"persisted on {backend.name:<10}: {result.rate:8.1f} instances/s against "
            f"{result.memory_rate:.1f} in memory = {result.ratio:.3f} x (pairs {result.spread()};"
            f" {1000 / result.rate:.2f} ms each){mark}")
        summary.add("1 persisted instances/s", backend.name, f"{result.rate:.1f}")
        summary.add("1 persisted / in-memory", backend.name, f"{result.ratio:.3f}",
                    f">= {PERSISTED_RATIO_TARGET}" if is_target else "(info)",
                    verdict(ok) if is_target else "")
