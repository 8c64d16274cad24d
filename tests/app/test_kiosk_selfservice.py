"""Which items a citizen can finish alone at a kiosk, each walked to its end; the help (帮办) process."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.auth.seed import seed_demo_users
from app.cases import snapshots
from app.employment.imports import FIXED_POSTINGS, import_rows
from app.employment.models import JobRecommendation
from app.kiosk import citizens, flow, selfservice, services
from app.kiosk.services import Principal
from engine.clock import CHINA
from engine.models import AuditEvent, InboxTask, ProcessInstance
from engine.timers import fire_due_timers
from tests.api.support import CITIZEN_A, CITIZEN_B
from tests.factories import CATALOG

TODAY = date(2026, 11, 23)
SELF_SERVICE = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "12", "13", "14", "15", "25", "26", "27", "33"}
FORMS = {
    "item01_register": {"seeker_phone": "13800138000", "seeker_job_types": ["construction"], "seeker_min_pay": 4000,
                        "seeker_available_from": "2026-11-23"},
    "item04_register": {"seeker_phone": "13800138000", "seeker_job_types": ["loading"], "seeker_min_pay": 150,
                        "seeker_available_from": "2026-11-23"},
    "item07_posting": {"employer_name": "某用工方", "employer_phone": "13900139000", "gig_job_type": "loading",
                       "gig_work_town": "LG", "gig_pay": 200, "gig_date_from": "2026-11-24",
                       "gig_date_to": "2026-11-30", "gig_headcount": 2},
}


@pytest.fixture
def kiosk(engine, store, clock) -> Principal:
    with store.session(write=True) as s:
        seed_demo_users(s, clock())
        _, raw = services.register_kiosk(s, "LG-V01", "龙港镇第01村自助机", actor="test", now=clock())
        return services.authenticate(s, raw, clock())


def citizen(store, clock, kiosk, number=CITIZEN_A, name="张三", card_read=True):
    with store.session(write=True) as s:
        presented = citizens.present(s, number, "id_card", TODAY)
        raw = citizens.open_session(s, kiosk.kiosk_id, presented, name, clock(), card_read)
        return citizens.current(s, kiosk.kiosk_id, raw, clock(), 60)


def walk(engine, kiosk, who, code, picks=None):
    """Do an item at the kiosk, filling each citizen form with FORMS (or `picks`); return the case id."""
    case_id, step = flow.start(engine, CATALOG, code, kiosk, who, point_is_demo=False)
    while step.kind == "form":
        inbox, _, data = snapshots.task_context(engine, step.task_id)
        rejected, step = flow.submit(engine, inbox, (picks or {}).get(step.bpmn_id, FORMS.get(step.bpmn_id, {})),
                                     data, kiosk, who, TODAY)
        assert rejected is None, rejected.errors
    assert step.kind == "done", step
    return case_id


def test_self_service_items_are_the_queries_and_registrations(engine):
    offered = selfservice.kiosk_items(engine, CATALOG, point_is_demo=False)
    assert {item.code for item, ok in offered if ok} == SELF_SERVICE
    assert {item.code for item, ok in offered if not ok} == {"10", "11", "22", "23", "35"}


@pytest.mark.parametrize("code", sorted(SELF_SERVICE, key=int))
def test_each_self_service_item_finishes_at_the_kiosk(engine, store, clock, kiosk, code):
    who = citizen(store, clock, kiosk)
    case_id = walk(engine, kiosk, who, code)
    with store.session() as s:
        case = s.get(ProcessInstance, case_id)
        actors = set(s.scalars(select(AuditEvent.actor).where(AuditEvent.instance_id == case_id)))
        left = s.scalars(select(InboxTask).where(InboxTask.instance_id == case_id)).all()
    assert case.status == "completed" and case.channel == "kiosk" and not left
    assert actors <= {f"kiosk:{kiosk.kiosk_id}", "system"}  # nobody's inbox was needed


@pytest.mark.parametrize("code", sorted(selfservice.FIRST_FORMS, key=int))
def test_first_forms_are_each_items_first_citizen_step_and_need_only_the_applicant(engine, store, clock, kiosk,
                                                                                     code):
    who = citizen(store, clock, kiosk)
    _, step = flow.start(engine, CATALOG, code, kiosk, who, point_is_demo=False)
    assert (step.kind, step.bpmn_id) == ("form", selfservice.FIRST_FORMS[code])
    _, _, data = snapshots.task_context(engine, step.task_id)
    form = engine.forms.get(step.bpmn_id)
    before = flow.form_context(kiosk, who)
    for field in form.fields:  # what the form reads is known before the case exists
        source = field.readonly_from or field.choices_from or (field.required_when.field if field.required_when
                                                               else None)
        if source and source not in {f.name for f in form.input_fields}:
            assert before.get(source, "") == (data.get(source) or ""), (field.name, source)


def test_gig_recommendation_picked_by_the_citizen_is_recorded(engine, store, clock, kiosk):
    walk(engine, kiosk, citizen(store, clock, kiosk, CITIZEN_B, "李四"), "7")  # an employer posts
    seeker = citizen(store, clock, kiosk)
    walk(engine, kiosk, seeker, "4")
    case_id, step = flow.start(engine, CATALOG, "5", kiosk, seeker, point_is_demo=False)
    assert step.bpmn_id == "item05_pick"
    inbox, _, data = snapshots.task_context(engine, step.task_id)
    posting_id = data["posting_options"][0]["value"]
    _, step = flow.submit(engine, inbox, {"picked_postings": [posting_id]}, data, kiosk, seeker, TODAY)
    assert step.kind == "done"
    with store.session() as s:
        (recommendation,) = s.scalars(select(JobRecommendation)).all()
        case = s.get(ProcessInstance, case_id)
    assert recommendation.instance_id == case_id and str(recommendation.posting_id) == str(posting_id)
    results = selfservice.shown_results(engine, case_id, snapshots.case_data(engine, case))
    assert "13900139000" in results[-1].lines[0][1]  # the employer's contact, told to the seeker


def test_fixed_recommendation_with_imported_postings(engine, store, clock, kiosk):
    with store.session(write=True) as s:
        import_rows(s, FIXED_POSTINGS, [{"ref": "P1", "employer_name": "沁水县某建筑公司",
                                         "contact_phone": "0356-7022000", "job_type": "construction",
                                         "work_town": "LG", "pay": 4500, "date_from": date(2026, 11, 1),
                                         "date_to": date(2027, 1, 31), "headcount": 3, "description": "",
                                         "status": "open"}],
                    source="企业岗位.xlsx", actor="admin", now=datetime(2026, 11, 20, 9, tzinfo=CHINA))
    who = citizen(store, clock, kiosk)
    walk(engine, kiosk, who, "1")
    case_id = walk(engine, kiosk, who, "2", picks={"item02_pick": {}})
    with store.session() as s:
        assert s.get(ProcessInstance, case_id).status == "completed"


def test_help_request_waits_for_the_clerk_and_goes_to_the_supervisor_after_the_day(engine, store, clock, kiosk):
    who = citizen(store, clock, kiosk)
    case_id, created = flow.request_help(engine, kiosk, who, item_name="失业登记")
    assert created
    with store.session() as s:
        (task,) = s.scalars(select(InboxTask).where(InboxTask.instance_id == case_id)).all()
        case = s.get(ProcessInstance, case_id)
    assert (task.bpmn_id, task.candidate_role, task.point_code) == ("kiosk_help_attend", "clerk", "LG-V01")
    assert case.due_at.astimezone(CHINA).strftime("%H:%M") == "17:30"  # the same day
    clock.set(datetime(2026, 11, 23, 17, 31, tzinfo=CHINA))
    fire_due_timers(engine)
    with store.session() as s:
        roles = {t.bpmn_id: t.candidate_role for t in s.scalars(select(InboxTask)
                                                                 .where(InboxTask.instance_id == case_id))}
        assert s.get(ProcessInstance, case_id).overdue
    assert roles == {"kiosk_help_attend": "clerk", "supervise_overdue": "supervisor"}
