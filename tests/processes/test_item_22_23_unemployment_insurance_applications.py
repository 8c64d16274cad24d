"""Items 22 and 23: skill-upgrade subsidy and unemployment benefit (which needs a finished item 11 case)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.cases.starting import StartRefused
from app.province.models import ProvinceOutbox
from app.province.results import deliver_result
from app.social.models import SocialApplication
from engine.errors import FormInvalid
from engine.models import ProcessInstance
from tests.factories import (
    CONTEXT,
    do,
    end_unemployment_registration,
    open_tasks,
    province_answers,
    start_item,
    start_item11,
    status,
    told,
    unemployment_registration,
)

SUBSIDY = {"insured_status": "employed", "certificate_kind": "skill_level", "certificate_name": "电工",
           "certificate_number": "S000014050001", "certificate_level": "4", "certificate_issued_on": "2026-09-01",
           "contact_phone": "13800138000"}
CLAIM = {"last_employer": "沁水县某煤业公司", "separation_date": "2026-10-31",
         "separation_reason": "contract_expired", "insured_one_year": "on", "seeks_work": "on",
         "contact_phone": "13800138000"}
ID_CARD = ["本人身份证或社会保障卡"]


def applications(store, kind: str) -> list[SocialApplication]:
    with store.session() as s:
        return list(s.scalars(select(SocialApplication).where(SocialApplication.kind == kind)
                              .order_by(SocialApplication.id)))



def test_22_incomplete_certificate_gets_the_one_time_notice_then_approval(engine, store):
    case = start_item(engine, "22")
    do(engine, case, "item22_accept", SUBSIDY)
    do(engine, case, "check_materials", {"materials_received": ID_CARD, "other_missing": "职业技能等级证书原件"})
    do(engine, case, "issue_notice", {"notice_handed_over": "on"})
    do(engine, case, "receive_supplement", {"supplement_note": "带来证书原件"})
    do(engine, case, "check_materials", {"materials_received": ID_CARD})
    do(engine, case, "item22_review", {"decision": "approve"}, "reviewer2")
    province_answers(engine, case)
    assert "技能提升补贴申领申请已经县级审核通过" in told(engine, case)
    do(engine, case, "notify_applicant", {"notify_method": "sms"})
    (row,) = applications(store, "skill_upgrade_subsidy")
    assert (row.status, row.reviewer) == ("approved", "reviewer2")
    assert json.loads(row.data)["certificate_number"] == "S000014050001"


def test_22_certificate_date_cannot_be_in_the_future(engine):
    case = start_item(engine, "22")
    with pytest.raises(FormInvalid) as err:
        do(engine, case, "item22_accept", {**SUBSIDY, "certificate_issued_on": "2027-01-01"})
    assert "certificate_issued_on" in err.value.errors


def finished_unemployment_registration(engine) -> int:
    return unemployment_registration(engine)


def claim(engine, **answers) -> int:
    case = start_item(engine, "23")
    do(engine, case, "item23_accept", {**CLAIM, **answers})
    return case


def test_23_claim_after_unemployment_registration_is_approved(engine, store):
    finished_unemployment_registration(engine)
    case = claim(engine)
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["check_materials"]
    do(engine, case, "check_materials", {"materials_received": ID_CARD})
    do(engine, case, "item23_review", {"decision": "approve"}, "reviewer1")
    assert open_tasks(engine, case) == []  # handed to the province: the case waits for its result
    (row,) = applications(store, "unemployment_benefit_claim")
    assert (row.status, row.id_number, row.instance_id) == ("approved", CONTEXT.applicant_id_number, case)
    with store.session() as s:
        key = s.scalars(select(ProvinceOutbox.idempotency_key).where(ProvinceOutbox.instance_id == case)).one()
    assert deliver_result(engine, key, "approved", None, "test")
    assert "省社保经办系统已办理通过" in told(engine, case)
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    assert status(engine, case) == "completed"


def refusal(engine) -> str:
    with pytest.raises(StartRefused) as err:
        start_item(engine, "23")
    return err.value.message


def test_23_cannot_start_without_an_unemployment_registration(engine, store):
    assert refusal(engine) == ("未查到申请人经审核通过的失业登记，请先办理失业登记（事项11），"
                               "审核通过后再申领失业保险金。")
    start_item11(engine)  # started, not yet approved: does not count
    assert refusal(engine).startswith("未查到申请人经审核通过的失业登记")
    assert applications(store, "unemployment_benefit_claim") == []


def test_23_cannot_start_after_a_rejected_unemployment_registration(engine, store):
    unemployment_registration(engine, "reject")
    assert refusal(engine) == ("县级记录显示申请人的失业登记未经县局审核通过，不能申领失业保险金；"
                               "请先重新办理失业登记（事项11）。")
    with store.session() as s:
        assert s.scalars(select(ProcessInstance).where(ProcessInstance.item_code == "23")).all() == []


def test_23_cannot_start_after_the_registration_ended(engine, store):
    finished_unemployment_registration(engine)
    end_unemployment_registration(engine, CONTEXT.applicant_id_number)
    assert refusal(engine) == ("县级记录显示申请人的失业登记已于2026-11-20终止（已办理灵活就业登记），"
                               "不能申领失业保险金；如再次失业，请先重新办理失业登记（事项11）。")


def test_23_registration_ended_after_the_start_is_refused_at_the_eligibility_check(engine, store):
    finished_unemployment_registration(engine)
    case = start_item(engine, "23")
    end_unemployment_registration(engine, CONTEXT.applicant_id_number)
    do(engine, case, "item23_accept", CLAIM)
    assert "理由：县级记录显示申请人的失业登记已于2026-11-20终止" in told(engine, case)
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    (row,) = applications(store, "unemployment_benefit_claim")
    assert (row.status, row.reviewer) == ("rejected", None)


@pytest.mark.parametrize(("answers", "reason"), [
    ({"separation_reason": "resigned"}, "因本人意愿中断就业（主动辞职）的，不符合申领失业保险金的条件。"),
    ({"insured_one_year": ""}, "失业前参加失业保险并缴费不满一年，不符合申领失业保险金的条件。"),
])
def test_23_refusals_after_registration(engine, store, answers, reason):
    finished_unemployment_registration(engine)
    case = claim(engine, **answers)
    assert told(engine, case).endswith("理由：" + reason)
