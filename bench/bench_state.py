"""Figure 5: stored bytes per waiting instance, and the spec stored once per version."""


from __future__ import annotations

import json
import statistics
import time

from bench_common import (
    ACTOR,
    ITEM11,
    ITEM11_CONTEXT,
    MATERIALS,
    PROCESSES,
    START,
    Backend,
    Sizes,
    Summary,
    check,
    forms,
    heading,
    say,
)
from sqlalchemy import func, select

from app.bootstrap import service_registry
from engine.clock import FrozenClock
from engine.models import ProcessInstance, ProcessVersion
from engine.runtime import Engine


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
