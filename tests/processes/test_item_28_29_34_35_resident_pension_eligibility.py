"""Items 28, 29, 34, 35: resident-pension registrations and claims, with their eligibility rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.social.models import SocialApplication
from app.social.roster import import_roster
from engine.models import ProcessInstance
from engine.runtime import CaseContext
from tests.factories import CONTEXT, do, open_tasks, province_answers, start_item, told

AGE_15_TURNS_16_TOMORROW = "140521201011240511"  # the clock stands on 2026-11-23
AGE_30 = "140521199607100026"
AGE_60_TODAY = "140521196611230612"
AGE_62 = "140521196405200033"
AGE_66 = "140521196001010049"
IMPORTED_AT = datetime(2026, 11, 20, tzinfo=UTC)
PHONE = {"contact_phone": "13800138000"}
HUKOU = {"hukou_address": "沁水县龙港镇杏园村", **PHONE}


def person(id_number: str) -> CaseContext:
    return CaseContext(**{**vars(CONTEXT), "applicant_id_number": id_number, "applicant_name": "王五"})


def applications(store, kind: str) -> list[SocialApplication]:
    with store.session() as s:
        return list(s.scalars(select(SocialApplication).where(SocialApplication.kind == kind)
                              .order_by(SocialApplication.id)))


def case_status(store, case: int) -> str:
    with store.session() as s:
        return s.get(ProcessInstance, case).status



def notify(engine, case: int) -> None:
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})


def roster(store, tmp_path, kind: str, text: str) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    with store.session(write=True) as s:
        import_roster(s, kind, path, actor="admin", now=IMPORTED_AT)


def review(engine, case: int, prefix: str, materials: list[str], decision: str = "approve", opinion: str = ""):
    do(engine, case, "check_materials", {"materials_received": materials})
    do(engine, case, f"{prefix}_review", {"decision": decision, "review_opinion": opinion}, "reviewer1")
    if decision == "approve":  # what the county approved goes on to the province, whose answer ends the wait
        province_answers(engine, case)


# -- item 28 ------------------------------------------------------------------------------------
def register_28(engine, id_number: str, **answers) -> int:
    case = start_item(engine, "28", person(id_number))
    do(engine, case, "item28_accept", {**HUKOU, **answers})
    return case


def test_28_registration_approved_and_recorded(engine, store):
    case = register_28(engine, AGE_30)
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["check_materials"]
    review(engine, case, "item28", ["本人身份证", "户口本"])
    assert "城乡居民基本养老保险登记申请已经县级审核通过" in told(engine, case)
    notify(engine, case)
    (row,) = applications(store, "resident_pension_registration")
    assert (row.id_number, row.status, row.reviewer, row.item_code, row.instance_id) == (
        AGE_30, "approved", "reviewer1", "28", case)
    assert row.decided_at is not None and (row.point_code, row.town_code) == ("LG-V01", "LG")
    assert '"hukou_address": "沁水县龙港镇杏园村"' in row.data and '"is_student": false' in row.data
    assert case_status(store, case) == "completed"


def test_28_review_rejection_tells_the_reason(engine, store):
    case = register_28(engine, AGE_30)
    review(engine, case, "item28", ["本人身份证", "户口本"], "reject", "户籍不在本县")
    assert told(engine, case) == "您的城乡居民基本养老保险登记申请未通过审核。理由：户籍不在本县"
    notify(engine, case)
    (row,) = applications(store, "resident_pension_registration")
    assert (row.status, row.opinion, row.reviewer) == ("rejected", "户籍不在本县", "reviewer1")


@pytest.mark.parametrize(("id_number", "answers", "reason"), [
    (AGE_15_TURNS_16_TOMORROW, {}, "申请人未满16周岁（现15周岁）"),
    (AGE_30, {"is_student": "on"}, "在校学生不能办理城乡居民基本养老保险登记"),
    (AGE_30, {"has_other_pension": "on"}, "已参加其他基本养老保险"),
])
def test_28_refusals_skip_review_and_are_recorded(engine, store, id_number, answers, reason):
    case = register_28(engine, id_number, **answers)
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["notify_applicant"]
    assert told(engine, case).startswith("您的城乡居民基本养老保险登记申请不符合办理条件，不予受理。理由：")
    assert reason in told(engine, case)
    notify(engine, case)
    (row,) = applications(store, "resident_pension_registration")
    assert (row.status, row.reviewer) == ("rejected", None) and reason in row.opinion
    assert case_status(store, case) == "completed"


def test_28_second_registration_refused_after_approval(engine, store):
    first = register_28(engine, AGE_30)
    review(engine, first, "item28", ["本人身份证", "户口本"])
    notify(engine, first)
    second = register_28(engine, AGE_30)
    assert "申请人已参加城乡居民基本养老保险（县级办理记录，LG-V01网点），无需重复登记" in told(engine, second)


def test_28_refused_when_the_roster_shows_enrolment(engine, store, tmp_path):
    roster(store, tmp_path, "resident_pension_enrolment",
           f"身份证号码,姓名,险种,参保状态\n{AGE_30},王五,城乡居民基本养老保险,正常参保\n")
    case = register_28(engine, AGE_30)
    assert "resident_pension_enrolment.csv" in told(engine, case)


def test_28_a_terminated_enrolment_does_not_block(engine, store, tmp_path):
    roster(store, tmp_path, "resident_pension_enrolment",
           f"身份证号码,姓名,险种,参保状态\n{AGE_30},王五,城乡居民基本养老保险,终止参保\n")
    case = register_28(engine, AGE_30)
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["check_materials"]


# -- item 29 ------------------------------------------------------------------------------------
def register_29(engine, id_number: str, **answers) -> int:
    case = start_item(engine, "29", person(id_number))
    do(engine, case, "item29_accept", {**HUKOU, **answers})
    return case


def test_29_declared_basic_enrolment_is_enough(engine, store):
    case = register_29(engine, AGE_62, basic_enrolled_declared="on")
    review(engine, case, "item29", ["本人身份证", "户口本"])
    notify(engine, case)
    (row,) = applications(store, "resident_supplementary_registration")
    assert row.status == "approved" and '"basic_enrolled_declared": true' in row.data


def test_29_county_registration_counts_as_enrolment(engine, store):
    basic = register_28(engine, AGE_62)
    review(engine, basic, "item28", ["本人身份证", "户口本"])
    notify(engine, basic)
    case = register_29(engine, AGE_62)
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["check_materials"]


@pytest.mark.parametrize(("id_number", "reason"), [
    (AGE_66, "申请人已满65周岁（现66周岁）"),
    (AGE_62, "县级数据中没有申请人参加城乡居民基本养老保险的记录，申请人也未申报已参保"),
])
def test_29_refusals(engine, store, id_number, reason):
    case = register_29(engine, id_number)
    assert reason in told(engine, case)
    notify(engine, case)
    assert applications(store, "resident_supplementary_registration")[0].status == "rejected"


def test_29_already_supplementary_in_roster(engine, store, tmp_path):
    roster(store, tmp_path, "resident_pension_enrolment",
           f"身份证号码,姓名,险种,参保状态\n{AGE_62},王五,城乡居民基本养老保险,正常参保\n"
           f"{AGE_62},王五,城乡居民补充养老保险,正常参保\n")
    case = register_29(engine, AGE_62)
    assert "申请人已参加城乡居民补充养老保险" in told(engine, case)


# -- item 34 ------------------------------------------------------------------------------------
def claim_34(engine, id_number: str, **answers) -> int:
    case = start_item(engine, "34", person(id_number))
    do(engine, case, "item34_accept", {"payout_account": "ss_card", **PHONE, **answers})
    return case


def test_34_fifteen_years_in_the_roster(engine, store, tmp_path):
    rows = "".join(f"{AGE_60_TODAY},王五,{year},基本养老保险,500\n" for year in range(2011, 2026))
    roster(store, tmp_path, "resident_pension_contribution", "身份证号码,姓名,缴费年度,险种,缴费金额\n" + rows)
    case = claim_34(engine, AGE_60_TODAY)
    review(engine, case, "item34", ["本人身份证或社会保障卡"])
    notify(engine, case)
    (row,) = applications(store, "resident_pension_claim")
    assert (row.status, row.id_number) == ("approved", AGE_60_TODAY)


def test_34_declared_years_are_enough(engine, store):
    case = claim_34(engine, AGE_62, paid_years="15")
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["check_materials"]


@pytest.mark.parametrize(("id_number", "answers", "reason"), [
    (AGE_30, {"paid_years": "15"}, "申请人未满60周岁（现30周岁）"),
    (AGE_62, {"paid_years": "10"}, "累计缴费不满15年（县级数据0年，申请人申报10年）"),
    (AGE_62, {"paid_years": "16", "has_other_pension": "on"}, "已领取其他基本养老保险待遇"),
])
def test_34_refusals(engine, store, id_number, answers, reason):
    case = claim_34(engine, id_number, **answers)
    assert reason in told(engine, case)
    notify(engine, case)
    assert applications(store, "resident_pension_claim")[0].status == "rejected"


def test_34_refused_when_the_roster_shows_an_employee_pension(engine, store, tmp_path):
    roster(store, tmp_path, "employee_pension_payment",
           f"身份证号码,姓名,发放年月,发放金额\n{AGE_62},王五,2026-10,3200.00\n")
    case = claim_34(engine, AGE_62, paid_years="20")
    assert "在领取企业职工基本养老保险待遇（省社保平台导出名册 employee_pension_payment.csv" in told(engine, case)


# -- item 35 ------------------------------------------------------------------------------------
def claim_35(engine, id_number: str, **answers) -> int:
    case = start_item(engine, "35", person(id_number))
    do(engine, case, "item35_accept", {**PHONE, **answers})
    return case


def test_35_declared_drawing_is_submitted_the_same_day(engine, store):
    case = claim_35(engine, AGE_66, drawing_basic="on")
    province_answers(engine, case)
    assert told(engine, case).startswith("您的城乡居民补充养老保险待遇申领已受理，并已报送省社保经办系统办理")
    notify(engine, case)
    (row,) = applications(store, "resident_supplementary_claim")
    assert (row.status, row.reviewer, row.decided_at) == ("submitted", None, None)
    assert case_status(store, case) == "completed"


def test_35_roster_payments_show_drawing(engine, store, tmp_path):
    roster(store, tmp_path, "resident_pension_payment",
           f"身份证号码,姓名,发放年月,险种,发放金额,发放状态\n{AGE_66},王五,2026-10,基本养老保险,203.00,发放成功\n")
    claim_35(engine, AGE_66)
    assert applications(store, "resident_supplementary_claim")[0].status == "submitted"


@pytest.mark.parametrize(("id_number", "answers", "reason"), [
    (AGE_62, {"drawing_basic": "on"}, "申请人未满65周岁（现62周岁）"),
    (AGE_66, {}, "县级数据中没有申请人领取城乡居民基本养老保险待遇的记录"),
])
def test_35_refusals(engine, store, id_number, answers, reason):
    case = claim_35(engine, id_number, **answers)
    assert reason in told(engine, case)
    assert applications(store, "resident_supplementary_claim")[0].status == "rejected"
