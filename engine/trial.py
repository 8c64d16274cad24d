"""Run the check's trial runs in a forked child with CPU, memory and time limits: an upload cannot hurt the server."""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any

TRIAL_SECONDS = 30.0  # wall clock for all trial runs of one check, the sandbox's own budgets come first
TRIAL_CPU_SECONDS = 20
TRIAL_MEMORY = 512 * 1024 * 1024  # bytes the child may add to what it inherited


class TrialAborted(Exception):
    """The child was stopped by a limit; the message is the user's Chinese reason."""


def _address_space() -> int:
    """Return this process's current virtual size in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _child(work: Callable[[], Any], out: int) -> None:
    try:
        limit = _address_space() + TRIAL_MEMORY
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (TRIAL_CPU_SECONDS, TRIAL_CPU_SECONDS))
        payload = pickle.dumps((True, work()))
    except MemoryError:
        payload = pickle.dumps((False, "试运行占用内存超过上限"))
    except BaseException as exc:  # anything else: report it rather than die silently
        payload = pickle.dumps((False, f"试运行失败：{type(exc).__name__}: {exc}"))
    view = memoryview(payload)
    while view:
        view = view[os.write(out, view):]


def isolated(work: Callable[[], Any]) -> Any:
    """Return work() computed in a forked, resource-limited child; raise TrialAborted when a limit stops it."""
    if not hasattr(os, "fork") or not os.path.exists("/proc/self/statm"):
        return work()  # no fork here: the sandbox's step, time and size budgets still apply
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, write, and leave without running the parent's cleanup
        os.close(read)
        try:
            _child(work, write)
        finally:
            os._exit(0)
    os.close(write)
    chunks: list[bytes] = []
    deadline = time.monotonic() + TRIAL_SECONDS
    try:
        while True:
            ready, _, _ = select.select([read], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                raise TrialAborted(f"试运行超过时间上限（{TRIAL_SECONDS:g} 秒）")
            chunk = os.read(read, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read)
        os.waitpid(pid, 0)
    if not chunks:
        raise TrialAborted("试运行被终止（CPU 或内存超过上限）")
    ok, value = pickle.loads(b"".join(chunks))  # noqa: S301 - our own child's bytes over a private pipe
    if not ok:
        raise TrialAborted(value)
    return value
