"""The full rule set for process files, as `cuncun bpmn check` and the upload page apply it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from app.auth.roles import ROLES
from app.catalog import load_catalog
from engine.calendar import WorkingCalendar
from engine.checks import CheckContext, check_files
from engine.clock import china_iso
from engine.findings import Finding
from engine.runtime import Engine
from engine.script_env import CASE_CONTEXT_KEYS, build_helpers
from engine.settings import Settings

# Sample case data for trial runs: every key the engine and the counter put into a new case.
SAMPLE = {key: "" for key in CASE_CONTEXT_KEYS} | {
    "channel": "counter", "required_materials": ["本人身份证或社会保障卡"], "item_name": ""}


def check_context(engine: Engine, settings: Settings) -> CheckContext:
    """Build the check context from the running engine and the catalog."""
    catalog = load_catalog(settings.catalog_path)
    # Checks need no database: loaded years change dates, never whether a timer text is valid.
    helpers = build_helpers(lambda: WorkingCalendar(close_of_business=settings.close_of_business), engine.clock)
    return CheckContext(
        helpers=helpers, operators=engine.services.names(), forms=engine.forms, roles=set(ROLES),
        limits={item.process: item.limit_days for item in catalog.items},
        sample={**SAMPLE, "accepted_at": china_iso(engine.clock())},
    )


def check(engine: Engine, settings: Settings, contents: Mapping[str, bytes],
          library_dir: Path | None = None) -> list[Finding]:
    """Check files against the rules, resolving call activities against the processes directory."""
    library = {p.name: p.read_bytes() for p in sorted((library_dir or settings.processes_dir).glob("*.bpmn"))}
    return check_files(contents, check_context(engine, settings), library)


def read_files(paths: Iterable[str | Path]) -> dict[str, bytes]:
    """Read files to check, keyed by file name."""
    return {Path(p).name: Path(p).read_bytes() for p in paths}
