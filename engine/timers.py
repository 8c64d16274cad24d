"""Fire due timers: lease one due row at a time, safely across workers and hosts, and take over stale leases."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID, uuid4

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import audit
from engine.env import env_int
from engine.errors import Unavailable
from engine.models import ProcessInstance, Timer
from engine.retry import is_unique_violation, retrying
from engine.runtime import Engine
from engine.spiff_clock import spiff_clock

log = logging.getLogger(__name__)
# Spiff fires a timer when its moment is strictly before "now"; a timer due exactly now must fire too.
EPSILON = timedelta(milliseconds=1)


def worker_name() -> str:
    """Name this worker by host and process, for logs and timer claims."""
    return f"{socket.gethostname()}:{os.getpid()}"


def lease_from_env() -> timedelta:
    """Return how long a claim holds a timer before another worker may take it over (CUNCUN_TIMER_LEASE_SECONDS)."""
    return timedelta(seconds=env_int("CUNCUN_TIMER_LEASE_SECONDS", 300, 5, 86_400))


@dataclass
class SweepResult:
    """What one sweep did."""

    fired: int = 0
    failed: int = 0
    conflicts: int = 0
    taken_over: int = 0  # claims of ours another worker took over (and fired) after our lease ran out
    deferred: int = 0  # timers left for a later sweep because the database kept failing


@dataclass(frozen=True)
class Claim:
    """A worker's lease on one due timer."""

    timer_id: int
    instance_id: int
    task_id: str
    due_at: datetime
    token: str


def claim_due_timer(engine: Engine, now: datetime, worker: str, lease: timedelta) -> Claim | None:
    """Lease the earliest due timer that nobody holds, or whose holder's lease ran out, in a short transaction.

    SKIP LOCKED lets several PostgreSQL workers claim side by side; on SQLite the write session began with
    BEGIN IMMEDIATE, so this transaction is the only writer.
    """
    with engine.store.session(write=True) as session:
        query = (select(Timer)
                 .where(Timer.due_at <= now, Timer.failed.is_(False),
                        or_(Timer.claimed_until.is_(None), Timer.claimed_until <= now))
                 .order_by(Timer.due_at, Timer.id).limit(1))
        if engine.store.is_postgres:
            query = query.with_for_update(skip_locked=True)
        timer = session.scalars(query).first()
        if timer is None:
            return None
        if timer.claimed_by is not None:
            log.warning("timer %s: lease of %s ran out, %s takes it over", timer.id, timer.claimed_by, worker)
        token = f"{worker}/{uuid4().hex[:12]}"
        timer.claimed_by, timer.claimed_until = token, now + lease
        return Claim(timer.id, timer.instance_id, timer.task_id, timer.due_at, token)


def _fire_in(engine: Engine, claim: Claim, now: datetime):
    """Return the change that fires one timer inside its instance."""

    def change(session: Session, row: ProcessInstance, workflow: BpmnWorkflow) -> bool:
        task = workflow.get_task_from_id(UUID(claim.task_id))
        if task is None or task.state != TaskState.WAITING:
            return False  # a stale row: the save's sync removes it
        moment = max(now, claim.due_at + EPSILON)
        with spiff_clock(lambda: moment):
            workflow.refresh_timers()
            engine.run_steps(session, row, workflow, "system:timer")
        return True

    return change


def fire_claimed(engine: Engine, claim: Claim, now: datetime) -> bool:
    """Fire a leased timer in its instance's transaction; return False if another worker took it over.

    The instance row is locked before the timer row, the order every save uses, so a clerk's save and a
    firing queue rather than deadlock; the claim is checked under that lock, so a timer fires once.
    """
    with engine.store.session(write=True) as session:
        row = engine.lock_instance(session, claim.instance_id)
        holder = select(Timer.claimed_by).where(Timer.id == claim.timer_id)
        if engine.store.is_postgres:
            holder = holder.with_for_update()
        if row is None or session.scalar(holder) != claim.token:
            return False
        engine.apply(session, row, _fire_in(engine, claim, now))
        # The row is gone if the timer fired; one that stays (moved, not yet due to Spiff) is free again.
        session.execute(update(Timer).where(Timer.id == claim.timer_id).values(claimed_by=None, claimed_until=None))
        return True


def fire_due_timers(engine: Engine, *, limit: int = 1000, worker: str | None = None,
                    lease: timedelta | None = None) -> SweepResult:
    """Fire up to `limit` due timers, one transaction each; never loads an instance with nothing due."""
    result = SweepResult()
    worker = worker or worker_name()
    lease = lease or lease_from_env()
    while result.fired + result.failed + result.conflicts + result.taken_over < limit:
        now = engine.clock()
        claim = retrying(partial(claim_due_timer, engine, now, worker, lease), engine.retry_policy,
                         what="timer claim")
        if claim is None:
            return result
        try:
            fired = retrying(partial(fire_claimed, engine, claim, now), engine.retry_policy,
                             what=f"timer {claim.timer_id}")
        except StaleDataError:
            result.conflicts += 1  # a save got in first; the timer is still due next round
            _release(engine, claim)
            continue
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                result.failed += 1
                _park(engine, claim, exc)
                continue
            result.conflicts += 1
            _release(engine, claim)
            continue
        except (Unavailable, OperationalError) as exc:
            # Not the case's fault (the database kept failing, or a statement timed out): leave the case running;
            # the lease runs out and a later sweep fires the timer.
            log.warning("timer %s deferred: %s", claim.timer_id, exc)
            result.deferred += 1
            try:
                _release(engine, claim)  # the next sweep may try at once; if this fails too, the lease runs out
            except DBAPIError:
                log.warning("timer %s: claim kept until its lease runs out", claim.timer_id)
            return result
        except Exception as exc:  # a broken instance must not stop the sweep for everyone else
            log.exception("timer %s of instance %s failed", claim.timer_id, claim.instance_id)
            _park(engine, claim, exc)
            result.failed += 1
            continue
        if fired:
            result.fired += 1
        else:
            result.taken_over += 1
    return result


def _release(engine: Engine, claim: Claim) -> None:
    """Give a claimed timer back at once, so the next round may fire it."""
    with engine.store.session(write=True) as session:
        session.execute(update(Timer).where(Timer.id == claim.timer_id, Timer.claimed_by == claim.token)
                        .values(claimed_by=None, claimed_until=None))


def _park(engine: Engine, claim: Claim, exc: Exception) -> None:
    """Mark the timer failed and the instance in error, in a fresh transaction."""
    with engine.store.session(write=True) as session:
        session.execute(update(Timer).where(Timer.id == claim.timer_id)
                        .values(failed=True, claimed_by=None, claimed_until=None))
        session.execute(update(ProcessInstance).where(ProcessInstance.id == claim.instance_id)
                        .values(status="error", error_message=f"定时器触发失败: {exc}",
                                lock_version=ProcessInstance.lock_version + 1))
        audit.record(session, at=engine.clock(), actor="system:timer", action="error",
                     instance_id=claim.instance_id, message=str(exc), timer_id=claim.timer_id)
