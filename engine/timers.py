"""Fire due timers: claim one due row at a time, safely across workers and hosts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import audit
from engine.models import ProcessInstance, Timer
from engine.runtime import Engine
from engine.spiff_clock import spiff_clock

log = logging.getLogger(__name__)
# Spiff fires a timer when its moment is strictly before "now"; a timer due exactly now must fire too.
EPSILON = timedelta(milliseconds=1)


@dataclass
class SweepResult:
    """What one sweep did."""

    fired: int = 0
    failed: int = 0
    conflicts: int = 0


def _claim(session: Session, engine: Engine, now: datetime) -> Timer | None:
    """Lock the earliest due timer that no other worker holds (SKIP LOCKED on PostgreSQL).

    On SQLite the write session began with BEGIN IMMEDIATE, so this transaction is the only writer.
    """
    query = (select(Timer).where(Timer.due_at <= now, Timer.failed.is_(False))
             .order_by(Timer.due_at, Timer.id).limit(1))
    if engine.store.is_postgres:
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).first()


def _fire_in(engine: Engine, timer: Timer, now: datetime):
    """Return the change that fires one timer inside its instance."""

    def change(session: Session, row: ProcessInstance, workflow: BpmnWorkflow) -> bool:
        task = workflow.get_task_from_id(UUID(timer.task_id))
        if task is None or task.state != TaskState.WAITING:
            return False  # a stale row: the save's sync removes it
        moment = max(now, timer.due_at + EPSILON)
        with spiff_clock(lambda: moment):
            workflow.refresh_timers()
            engine.run_steps(session, row, workflow, "system:timer")
        return True

    return change


def fire_due_timers(engine: Engine, *, limit: int = 1000) -> SweepResult:
    """Fire up to `limit` due timers, one transaction each; never loads an instance with nothing due."""
    result = SweepResult()
    while result.fired + result.failed + result.conflicts < limit:
        now = engine.clock()
        timer_id = instance_id = None
        try:
            # Claim and firing share one transaction, so the claim holds until the new state commits.
            with engine.store.session(write=True) as session:
                timer = _claim(session, engine, now)
                if timer is None:
                    return result
                timer_id, instance_id = timer.id, timer.instance_id
                row = session.get(ProcessInstance, instance_id)
                engine.apply(session, row, _fire_in(engine, timer, now))
            result.fired += 1
        except StaleDataError:
            result.conflicts += 1  # a clerk saved the instance first; the timer is still due next round
        except Exception as exc:  # a broken instance must not stop the sweep for everyone else
            log.exception("timer %s of instance %s failed", timer_id, instance_id)
            _park(engine, timer_id, instance_id, exc)
            result.failed += 1
    return result


def _park(engine: Engine, timer_id: int | None, instance_id: int | None, exc: Exception) -> None:
    """Mark the timer failed and the instance in error, in a fresh transaction."""
    if timer_id is None:
        raise exc
    with engine.store.session(write=True) as session:
        session.execute(update(Timer).where(Timer.id == timer_id).values(failed=True))
        session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id)
                        .values(status="error", error_message=f"定时器触发失败: {exc}",
                                lock_version=ProcessInstance.lock_version + 1))
        audit.record(session, at=engine.clock(), actor="system:timer", action="error",
                     instance_id=instance_id, message=str(exc), timer_id=timer_id)
