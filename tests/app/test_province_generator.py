"""bench/province.py at a small scale: generated finished cases carry a real state of their own; their page opens."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from sqlalchemy import select

from engine.clock import china_iso
from engine.models import ProcessInstance
from engine.settings import ROOT
from tests.web import logged_in, make_app


def load_generator():
    spec = importlib.util.spec_from_file_location("bench_province", ROOT / "bench" / "province.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def generated(store):
    if not store.is_postgres:
        pytest.skip("bench/province.py builds PostgreSQL databases only (INSERT … SELECT generate_series)")
    province = load_generator()
    province.build(store.url, counties=2, towns=2, points=2, cases=240, open_tasks=20, jobs=2)
    return province


def test_generated_finished_cases_carry_their_own_real_state(generated, store, engine):
    with store.session() as s:
        template = s.scalar(select(ProcessInstance).where(ProcessInstance.request_key == generated.TEMPLATE_KEY))
        rows = list(s.scalars(select(ProcessInstance).where(ProcessInstance.case_no.like("BF%"))
                              .order_by(ProcessInstance.id)))
    assert template.status == "completed" and len(rows) == 240
    for row in (rows[0], rows[117], rows[-1]):
        assert len(row.state) == pytest.approx(len(template.state), rel=0.01)  # the real blob, not '{}'
        for own in (template.case_no, generated.TEMPLATE_NAME, generated.TEMPLATE_ID):
            assert own not in row.state
        with store.session() as s:
            workflow = engine.load_workflow(s, row)
        assert workflow.completed
        data = workflow.last_task.data
        assert (data["case_no"], data["applicant_name"], data["applicant_id_number"], data["accepted_at"]) == (
            row.case_no, row.applicant_name, row.applicant_id_number, china_iso(row.accepted_at))


def test_the_case_page_opens_on_a_generated_finished_case(generated, store, clock):
    with store.session() as s:
        row = s.scalar(select(ProcessInstance).where(ProcessInstance.case_no.like("BF%"),
                                                     ProcessInstance.point_code == "LG-V01"))
    page = logged_in(make_app(store, clock), "clerk1").get(f"/cases/{row.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert row.case_no in html and row.applicant_name in html
