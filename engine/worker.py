"""The timer worker: APScheduler in its own process, sweeping for due timers every interval."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from apscheduler.schedulers.blocking import BlockingScheduler

from engine.runtime import Engine
from engine.timers import fire_due_timers, worker_name

# A periodic job the application adds to the worker (e.g. starting the monthly reports); it must be safe to run
# on several workers at once and to run late.
Job = Callable[[Engine], None]

log = logging.getLogger("cuncun.worker")


def sweep(engine: Engine, jobs: Sequence[Job] = ()) -> None:
    """Run the application's jobs, then fire what is due now; log only when something happened."""
    for job in jobs:
        try:
            job(engine)
        except Exception:  # one failing job must not stop timers from firing
            log.exception("worker job %s failed", getattr(job, "__name__", job))
    try:
        result = fire_due_timers(engine)
    except Exception:  # e.g. the database is unreachable: log and sweep again at the next interval
        log.exception("%s: timer sweep failed", worker_name())
        return
    if result.fired or result.failed or result.conflicts or result.taken_over or result.deferred:
        log.info("%s fired=%d failed=%d conflicts=%d taken_over=%d deferred=%d", worker_name(), result.fired,
                 result.failed, result.conflicts, result.taken_over, result.deferred)


def run_worker(engine: Engine, interval: float = 1.0, jobs: Sequence[Job] = ()) -> None:
    """Sweep at once (timers that came due while no worker ran), then every `interval` seconds."""
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # one line per sweep would drown the log
    scheduler = BlockingScheduler(timezone="Asia/Shanghai")
    # One sweep at a time per process; several processes are safe thanks to the claim in timers.py.
    scheduler.add_job(sweep, "interval", args=[engine, jobs], seconds=interval, max_instances=1, coalesce=True,
                      next_run_time=engine.clock())
    log.info("worker %s started, sweeping every %.1fs", worker_name(), interval)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("worker %s stopped", worker_name())
