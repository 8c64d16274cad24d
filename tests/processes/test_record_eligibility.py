"""Eligibility from the county's records: items 21, 24, 30, 31, 37, 38 and 40 (17-19 and 23 in their own files)."""

from __future__ import annotations

import pytest

from app.cases.starting import StartRefused
from tests.factories import CONTEXT, do, province_answers, start_item, told
from tests.processes.test_item_28_29_34_35_resident_pension_eligibility import (
    AGE_62,
    HUKOU,
    applications,
    claim_34,
    notify,
    person,
    review,
    roster,
)

OWNER = CONTEXT.applicant_id_number
PENSIONER = "140521194501010011"  # 81 on the test clock's day
SUSPEND = {"pensioner_name": "王老汉", "pensioner_id_number": PENSIONER, "suspension_reason": "deceased",
           "event_date": "2026-11-10", "reporter_relation": "子女", "contact_phone": "13800138000"}
ID_CARD = ["本人身份证或社会保障卡"]
ROSTER = "省社保平台导出名册 {kind}.csv，2026-11-20导入"


def refused(engine, code: str, context=CONTEXT) -> str:
    with pytest.raises(StartRefused) as err:
        start_item(engine, code, context)
    return err.value.message


# -- item 24: the pensioner's employee pension -----------------------------------------------------------------
def suspend_24(engine, **answers) -> int:
    case = start_item(engine, "24")
    do(engine, case, "item24_accept", {**SUSPEND, **answers})
    return case


def test_24_refused_when_the_county_already_suspended_it(engine, store):
    first = suspend_24(engine)
    do(engine, first, "check_materials", {"materials_received": ID_CARD})
    do(engine, first, "item24_review", {"decision": "approve"}, "reviewer1")
    second = suspend_24(engine)
    assert told(engine, second) == (
        "您的企业职工基本养老保险待遇暂停申请不符合办理条件，不予受理。理由：县级记录显示待遇领取人王老汉的企业职工基本养老保险"
        "待遇已暂停（2026-11-23受理暂停待遇申请，审核通过，县级办理记录，LG-V01网点），无需申请暂停；"
        "如已恢复发放，请携带恢复发放的凭证到县社保中心核实。")
    assert [a.status for a in applications(store, "employee_pension_suspension")] == ["approved", "rejected"]


@pytest.mark.parametrize("province", ["rejected", None])
def test_24_a_rejected_or_province_refused_suspension_does_not_block(engine, store, province):
    first = suspend_24(engine)
    do(engine, first, "check_materials", {"materials_received": ID_CARD})
    if province:
        do(engine, first, "item24_review", {"decision": "approve"}, "reviewer1")
        province_answers(engine, first, "rejected", "省级核实该人员仍在领取待遇")
    else:
        do(engine, first, "item24_review", {"decision": "reject", "review_opinion": "未提供死亡证明"}, "reviewer1")
    second = suspend_24(engine)
    do(engine, second, "check_materials", {"materials_received": ID_CARD})  # eligible: on to the review


@pytest.mark.parametrize(("status", "word"), [("暂停发放", "已暂停"), ("终止发放", "已终止")])
def test_24_refused_when_the_roster_shows_payments_stopped(engine, store, tmp_path, status, word):
    roster(store, tmp_path, "employee_pension_payment", f"身份证号码,姓名,发放年月,发放金额,发放状态\n"
           f"{PENSIONER},王老汉,2026-09,3200,已发放\n{PENSIONER},王老汉,2026-10,3200,{status}\n")
    case = suspend_24(engine)
    assert f"企业职工基本养老保险待遇{word}（2026-10发放状态为“{status}”，" \
           f"{ROSTER.format(kind='employee_pension_payment')}）" in told(engine, case)


def test_24_paid_pension_or_no_record_goes_on(engine, store, tmp_path):
    roster(store, tmp_path, "employee_pension_payment", f"身份证号码,姓名,发放年月,发放金额,发放状态\n"
           f"{PENSIONER},王老汉,2026-10,3200,已发放\n")
    drawing = suspend_24(engine)
    do(engine, drawing, "check_materials", {"materials_received": ID_CARD})
    unknown = suspend_24(engine, pensioner_id_number=AGE_62)  # no record of this person: the papers decide
    do(engine, unknown, "check_materials", {"materials_received": ID_CARD})


# -- item 37: the pensioner's resident pension ------------------------------------------------------------------
def suspend_37(engine, **answers) -> int:
    case = start_item(engine, "37")
    do(engine, case, "item37_accept", {**SUSPEND, **answers})
    return case


def test_37_refused_for_someone_under_60(engine, store):
    case = suspend_37(engine, pensioner_id_number="140521199607100026")
    assert "待遇领取人王老汉未满60周岁（现30周岁），不能领取城乡居民基本养老保险待遇，无需申请暂停" in \
        told(engine, case)
    assert [a.status for a in applications(store, "resident_pension_suspension")] == ["rejected"]


def test_37_refused_after_a_rejected_claim_and_accepted_when_drawing(engine, store, tmp_path):
    claim = claim_34(engine, AGE_62, paid_years="20")
    review(engine, claim, "item34", ID_CARD, "reject", "缴费年限证明不实")
    notify(engine, claim)
    case = suspend_37(engine, pensioner_id_number=AGE_62)
    assert told(engine, case).endswith(
        "没有领取城乡居民养老保险待遇（2026-11-23受理的待遇申领结果为“不予办理”，县级办理记录，LG-V01网点），"
        "无需申请暂停；符合条件的，请先办理城乡居民基本养老保险待遇申领（事项34）。")
    roster(store, tmp_path, "resident_pension_payment", f"身份证号码,姓名,发放年月,发放金额,发放状态\n"
           f"{AGE_62},王五,2026-10,180,已发放\n")
    suspend_37(engine, pensioner_id_number=AGE_62)  # forwarded to the province
    assert [a.status for a in applications(store, "resident_pension_suspension")] == ["rejected", "submitted"]


