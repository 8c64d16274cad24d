"""The provincial connector: the county's answers from its own records and the imported roster, or "no record"."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import pytest

from app.social.connector import NO_RECORD, Answer, CountyConnector, ProvincialConnector, get_connector, use_connector
from app.social.contributions import yuan_in_words
from app.social.operators import QUESTIONS
from app.social.roster import import_roster
from engine.models import ProcessInstance
from tests.factories import CONTEXT, do, start_item, task_of

PERSON = CONTEXT.applicant_id_number
OTHER = "140521199003150110"
IMPORTED_AT = datetime(2026, 11, 20, 2, tzinfo=UTC)


def ask(store, question: str, id_number: str = PERSON) -> Answer:
    with store.session() as s:
        return getattr(CountyConnector(s), question)(id_number)


def test_every_question_has_a_title_for_the_query_items():
    assert set(QUESTIONS) == {n for n in vars(ProvincialConnector) if not n.startswith("_")}


@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_nothing_known_is_said_plainly(store, question):
    answer = ask(store, question)
    assert answer == Answer(False, [], "沁水县县级数据", "县级数据中没有该人员的记录，请到省社保平台查询")
    assert answer.message == NO_RECORD


def test_answers_from_the_imported_roster(store, tmp_path):
    path = tmp_path / "resident.csv"
    path.write_text(f"身份证号码,姓名,缴费年度,险种,缴费金额,到账情况\n{PERSON},张三,2025,基本养老保险,500,已到账\n"
                    f"{OTHER},王五,2025,基本养老保险,300,已到账\n", encoding="utf-8")
    with store.session(write=True) as s:
        import_roster(s, "resident_pension_contribution", path, actor="admin", now=IMPORTED_AT)
    answer = ask(store, "resident_pension_contributions")
    assert answer.found and answer.message == (
        "县级数据中查到城乡居民养老保险缴费记录1条；"
        "省平台数据以导入时为准（省社保平台导出名册 resident.csv，2026-11-20导入）。")
    (record,) = answer.records
    assert record == {"kind": "resident_pension_contribution", "title": "城乡居民养老保险缴费记录", "origin": "roster",
                      "data": {"name": "张三", "year": "2025", "scheme": "基本养老保险", "amount": "500",
                               "arrival": "已到账"},
                      "text": "缴费年度：2025；险种：基本养老保险；缴费金额：500；到账情况：已到账",
                      "source_note": "省社保平台导出名册 resident.csv，2026-11-20导入",
                      "at": IMPORTED_AT.isoformat()}
    assert not ask(store, "resident_pension_payments").found  # another kind of export says nothing about payments


def test_answers_from_the_county_own_records(engine, store):
    collected = start_item(engine, "D3")
    do(engine, collected, "demo3_accept", {"contribution_scheme": "basic", "contribution_year": "2026",
                                           "contribution_amount": "300.00", "payment_method": "qr_code"})
    activation = start_item(engine, "38")
    do(engine, activation, "item38_accept", {"card_number": "A12345678", "card_checked": "on"})
    contribution = ask(store, "resident_pension_contributions").records[0]
    assert (contribution["kind"], contribution["origin"], contribution["data"]) == (
        "contribution", "county", {"year": "2026", "scheme": "basic", "amount": "300.00"})
    assert contribution["source_note"] == "县级办理记录，LG-V01网点"
    card = ask(store, "card_status")
    assert card.message.startswith("社会保障卡社保功能当前状态：已启用（2026-11-23 10:00 已启用）。")
    assert card.message.endswith("县级记录不含省平台的最新变化。")
    assert not ask(store, "card_status", OTHER).found


class ProvinceDouble:
    """A stand-in for a connector to the provincial system, as the lead would install one."""

    def __init__(self, session) -> None:
        self.session = session

    def card_status(self, id_number: str) -> Answer:
        return Answer(True, [{"kind": "card_status", "title": "社会保障卡状态", "origin": "province",
                              "data": {"status": "正常"}, "text": "卡状态：正常", "source_note": "省社保平台实时查询"}],
                      "省社保平台", "省社保平台查到1条记录。")


def test_the_connector_is_swappable_for_the_operators(engine, store):
    previous = use_connector(ProvinceDouble)
    try:
        with store.session() as s:
            assert isinstance(get_connector(s), ProvinceDouble)
        case = start_item(engine, "39")
        task = task_of(engine, case, "item39_result")
        with store.session() as s:
            data = engine.load_workflow(s, s.get(ProcessInstance, case)).get_task_from_id(UUID(task.task_id)).data
        assert data["query_result"].splitlines()[2:] == [
            "〔社会保障卡状态〕来源：省社保平台", "省社保平台查到1条记录。",
            "1. 【社会保障卡状态】卡状态：正常（省社保平台实时查询）"]
    finally:
        use_connector(previous)
    with store.session() as s:
        assert isinstance(get_connector(s), CountyConnector)


@pytest.mark.parametrize(("amount", "words"), [
    ("0.05", "伍分"), ("0.5", "伍角整"), ("1.05", "壹元零伍分"), ("500", "伍佰元整"), ("1010", "壹仟零壹拾元整"),
    ("10005", "壹万零伍元整"), ("100000", "壹拾万元整"), ("100010000", "壹亿零壹万元整"),
    ("12345678.9", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"), ("0", "零元整"),
])
def test_amount_in_financial_capitals(amount, words):
    assert yuan_in_words(Decimal(amount)) == words
