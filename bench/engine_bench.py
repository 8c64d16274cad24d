"""Benchmark the cuncun engine: throughput, timer sweeps, timer firing, worker lag and stored state size.

Run from the repository root with the venv active: `python bench/engine_bench.py [--quick]`.
Every figure and ratio is measured in the same run; the script reports and always exits 0.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench_common import FULL, PG_URL, QUICK, Summary, heading, postgres_backend, say, sqlite_backend
from bench_floor import figure_floor
from bench_state import figure_state_size
from bench_throughput import figure_throughput
from bench_timers import figure_fire, figure_lag, figure_sweep
from sqlalchemy.engine import make_url

from engine.clock import CHINA


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
        figure_floor(sqlite, sizes, summary)
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
