"""Item 21: qualification certification, its record, and the reminder 11 months later (the 12-month rule)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.social.connector import CountyConnector
from app.social.models import SsCertification
from engine.clock import CHINA
from engine.errors import FormInvalid
from engine.models import InboxTask, ProcessInstance, Timer
from engine.timers import fire_due_timers
from tests.factories import CONTEXT, data_at, do, open_tasks, start_item, task_of

ACCEPT = {"benefit_kind": "resident_pension", "commitment_signed": "on"}



def instance(store, case: int) -> ProcessInstance:
    with store.session() as s:
        return s.get(ProcessInstance, case)


def certifications(store) -> list[SsCertification]:
    with store.session() as s:
        return list(s.scalars(select(SsCertification)))


def timers(store, case: int) -> list[Timer]:
    with store.session() as s:
        return list(s.scalars(select(Timer).where(Timer.instance_id == case)))


def certify(engine, decision: str = "approve", opinion: str = "") -> int:
    case = start_item(engine, "21")
    do(engine, case, "item21_accept", ACCEPT)
    review = task_of(engine, case, "item21_review")
    assert review.candidate_role == "county_reviewer"
    do(engine, case, "item21_review", {"decision": decision, "review_opinion": opinion}, "reviewer1")
    return case


def test_commitment_letter_must_be_signed(engine):
    case = start_item(engine, "21")
    with pytest.raises(FormInvalid) as err:
        do(engine, case, "item21_accept", {"benefit_kind": "resident_pension"})
    assert set(err.value.errors) == {"commitment_signed"}


def test_certification_recorded_with_next_due_in_12_months(engine, store):
    case = certify(engine)
    (row,) = certifications(store)
    assert row.certified_at == datetime(2026, 11, 23, 10, tzinfo=CHINA)
    assert row.next_due_at == datetime(2027, 11, 23, 10, tzinfo=CHINA)
    assert (row.id_number, row.benefit_kind, row.reviewer, row.instance_id, row.point_code) == (
        CONTEXT.applicant_id_number, "resident_pension", "reviewer1", case, "LG-V01")
    message = data_at(engine, case, "notify_applicant")["notify_message"]
    assert message == ("您的城乡居民基本养老保险待遇领取资格认证已通过（2026年11月23日），"
                       "请于2027年11月23日前完成下一次认证。")
    with store.session() as s:
        known = CountyConnector(s).qualification_certifications(CONTEXT.applicant_id_number)
    assert known.found and "下次认证截止：2027-11-23" in known.records[0]["text"]


def test_reminder_comes_11_months_later_in_the_point_clerk_queue(engine, store, clock):
    case = certify(engine)
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    row = instance(store, case)
    assert row.status == "running" and open_tasks(engine, case) == []  # waiting for the reminder
    (timer,) = timers(store, case)
    assert (timer.bpmn_id, timer.due_at) == ("reminder_timer", datetime(2027, 10, 23, 10, tzinfo=CHINA))
    clock.set(datetime(2027, 10, 23, 9, 59, tzinfo=CHINA))
    assert fire_due_timers(engine).fired == 0
    clock.set(datetime(2027, 10, 23, 10, 1, tzinfo=CHINA))
    assert fire_due_timers(engine).fired == 1
    (remind,) = open_tasks(engine, case)
    assert (remind.bpmn_id, remind.title, remind.candidate_role, remind.point_code) == (
        "item21_remind", "提醒待遇领取人进行资格认证", "clerk", "LG-V01")
    # Due when the next certification is due (due_from), not at the case's long-past 3-day deadline.
    assert (remind.due_at, remind.overdue) == (datetime(2027, 11, 23, 10, tzinfo=CHINA), False)
    data = data_at(engine, case, "item21_remind")
    assert (data["certified_on"], data["next_certification_due"]) == ("2026-11-23", "2027-11-23")
    with pytest.raises(FormInvalid):
        do(engine, case, "item21_remind", {"remind_method": "phone"})
    do(engine, case, "item21_remind", {"remind_method": "phone", "reminded": "on"})
    assert instance(store, case).status == "completed" and timers(store, case) == []


def test_rejection_records_nothing_and_sets_no_reminder(engine, store):
    case = certify(engine, "reject", "本人未到场")
    message = data_at(engine, case, "notify_applicant")["notify_message"]
    assert message == "您的社会保险待遇领取资格认证未通过审核。理由：本人未到场"
    do(engine, case, "notify_applicant", {"notify_method": "phone"})
    assert certifications(store) == [] and timers(store, case) == []
    assert instance(store, case).status == "completed"


def test_three_working_day_deadline_then_supervision(engine, store, clock):
    case = start_item(engine, "21")
    assert instance(store, case).due_at == datetime(2026, 11, 26, 17, 30, tzinfo=CHINA)
    clock.set(datetime(2026, 11, 26, 17, 31, tzinfo=CHINA))
    assert fire_due_timers(engine).fired == 1
    with store.session() as s:
        roles = set(s.scalars(select(InboxTask.candidate_role).where(InboxTask.instance_id == case)))
    assert roles == {"clerk", "supervisor"} and instance(store, case).overdue
