"""Schemathesis against /api/v1/openapi.json, in-process (WSGI): no 5xx, and every response fits its schema.

Each documented operation is fuzzed on a fresh database holding a few real records (a kiosk case waiting for
its citizen's form, a job seeker, a gig posting), so generated requests reach the views, not only the 404s:
half the examples draw their path ids and bodies from those records, the rest are schemathesis's own, and a
share of them deliberately invalid (negative) so bad input must be refused with a 4xx. Every example is sent
twice: as a kiosk serving an identified citizen and as clerk1's staff token.

Bounded: CUNCUN_API_FUZZ_EXAMPLES examples per operation (default 30, fixed seed) and
CUNCUN_API_FUZZ_SECONDS for the whole run (default 240); examples after the time limit are not sent.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.parameters import ParameterLocation
from sqlalchemy import select

from app.cases import snapshots
from app.employment.models import JobPosting, JobSeeker
from app.kiosk import citizens, flow, services
from tests.api.support import CITIZEN_A, CITIZEN_B, make_api_app, register_kiosk, staff_token
from tests.factories import CATALOG

EXAMPLES = int(os.environ.get("CUNCUN_API_FUZZ_EXAMPLES", "30"))
SECONDS = float(os.environ.get("CUNCUN_API_FUZZ_SECONDS", "240"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, ignored_auth, negative_data_rejection]
UNLIMITED = {"kiosk": {"request": (10**9, 60), "identify": (10**9, 60)}, "staff": {"request": (10**9, 60)}}
TODAY = date(2026, 11, 23)
_started: list[float] = []
# Hypothesis keeps caches in ./.hypothesis by default; keep the working tree clean.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "cuncun-hypothesis")


def _operations() -> list[tuple[str, str]]:
    """Return (path, method) of every documented operation, from the routes that build the document."""
    import app.api  # noqa: F401 - the blueprint and its hooks
    import app.api.openapi  # noqa: F401 - the document's own route
    import app.api.views  # noqa: F401 - the routes
    from app.api.routing import OPERATIONS

    return [(op.path, op.method) for op in OPERATIONS]


@pytest.fixture
def api_app(engine, store, clock):
    """The app on a fresh database; rate limits lifted so the fuzzing reaches the views."""
    return make_api_app(store, clock, KIOSK_RATE_LIMITS=UNLIMITED)


def _citizen(store, clock, kiosk_id: int, number: str, name: str):
    with store.session(write=True) as session:
        raw = citizens.open_session(session, kiosk_id, citizens.Presented(number, "id_card", None, name), name,
                                    clock())
        return raw, citizens.current(session, kiosk_id, raw, clock(), 60)


def _do(engine, kiosk, who, code: str, data: dict) -> int:
    case_id, step = flow.start(engine, CATALOG, code, kiosk, who, point_is_demo=False)
    inbox, _, task_data = snapshots.task_context(engine, step.task_id)
    flow.submit(engine, inbox, data, task_data, kiosk, who, TODAY)
    return case_id


@pytest.fixture
def world(api_app, engine, store, clock):
    """Seed real records; return the callers' header factory and the records' ids."""
    kiosk_id, kiosk_token = register_kiosk(store, clock())
    staff = staff_token(store, clock(), "clerk1")
    with store.session(write=True) as session:
        kiosk = services.authenticate(session, kiosk_token, clock())
    _, employer = _citizen(store, clock, kiosk_id, CITIZEN_B, "李四")
    _do(engine, kiosk, employer, "7", {
        "employer_name": "某用工方", "employer_phone": "13900139000", "gig_job_type": "loading",
        "gig_work_town": "LG", "gig_pay": 200, "gig_date_from": "2026-11-24", "gig_date_to": "2026-11-30",
        "gig_headcount": 2})
    _, seeker = _citizen(store, clock, kiosk_id, CITIZEN_A, "张三")
    _do(engine, kiosk, seeker, "4", {"seeker_phone": "13800138000", "seeker_job_types": ["loading"],
                                     "seeker_min_pay": 150, "seeker_available_from": "2026-11-23"})
    case_id, step = flow.start(engine, CATALOG, "3", kiosk, seeker, point_is_demo=False)
    with store.session() as session:
        ids = {"case_id": case_id, "task_id": step.task_id, "code": "3",
               "posting_id": session.scalar(select(JobPosting.id)), "seeker_id": session.scalar(select(JobSeeker.id))}

    def headers() -> list[dict[str, str]]:
        raw, _ = _citizen(store, clock, kiosk_id, CITIZEN_A, "张三")  # the last example may have logged out
        return [{"Authorization": f"Bearer {kiosk_token}", "X-Citizen-Session": raw},
                {"Authorization": f"Bearer {staff}"}]

    def open_task() -> str:
        """Return the task of a new case waiting for its citizen's form (a submitted one is gone)."""
        return flow.start(engine, CATALOG, "3", kiosk, seeker, point_is_demo=False)[1].task_id

    return headers, ids, open_task


BODIES = {("/api/v1/cases", "POST"): {"item_code": "3"},
          ("/api/v1/citizen/session", "POST"): {"number": CITIZEN_A},
          ("/api/v1/help", "POST"): {"item_code": "11"},
          ("/api/v1/tasks/{task_id}", "POST"): {"data": {"query_keyword": "煤", "query_min_pay": "3000"}}}


def _checks(case) -> list:
    """Return the checks for a case; a case made negative by dropping its auth headers is not negative here,
    because every call sends the caller's own headers, so its acceptance proves nothing."""
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
        return [check for check in CHECKS if check is not negative_data_rejection]
    return CHECKS


@pytest.mark.parametrize("path, method", _operations(), ids=lambda v: v)
def test_api_has_no_server_errors_and_keeps_its_schema(api_app, world, path, method):
    """Fuzz one operation as a kiosk with a citizen and as a clerk; every check must pass."""
    headers, ids, open_task = world
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)[path][method]
    names = re.findall(r"{([a-z_]+)}", path)
    seeded: dict = {"path_parameters": {n: ids[n] for n in names}} if names else {}
    strategies = [operation.as_strategy(), operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)]
    if seeded:  # real ids with generated bodies and queries
        strategies.append(operation.as_strategy(**seeded))
    if (path, method) in BODIES:  # a body that does something, on real ids
        strategies.append(operation.as_strategy(**seeded, body=BODIES[(path, method)]))

    @given(case=st.one_of(*strategies))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case):
        if not _started:
            _started.append(time.monotonic())
        if time.monotonic() - _started[0] > SECONDS:
            return
        for caller in headers():
            if method == "POST" and case.path_parameters and case.path_parameters.get("task_id") == ids["task_id"]:
                case.path_parameters["task_id"] = ids["task_id"] = open_task()
            case.call_and_validate(headers=caller, checks=_checks(case))

    fuzz()

