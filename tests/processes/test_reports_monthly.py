"""Monthly dispatch (附件3-5): the four reports start once a month, even with two workers, with their due dates;
each town confirms its live figures (rechecking after a correction) and the county submits."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.milestones import set_milestone
from app.bootstrap import service_registry
from app.cases.marks import OVERDUE, TODAY, deadline_mark
from app.org.seed import TOWNS, seed_organisation
from app.reports.dispatch import dispatch_monthly_reports
from app.reports.models import ReportConfirmation, ReportRun
from engine.clock import CHINA
from engine.errors import FormInvalid, TaskStateError
from engine.forms import FormRegistry
from engine.models import InboxTask, ProcessInstance
from engine.runtime import Engine
from engine.script_env import RESERVED_NAMES
from engine.store import Store
from engine.worker import sweep
from tests.conftest import FORMS
from tests.factories import do

DUE = {"progress": datetime(2026, 12, 15, 17, 30, tzinfo=CHINA),
       "town_summary": datetime(2026, 12, 18, 17, 30, tzinfo=CHINA),
       "funds": datetime(2026, 12, 20, 17, 30, tzinfo=CHINA),  # a Sunday: "每月20日前" still means the 20th
       "point_detail": datetime(2026, 12, 25, 17, 30, tzinfo=CHINA)}


@pytest.fixture
def towns(store, clock):
    with store.session(write=True) as s:
        seed_organisation(s)


def report_cases(store, period) -> dict[str, int]:
    """Count report cases of a month by request key prefix: county cases and town cases."""
    with store.session() as s:
        keys = list(s.scalars(select(ProcessInstance.request_key).where(
            ProcessInstance.request_key.like(f"report:%:{period}%"))))
    return {"county": sum(k.count(":") == 2 for k in keys), "town": sum(k.count(":") == 3 for k in keys)}


def second_engine(store, clock) -> Engine:
    return Engine(Store(store.url), clock=clock, forms=FormRegistry(FORMS, reserved=RESERVED_NAMES),
                  services=service_registry())


def run_together(*engines):
    barrier = threading.Barrier(len(engines))
    errors = []

    def run(engine):
        barrier.wait()
        try:
            dispatch_monthly_reports(engine)
        except Exception as exc:  # surfaced below: a worker must never fail on the race
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_reports_start_once_each_across_a_month_boundary_with_two_workers(engine, store, clock, towns):
    clock.set(datetime(2026, 11, 30, 23, 50, tzinfo=CHINA))
    assert dispatch_monthly_reports(engine) == ["progress", "town_summary", "funds", "point_detail"]
    other = second_engine(store, clock)
    run_together(engine, other)  # still November: nothing more
    assert report_cases(store, "2026-11") == {"county": 4, "town": 48}
    assert report_cases(store, "2026-12") == {"county": 0, "town": 0}
    clock.set(datetime(2026, 12, 1, 0, 0, 5, tzinfo=CHINA))
    run_together(engine, other)
    run_together(engine, other)
    assert report_cases(store, "2026-12") == {"county": 4, "town": 48}
    with store.session() as s:
        runs = {r.kind: r for r in s.scalars(select(ReportRun).where(ReportRun.period == "2026-12"))}
        assert {k: r.due_at for k, r in runs.items()} == DUE
        assert all(r.towns_started_at is not None for r in runs.values())
        submit = list(s.scalars(select(InboxTask).where(InboxTask.bpmn_id == "report_submit",
                                                        InboxTask.created_at >= clock() - _minute())))
        confirm = list(s.scalars(select(InboxTask).where(InboxTask.bpmn_id == "report_confirm",
                                                         InboxTask.created_at >= clock() - _minute())))
    assert sorted(t.due_at for t in submit) == sorted(DUE.values())
    assert {t.candidate_role for t in submit} == {"supervisor"} and {t.town_code for t in submit} == {None}
    assert len(confirm) == 48 and {t.candidate_role for t in confirm} == {"town_staff"}
    assert len({t.town_code for t in confirm}) == 12 and {t.due_at for t in confirm} == set(DUE.values())
    other.store.dispose()


def _minute() -> timedelta:
    return timedelta(minutes=1)


def test_the_worker_sweep_runs_the_dispatch_and_late_tasks_are_marked_overdue(engine, store, clock, towns):
    sweep(engine, [dispatch_monthly_reports])  # Monday 2026-11-23: November's reports, 15th and 18th already past
    with store.session() as s:
        tasks = list(s.scalars(select(InboxTask).where(InboxTask.bpmn_id == "report_confirm",
                                                       InboxTask.town_code == "LG")))
    def marks():
        return {t.due_at.astimezone(CHINA).day: deadline_mark(t.due_at, t.overdue, clock(), engine.due_soon_cutoff())
                for t in tasks}

    assert marks() == {15: OVERDUE, 18: OVERDUE, 20: OVERDUE, 25: None}
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=CHINA))
    assert marks()[25] == TODAY
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=CHINA))
    assert marks()[25] == OVERDUE
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReportRun)) == 4


def confirmation(store, kind, town="LG") -> ReportConfirmation:
    with store.session() as s:
        return s.scalar(select(ReportConfirmation).where(ReportConfirmation.kind == kind,
                                                         ReportConfirmation.town_code == town))


def case_of(store, key) -> int:
    with store.session() as s:
        return s.scalar(select(ProcessInstance.id).where(ProcessInstance.request_key == key))


def test_a_town_confirms_its_live_figures_after_a_recheck_and_the_county_submits(engine, store, clock, towns):
    dispatch_monthly_reports(engine)
    lg = case_of(store, "report:town_summary:2026-11:LG")
    first = confirmation(store, "town_summary")
    assert first.status == "open" and "服务点数量：35" in first.figures and "签定协议：0（完成率0.0%）" in first.figures
    with pytest.raises(FormInvalid) as refused:
        do(engine, lg, "report_confirm", {"report_confirm_result": "recheck"}, actor="townstaff1")
    assert refused.value.errors["report_confirm_note"] == "请填写说明"
    with store.session(write=True) as s:  # the town corrects its data: seven agreements were signed
        for n in range(1, 8):
            set_milestone(s, f"LG-V{n:02d}", "agreement_signed", at=clock(), by="townstaff1", source="manual")
    do(engine, lg, "report_confirm", {"report_confirm_result": "recheck", "report_confirm_note": "补录协议"},
       actor="townstaff1")
    again = confirmation(store, "town_summary")
    assert again.rechecks == 1 and "签定协议：7（完成率20.0%）" in again.figures
    do(engine, lg, "report_confirm", {"report_confirm_result": "confirm"}, actor="townstaff1")
    done = confirmation(store, "town_summary")
    assert (done.status, done.confirmed_by) == ("confirmed", "townstaff1")
    detail = confirmation(store, "point_detail").figures
    assert detail.startswith("服务点35个（行政村25个，社区10个）") and "签定协议：完成0个；未完成：" in detail
    funds = confirmation(store, "funds").figures
    assert funds.startswith("2026年：服务点36个，正式运行0个；应补助0.00元")
    county = case_of(store, "report:town_summary:2026-11")
    with pytest.raises(FormInvalid):
        do(engine, county, "report_submit", {}, actor="supervisor1")
    submit = {"report_submitted": "on", "report_submit_note": "已报综合服务组"}
    with pytest.raises(TaskStateError) as early:  # eleven towns have not confirmed yet
        do(engine, county, "report_submit", submit, actor="supervisor1")
    assert "还有11个乡镇未确认本乡镇数据：郑庄镇、端氏镇" in early.value.message and "龙港镇" not in early.value.message
    for plan in TOWNS[1:-1]:
        do(engine, case_of(store, f"report:town_summary:2026-11:{plan.code}"), "report_confirm",
           {"report_confirm_result": "confirm"}, actor=f"staff-{plan.code}")
    with pytest.raises(TaskStateError) as last:
        do(engine, county, "report_submit", submit, actor="supervisor1")
    assert "还有1个乡镇未确认本乡镇数据：张村乡。" in last.value.message
    do(engine, case_of(store, "report:town_summary:2026-11:ZAC"), "report_confirm",
       {"report_confirm_result": "confirm"}, actor="staff-ZAC")
    do(engine, county, "report_submit", {"report_submitted": "on", "report_submit_note": "已报综合服务组"},
       actor="supervisor1")
    with store.session() as s:
        run = s.scalar(select(ReportRun).where(ReportRun.instance_id == county))
        assert (run.submitted_by, run.submit_note) == ("supervisor1", "已报综合服务组")
        assert s.get(ProcessInstance, county).status == "completed"
