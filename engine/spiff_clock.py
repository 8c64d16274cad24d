"""Route SpiffWorkflow's timer checks through our clock.

Spiff compares timer values with its own `datetime.now(timezone.utc)`. To fire timers by the engine's
injected clock (tests, the worker) we replace the `datetime` name inside Spiff's timer module with a
subclass whose `now()` asks the clock set for the current context, falling back to the system time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

from engine.clock import Clock

_current: ContextVar[Clock | None] = ContextVar("spiff_clock", default=None)


class _ClockedDatetime(datetime):
    """A datetime whose now() reads the context's clock."""

    @classmethod
    def now(cls, tz=None):  # noqa: D102 - mirrors datetime.now
        clock = _current.get()
        if clock is None:
            return datetime.now(tz)
        moment = clock()
        return moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)


_spiff_timer.datetime = _ClockedDatetime


@contextmanager
def spiff_clock(clock: Clock) -> Iterator[None]:
    """Make Spiff's timers see `clock` while the block runs."""
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)
