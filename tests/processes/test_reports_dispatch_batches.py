"""Monthly dispatch in batches: at province scale it must not hold the worker while timers come due."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from sqlalchemy import func, select

from app.org.models import County, Town
from app.org.seed import seed_organisation
from app.reports.dispatch import dispatch_monthly_reports
from app.reports.models import ReportRun
from engine.models import ProcessInstance, Timer
from engine.runtime import CaseContext
from engine.worker import sweep
from tests.conftest import DATA


def report_cases(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).where(ProcessInstance.request_key.like("report:%"))) or 0


def complete_runs(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).where(ReportRun.towns_started_at.is_not(None))) or 0


def test_timers_due_during_a_dispatch_fire_between_its_batches_and_it_resumes_to_exactly_once(engine, store,
                                                                                                clock):
    with store.session(write=True) as s:
        seed_organisation(s)
        s.add(County(code="140522", name="阳城县", ordinal=2))  # a second county: 24 towns, 104 cases
        s.flush()
        s.add_all(Town(code=f"YC{n}", name=f"阳城县第{n}镇", county_code="140522", ordinal=n) for n in range(1, 13))
    engine.deploy_files({"timer_once.bpmn": (DATA / "bpmn" / "timer_once.bpmn").read_bytes()}, "test")
    waiting = engine.start_case("timer_once", CaseContext(point_code="LG-V01", town_code="LG"), actor="c",
                                data={"fire_at": (clock() + timedelta(minutes=1)).isoformat()})
    clock.advance(minutes=5)  # the timer is due now
    job = partial(dispatch_monthly_reports, batch=30)

    sweep(engine, [job])  # one sweep: a batch of the dispatch, then the due timer
    # The first report whole in both counties (13 cases each: the county's and its 12 towns'), 4 of the next.
    assert report_cases(store) == 30 and complete_runs(store) == 2
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Timer).where(Timer.instance_id == waiting)) == 0
        assert s.get(ProcessInstance, waiting).status == "completed"  # it fired while the dispatch was half done

    sweeps = 1
    while complete_runs(store) < 4 * 2:  # four reports in each of two counties
        sweep(engine, [job])
        sweeps += 1
    assert report_cases(store) == 4 * 2 * 13 and sweeps == 4  # 104 cases in batches of 30
    assert dispatch_monthly_reports(engine) == [] and report_cases(store) == 104  # nothing twice


def test_an_interrupted_dispatch_carries_on_without_doubling(engine, store, clock):
    with store.session(write=True) as s:
        seed_organisation(s)
    assert dispatch_monthly_reports(engine, batch=20) == ["progress", "town_summary"]
    assert report_cases(store) == 20 and complete_runs(store) == 1
    # Another worker (or a restart) picks up from the request keys already taken.
    assert dispatch_monthly_reports(engine, batch=20) == ["town_summary", "funds", "point_detail"]  # 6 + 13 + 1
    assert report_cases(store) == 40 and complete_runs(store) == 3
    assert dispatch_monthly_reports(engine) == ["point_detail"]
    assert report_cases(store) == 52 and complete_runs(store) == 4
    assert dispatch_monthly_reports(engine) == []
