"""Demo-point items D1-D4: certificate printing, face re-modelling, contribution collection, benefit declaration."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.cases.starting import StartRefused, start_item_case
from app.social.certificates import NO_CERTIFICATE
from app.social.models import ResidentContribution, SocialApplication
from app.social.roster import import_roster
from engine.errors import FormInvalid
from engine.models import ProcessInstance
from tests.factories import CATALOG, CONTEXT, data_at, do, open_tasks, province_answers, start_item

PERSON = CONTEXT.applicant_id_number



def status(store, case: int) -> str:
    with store.session() as s:
        return s.get(ProcessInstance, case).status


def applications(store, kind: str) -> list[SocialApplication]:
    with store.session() as s:
        return list(s.scalars(select(SocialApplication).where(SocialApplication.kind == kind)))


def contributions(store) -> list[ResidentContribution]:
    with store.session() as s:
        return list(s.scalars(select(ResidentContribution).order_by(ResidentContribution.id)))


def test_demo_items_start_only_at_demo_points(engine, store):
    for code in ("D1", "D2", "D3", "D4"):
        with pytest.raises(StartRefused) as err:
            start_item_case(engine, CATALOG.get(code), CONTEXT, actor="clerk1", point_is_demo=False)
        assert err.value.message == f"“{CATALOG.get(code).name}”只能在示范网点办理。"
    with store.session() as s:
        assert s.scalars(select(ProcessInstance)).all() == []


# -- D1 -----------------------------------------------------------------------------------------
def test_d1_without_records_no_certificate_is_made(engine, store):
    case = start_item(engine, "D1")
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["demo1_no_record"]
    assert data_at(engine, case, "demo1_no_record")["certificate_text"] == NO_CERTIFICATE
    do(engine, case, "demo1_no_record", {"no_record_told": "on"})
    assert status(store, case) == "completed"


def test_d1_certificate_states_only_the_imported_records(engine, store, tmp_path):
    path = tmp_path / "participation.csv"
    path.write_text(f"身份证号码,姓名,险种,参保状态,参保日期,参保单位\n"
                    f"{PERSON},张三,企业职工基本养老保险,正常参保,2008-07-01,沁水县某煤业公司\n"
                    f"{PERSON},张三,失业保险,暂停参保,2008-07-01,沁水县某煤业公司\n", encoding="utf-8")
    with store.session(write=True) as s:
        import_roster(s, "insurance_participation", path, actor="admin", now=datetime(2026, 11, 20, 2, tzinfo=UTC))
    case = start_item(engine, "D1")
    text = data_at(engine, case, "demo1_print")["certificate_text"]
    assert text.splitlines()[:3] == ["社会保险参保证明", f"证明编号：ZMQS20261123{case:06d}",
                                     f"兹证明 张三（身份证号码 {PERSON}）参加社会保险情况如下："]
    assert ("1. 全险种参保信息：险种：企业职工基本养老保险；参保状态：正常参保；参保日期：2008-07-01；"
            "参保单位：沁水县某煤业公司") in text
    assert "2. 全险种参保信息：险种：失业保险；参保状态：暂停参保" in text
    assert "省社保平台导出名册 participation.csv，2026-11-20导入" in text
    assert text.splitlines()[-1] == "出具网点：LG-V01    出具日期：2026年11月23日"
    with pytest.raises(FormInvalid):
        do(engine, case, "demo1_print", {})
    do(engine, case, "demo1_print", {"certificate_printed": "on"})
    assert status(store, case) == "completed"


# -- D2 -----------------------------------------------------------------------------------------
def test_d2_face_remodelling_is_recorded(engine, store):
    case = start_item(engine, "D2")
    with pytest.raises(FormInvalid) as err:
        do(engine, case, "demo2_accept", {"remodel_reason": "appearance", "device_number": "JM-LG-01"})
    assert set(err.value.errors) == {"model_collected"}
    do(engine, case, "demo2_accept", {"remodel_reason": "appearance", "device_number": "JM-LG-01",
                                      "model_collected": "on"})
    province_answers(engine, case)
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    (row,) = applications(store, "face_remodelling")
    assert (row.status, row.item_code, row.instance_id) == ("submitted", "D2", case)
    assert json.loads(row.data)["device_number"] == "JM-LG-01" and status(store, case) == "completed"


# -- D3 -----------------------------------------------------------------------------------------
def collect(engine, **answers) -> int:
    case = start_item(engine, "D3", actor="clerk7")
    do(engine, case, "demo3_accept", {"contribution_scheme": "basic", "contribution_year": "2026",
                                      "contribution_amount": "500", "payment_method": "cash", **answers}, "clerk7")
    return case


def test_d3_contribution_recorded_with_an_exact_amount_and_a_receipt(engine, store):
    case = collect(engine, contribution_amount="1005.5")
    (row,) = contributions(store)
    assert (row.amount_yuan, row.year, row.scheme, row.receipt_no, row.collected_by, row.instance_id) == (
        "1005.50", 2026, "basic", f"JFQS20261123{case:06d}", "clerk7", case)
    text = data_at(engine, case, "demo3_receipt")["receipt_text"]
    assert text.splitlines() == [
        "城乡居民养老保险费缴费凭证", f"收据号：JFQS20261123{case:06d}", f"缴费人：张三    身份证号码：{PERSON}",
        "险种：城乡居民基本养老保险    缴费年度：2026", "金额：人民币壹仟零伍元伍角整（¥1005.50）", "缴费方式：现金",
        "收取网点：LG-V01    收取时间：2026-11-23 10:00", "经办人：clerk7"]
    do(engine, case, "demo3_receipt", {"receipt_handed_over": "on"})
    assert status(store, case) == "completed"


@pytest.mark.parametrize(("answers", "reason"), [
    ({"contribution_year": "2025"}, "2025年度为往年度，往年度缴费请办理城乡居民养老保险信息补缴申报（事项32）。"),
    ({"contribution_year": "2027"}, "不能预缴以后年度（2027年）的城乡居民养老保险费。"),
    ({"contribution_amount": "500.005"}, "缴费金额须大于0，最多两位小数（到分）。"),
])
def test_d3_refusals_collect_nothing(engine, store, answers, reason):
    case = collect(engine, **answers)
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["notify_applicant"]
    assert data_at(engine, case, "notify_applicant")["notify_message"] == reason
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    assert contributions(store) == [] and status(store, case) == "completed"


def test_d3_the_same_year_is_not_collected_twice(engine, store):
    first = collect(engine)
    second = collect(engine, contribution_amount="300")
    message = data_at(engine, second, "notify_applicant")["notify_message"]
    assert message == (f"县级记录显示申请人2026年度城乡居民基本养老保险费已于2026年11月23日缴纳"
                       f"（收据号 JFQS20261123{first:06d}），不能重复收取。")
    supplementary = collect(engine, contribution_scheme="supplementary", contribution_amount="300")
    assert [(c.scheme, c.instance_id) for c in contributions(store)] == [("basic", first),
                                                                          ("supplementary", supplementary)]


# -- D4 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("decision", "opinion", "expected"), [("approve", "", "approved"),
                                                               ("reject", "缺少死亡证明", "rejected")])
def test_d4_declaration_reviewed_by_the_county(engine, store, decision, opinion, expected):
    case = start_item(engine, "D4")
    do(engine, case, "demo4_accept", {"declared_benefit": "funeral", "declaration_detail": "申领丧葬补助金",
                                      "contact_phone": "13800138000"})
    do(engine, case, "check_materials", {"materials_received": ["本人身份证或社会保障卡"]})
    do(engine, case, "demo4_review", {"decision": decision, "review_opinion": opinion}, "reviewer1")
    if decision == "approve":  # only what the county approved goes on to the province
        province_answers(engine, case)
    do(engine, case, "notify_applicant", {"notify_method": "phone"})
    (row,) = applications(store, "benefit_declaration")
    assert (row.status, row.reviewer, row.opinion) == (expected, "reviewer1", opinion or None)
