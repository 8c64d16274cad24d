"""Shared parts of the engine benchmark: settings, output, backends and small helpers."""


from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from engine.clock import CHINA
from engine.forms import FormRegistry
from engine.runtime import CaseContext, Engine
from engine.schema import upgrade
from engine.script_env import RESERVED_NAMES
from engine.store import Store

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
PAIRS = 8  # throughput figures alternate this many in-memory rounds with as many measured rounds


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


@dataclass(frozen=True)
class Paired:
    """Rates of a measured step and of the in-memory step, taken in alternating rounds."""

    pairs: list[tuple[float, float]]  # (in-memory rate, measured rate) per pair of rounds

    @property
    def ratio(self) -> float:
        """Return the median over the pairs of measured / in-memory."""
        return statistics.median(measured / memory for memory, measured in self.pairs)

    @property
    def rate(self) -> float:
        """Return the median rate of the measured step."""
        return statistics.median(measured for _, measured in self.pairs)

    @property
    def memory_rate(self) -> float:
        """Return the median rate of the in-memory step."""
        return statistics.median(memory for memory, _ in self.pairs)

    def spread(self) -> str:
        """Return the lowest and highest ratio of a pair."""
        ratios = [measured / memory for memory, measured in self.pairs]
        return f"{min(ratios):.3f}-{max(ratios):.3f}"


def rate_of(step: Callable[[], None], count: int) -> float:
    """Run `step` `count` times; return runs per second."""
    began = time.perf_counter()
    for _ in range(count):
        step()
    return count / (time.perf_counter() - began)


def paired(step: Callable[[], None], memory: Callable[[], None], count: int, memory_count: int,
           warmup: int) -> Paired:
    """Alternate rounds of the in-memory step and of `step`, so both see the same machine at the same time.

    Timings on a shared machine drift by tens of percent within a minute; a ratio of two rates taken
    minutes apart moves with that drift, a ratio of two neighbouring rounds much less.
    """
    for _ in range(warmup):
        memory()
        step()
    per_round, memory_per_round = max(1, count // PAIRS), max(1, memory_count // PAIRS)
    return Paired([(rate_of(memory, memory_per_round), rate_of(step, per_round)) for _ in range(PAIRS)])


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