def test_37_second_suspension_refused(engine, store):
    suspend_37(engine)
    second = suspend_37(engine)
    assert "城乡居民养老保险待遇已暂停（2026-11-23受理暂停待遇申请，已受理并报送" in told(engine, second)


# -- item 21: the benefit to be certified -----------------------------------------------------------------------
def certify(engine, benefit: str) -> int:
    case = start_item(engine, "21")
    do(engine, case, "item21_accept", {"benefit_kind": benefit, "commitment_signed": "on"})
    return case


def test_21_refused_for_a_suspended_employee_pension(engine, store, tmp_path):
    roster(store, tmp_path, "employee_pension_payment", f"身份证号码,姓名,发放年月,发放金额,发放状态\n"
           f"{OWNER},张三,2026-10,3200,暂停发放\n")
    case = certify(engine, "employee_pension")
    assert told(engine, case) == (
        "您的社会保险待遇领取资格认证不予受理。理由：县级记录显示申请人的企业职工基本养老保险待遇已暂停（2026-10发放状态为"
        f"“暂停发放”，{ROSTER.format(kind='employee_pension_payment')}），无需进行资格认证；"
        "如已恢复发放，请携带恢复发放的凭证到县社保中心核实。")
    notify(engine, case)
    with store.session() as s:
        from app.social.models import SsCertification
        assert s.query(SsCertification).count() == 0


def test_21_refused_for_an_ended_resident_pension_but_not_for_other_benefits(engine, store, tmp_path):
    roster(store, tmp_path, "resident_pension_payment", f"身份证号码,姓名,发放年月,发放金额,发放状态\n"
           f"{OWNER},张三,2026-10,180,终止发放\n")
    assert "城乡居民养老保险待遇已终止" in told(engine, certify(engine, "resident_pension"))
    other = certify(engine, "work_injury")  # the county holds no work-injury records: the papers decide
    do(engine, other, "item21_review", {"decision": "approve"}, "reviewer1")
    assert "工伤保险定期待遇领取资格认证已通过" in told(engine, other)


# -- items 30 and 31: a current resident enrolment --------------------------------------------------------------
@pytest.mark.parametrize("code", ["30", "31"])
def test_30_31_refused_after_an_ended_enrolment(engine, store, tmp_path, code):
    roster(store, tmp_path, "resident_pension_enrolment",
           f"身份证号码,姓名,险种,参保状态,参保日期\n{OWNER},张三,城乡居民基本养老保险,终止参保,2015-01-01\n")
    action = "办理参保信息变更" if code == "30" else "办理暂停或恢复缴费"
    assert refused(engine, code) == (
        f"县级记录显示申请人的城乡居民基本养老保险已终止参保（参保状态为“终止参保”，"
        f"{ROSTER.format(kind='resident_pension_enrolment')}），不能{action}；"
        "如需重新参保，请先办理城乡居民基本养老保险登记（事项28）。")


def test_30_refused_after_a_rejected_registration_then_accepted_once_enrolled(engine, store, tmp_path):
    who = person(AGE_62)
    case = start_item(engine, "28", who)
    do(engine, case, "item28_accept", HUKOU)
    review(engine, case, "item28", ["本人身份证", "户口本"], "reject", "户籍不在本县")
    notify(engine, case)
    assert "未参加城乡居民基本养老保险（2026-11-23受理的参保登记结果为“不予办理”" in refused(engine, "30", who)
    again = start_item(engine, "28", who)
    do(engine, again, "item28_accept", HUKOU)
    review(engine, again, "item28", ["本人身份证", "户口本"])
    assert start_item(engine, "30", who) and start_item(engine, "31", who)


def test_30_31_with_no_enrolment_record_start(engine):
    assert start_item(engine, "30") and start_item(engine, "31")


# -- items 38 and 40: the card's state --------------------------------------------------------------------------
def card_roster(store, tmp_path, status: str) -> None:
    roster(store, tmp_path, "card_status", f"身份证号码,姓名,卡状态\n{OWNER},张三,{status}\n")


def test_38_refused_for_a_cancelled_card_and_40_for_one_never_activated(engine, store, tmp_path):
    card_roster(store, tmp_path, "已注销")
    assert refused(engine, "38").startswith("县级记录显示申请人的社会保障卡已注销（卡状态为“已注销”，")
    card_roster(store, tmp_path, "未启用")
    assert refused(engine, "40") == (
        f"县级记录显示申请人的社会保障卡尚未启用（卡状态为“未启用”，{ROSTER.format(kind='card_status')}），"
        "不能挂失或解挂；请先办理社会保障卡启用（事项38），卡已遗失的请到社会保障卡服务网点补办。")
    activation = start_item(engine, "38")  # a card not yet activated is what item 38 is for
    do(engine, activation, "item38_accept", {"card_number": "a12345678", "card_checked": "on"})
    notify(engine, activation)
    loss = start_item(engine, "40")  # the county's activation is newer than the import
    do(engine, loss, "item40_accept", {"card_action": "temporary_loss", "loss_reason": "lost"})
    assert "临时挂失" in told(engine, loss)


def test_40_release_of_a_lost_card_starts(engine, store, tmp_path):
    card_roster(store, tmp_path, "正式挂失")
    assert "已挂失" in refused(engine, "38")
    release = start_item(engine, "40")
    do(engine, release, "item40_accept", {"card_action": "released"})
    assert told(engine, release).startswith("已为您办理社会保障卡解除挂失")
