"""Query items 25, 26, 27, 33, 36, 39: what the county holds, shown read-only; a plain "no record" otherwise."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from app.social.connector import NO_RECORD
from app.social.roster import import_roster
from engine.errors import FormInvalid
from engine.models import ProcessInstance
from tests.factories import CONTEXT, do, start_item, task_of

PERSON = CONTEXT.applicant_id_number
QUERIES = {"25": "item25_result", "26": "item26_result", "27": "item27_result", "33": "item33_result",
           "36": "item36_result", "39": "item39_result"}


def result_of(engine, case: int, bpmn_id: str) -> str:
    task = task_of(engine, case, bpmn_id)
    assert task.candidate_role == "clerk"
    with engine.store.session() as s:
        workflow = engine.load_workflow(s, s.get(ProcessInstance, case))
        return workflow.get_task_from_id(UUID(task.task_id)).data["query_result"]


def roster(store, tmp_path, kind: str, text: str) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    with store.session(write=True) as s:
        import_roster(s, kind, path, actor="admin", now=datetime(2026, 11, 20, 2, tzinfo=UTC))


def ask(engine, code: str) -> tuple[int, str]:
    case = start_item(engine, code)
    return case, result_of(engine, case, QUERIES[code])


@pytest.mark.parametrize("code", sorted(QUERIES))
def test_no_record_is_said_plainly_and_the_case_ends(engine, store, code):
    case, text = ask(engine, code)
    assert NO_RECORD in text and "110***********002X" in text
    with pytest.raises(FormInvalid):
        do(engine, case, QUERIES[code], {})
    do(engine, case, QUERIES[code], {"result_told": "on"})
    with store.session() as s:
        assert s.get(ProcessInstance, case).status == "completed"


def test_25_shows_imported_contributions(engine, store, tmp_path):
    roster(store, tmp_path, "employee_pension_contribution",
           f"身份证号码,姓名,缴费年月,缴费基数,缴费金额,缴费单位\n{PERSON},张三,2026-09,4000,640.00,沁水县某煤业公司\n")
    _, text = ask(engine, "25")
    assert "县级数据中查到企业职工养老保险记录1条" in text
    assert ("1. 【企业职工养老保险缴费记录】缴费年月：2026-09；缴费基数：4000；缴费金额：640.00；"
            "缴费单位：沁水县某煤业公司"
            "（省社保平台导出名册 employee_pension_contribution.csv，2026-11-20导入）") in text


@pytest.mark.parametrize(("code", "kind"), [
    ("26", "employee_pension_payment"), ("27", "unemployment_benefit_payment"), ("36", "resident_pension_payment")])
def test_payment_queries_show_failures_with_their_reason(engine, store, tmp_path, code, kind):
    roster(store, tmp_path, kind, f"身份证号码,发放年月,发放金额,发放状态,失败原因\n"
                                  f"{PERSON},2026-10,1500.00,发放失败,银行账户已销户\n")
    _, text = ask(engine, code)
    assert "发放状态：发放失败；失败原因：银行账户已销户" in text


def test_33_shows_enrolment_and_contributions(engine, store, tmp_path):
    roster(store, tmp_path, "resident_pension_enrolment", f"身份证号码,险种,参保状态,参保日期\n"
                                                          f"{PERSON},城乡居民基本养老保险,正常参保,2012-01-01\n")
    _, text = ask(engine, "33")
    assert "【城乡居民养老保险参保信息】险种：城乡居民基本养老保险；参保状态：正常参保" in text
    assert "城乡居民养老保险缴费记录" in text and NO_RECORD in text  # no contribution known: said so


def test_39_card_status_is_the_latest_county_event(engine, store, tmp_path):
    activation = start_item(engine, "38")
    do(engine, activation, "item38_accept", {"card_number": "A12345678", "card_checked": "on"})
    roster(store, tmp_path, "card_status", f"身份证号码,卡状态,制卡进度\n{PERSON},正常,已领卡\n")
    _, text = ask(engine, "39")
    assert "社会保障卡社保功能当前状态：已启用（2026-11-23 10:00 已启用）" in text
    assert "【社会保障卡状态】卡状态：正常；制卡进度：已领卡" in text
