"""Items 30, 31, 32, 37: resident-pension changes the county accepts and forwards."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.social.models import SocialApplication
from engine.errors import FormInvalid
from engine.models import ProcessInstance
from tests.factories import CONTEXT, do, open_tasks, province_answers, start_item, told

PHONE = {"contact_phone": "13800138000"}
ID_CARD = ["本人身份证或社会保障卡"]
PENSIONER = "140521194501010011"


def applications(store, kind: str) -> list[SocialApplication]:
    with store.session() as s:
        return list(s.scalars(select(SocialApplication).where(SocialApplication.kind == kind)
                              .order_by(SocialApplication.id)))



def finish(engine, case: int) -> None:
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    with engine.store.session() as s:
        assert s.get(ProcessInstance, case).status == "completed"


def test_30_change_requires_the_new_values_it_names(engine, store):
    case = start_item(engine, "30")
    with pytest.raises(FormInvalid) as err:
        do(engine, case, "item30_accept", {"changes": ["address", "phone"], "new_address": "沁水县郑庄镇"})
    assert set(err.value.errors) == {"new_phone"}
    do(engine, case, "item30_accept", {"changes": ["address", "phone"], "new_address": "沁水县郑庄镇",
                                       "new_phone": "13900000000"})
    province_answers(engine, case, "rejected", "省级系统中无该人员参保信息")
    assert told(engine, case).startswith("您的城乡居民基本养老保险信息变更已受理，并已报送省社保经办系统办理")
    assert told(engine, case).endswith("经省社保经办系统审核，不予通过。理由：省级系统中无该人员参保信息")
    finish(engine, case)
    (row,) = applications(store, "resident_pension_info_change")
    data = json.loads(row.data)
    assert row.status == "submitted" and data["changes"] == ["address", "phone"]
    assert (data["new_address"], data["new_phone"], data["new_gender"]) == ("沁水县郑庄镇", "13900000000", None)


def test_31_suspension_needs_a_reason_and_a_review(engine, store):
    case = start_item(engine, "31")
    with pytest.raises(FormInvalid) as err:
        do(engine, case, "item31_accept", {"contribution_action": "suspend", "effective_date": "2026-12-01", **PHONE})
    assert set(err.value.errors) == {"contribution_reason"}
    do(engine, case, "item31_accept", {"contribution_action": "suspend", "contribution_reason": "外出务工收入中断",
                                       "effective_date": "2026-12-01", **PHONE})
    do(engine, case, "check_materials", {"materials_received": ID_CARD})
    do(engine, case, "item31_review", {"decision": "approve"}, "reviewer1")
    province_answers(engine, case)
    finish(engine, case)
    (row,) = applications(store, "resident_contribution_suspend_resume")
    assert (row.status, json.loads(row.data)["contribution_action"]) == ("approved", "suspend")


def back_payment(engine, first: int, last: int) -> int:
    case = start_item(engine, "32")
    do(engine, case, "item32_accept", {"back_payment_scheme": "basic", "back_payment_case": "interrupted",
                                       "from_year": str(first), "to_year": str(last), **PHONE})
    return case


def test_32_back_payment_declared_and_reviewed(engine, store):
    case = back_payment(engine, 2018, 2020)
    do(engine, case, "check_materials", {"materials_received": ID_CARD})
    do(engine, case, "item32_review", {"decision": "reject", "review_opinion": "2018年已缴费"}, "reviewer1")
    assert told(engine, case) == "您的城乡居民养老保险补缴申报申请未通过审核。理由：2018年已缴费"
    finish(engine, case)
    assert applications(store, "resident_pension_back_payment")[0].status == "rejected"


@pytest.mark.parametrize(("first", "last", "reason"), [
    (2020, 2018, "补缴起止年度填写有误：起始年度不能晚于截止年度。"),
    (2025, 2027, "补缴截止年度不能晚于今年（2026年）。"),
])
def test_32_impossible_years_are_refused(engine, store, first, last, reason):
    case = back_payment(engine, first, last)
    assert told(engine, case).endswith("理由：" + reason)
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["notify_applicant"]


def test_37_suspension_is_forwarded_the_same_day(engine, store):
    case = start_item(engine, "37")
    do(engine, case, "item37_accept", {"pensioner_name": "王老汉", "pensioner_id_number": PENSIONER,
                                       "suspension_reason": "duplicate", "event_date": "2026-11-01",
                                       "reporter_relation": "配偶", **PHONE})
    province_answers(engine, case)
    finish(engine, case)
    (row,) = applications(store, "resident_pension_suspension")
    assert (row.status, row.id_number, row.applicant_id_number) == ("submitted", PENSIONER,
                                                                    CONTEXT.applicant_id_number)


def test_37_other_reason_must_be_explained(engine):
    case = start_item(engine, "37")
    with pytest.raises(FormInvalid) as err:
        do(engine, case, "item37_accept", {"pensioner_name": "王老汉", "pensioner_id_number": PENSIONER,
                                           "suspension_reason": "other", "event_date": "2026-11-01",
                                           "reporter_relation": "配偶", **PHONE})
    assert set(err.value.errors) == {"suspension_note"}
