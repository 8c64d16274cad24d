"""Items 12-15: answers only from what the county holds; no record is said plainly."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.employment.imports import ARCHIVES, EMPLOYMENT_CARDS, JOB_FAIRS, POLICIES, import_rows
from app.employment.info import NO_COUNTY_RECORD
from engine.clock import CHINA
from tests.factories import CONTEXT, do, open_tasks, start_item
from tests.processes.test_item_01_04_seeker_registration import ready_data, status

NOW = datetime(2026, 11, 20, 9, tzinfo=CHINA)


def load(store, importer, *records) -> None:
    with store.session(write=True) as s:
        import_rows(s, importer, list(records), source="县人社局.xlsx", actor="admin", now=NOW)


def results(engine, code: str, key: str, criteria: dict | None = None) -> str:
    """Run a query item to its results task; check it ends after; return the text shown."""
    case = start_item(engine, str(int(code)))
    if criteria is not None:
        do(engine, case, f"item{code}_criteria", criteria)
    text = ready_data(engine, case, f"item{code}_results")[key]
    do(engine, case, f"item{code}_results", {})
    assert status(engine, case) == "completed" and open_tasks(engine, case) == []
    return text


def policy(title, **changes):
    return {"title": title, "doc_no": "", "issuer": "沁水县人力资源和社会保障局", "published_on": date(2026, 3, 1),
            "summary": "", "link": "", **changes}


def test_policy_query(engine, store):
    assert results(engine, "12", "policy_results", {}) == "没有找到符合条件的就业政策法规。"
    load(store, POLICIES,
         policy("关于做好创业担保贷款工作的通知", doc_no="沁人社发〔2026〕3号", summary="贷款额度和贴息"),
         policy("就业困难人员认定办法", published_on=date(2026, 5, 1)))
    text = results(engine, "12", "policy_results", {"policy_keyword": "贴息"})
    assert text == ("共找到1条就业政策法规：\n1. 《关于做好创业担保贷款工作的通知》（沁人社发〔2026〕3号）；"
                    "发布机关：沁水县人力资源和社会保障局；发布日期：2026年3月1日；摘要：贷款额度和贴息")
    assert results(engine, "12", "policy_results", {}).split("\n")[1].startswith("1. 《就业困难人员认定办法》")
    assert results(engine, "12", "policy_results", {"policy_issuer": "晋城市"}) == "没有找到符合条件的就业政策法规。"


@pytest.mark.parametrize(("code", "key"), [("13", "employment_card_result"), ("15", "archive_result")])
def test_provincial_data_without_a_county_record_says_where_to_ask(engine, store, code, key):
    assert results(engine, code, key) == NO_COUNTY_RECORD == "县级数据中没有该人员的记录，请到省就业服务平台查询。"


def test_employment_card_from_the_county_roster(engine, store):
    load(store, EMPLOYMENT_CARDS,
         {"card_no": "1405210000123", "id_number": CONTEXT.applicant_id_number, "name": "张三",
          "issued_on": date(2024, 6, 3), "issuer": "沁水县公共就业和人才服务中心", "status": "有效"},
         {"card_no": "1405210000999", "id_number": "140521199003150014", "name": "李明",
          "issued_on": date(2024, 6, 3), "issuer": "沁水县公共就业和人才服务中心", "status": ""})
    assert results(engine, "13", "employment_card_result") == (
        "张三的《就业创业证》记录（县级数据）：\n1. 证号：1405210000123；发证日期：2024年6月3日；"
        "发证机构：沁水县公共就业和人才服务中心；状态：有效")


def test_archive_agency_from_the_county_roster(engine, store):
    load(store, ARCHIVES, {"id_number": CONTEXT.applicant_id_number, "name": "张三", "agency": "沁水县人才交流中心",
                           "agency_address": "", "agency_phone": "0356-7021234", "stored_since": date(2019, 7, 1),
                           "note": ""})
    assert results(engine, "15", "archive_result") == (
        "张三的档案存放机构：沁水县人才交流中心；电话：0356-7021234；存放时间：2019年7月1日起。（县级数据）")


def test_job_fair_query(engine, store):
    assert results(engine, "14", "fair_results", {}) == "没有找到符合条件的招聘会信息。"
    fair = {"time_text": "9:00-12:00", "venue": "县人力资源市场", "town_code": "LG", "organizer": "沁水县人社局",
            "audience": "", "description": "", "link": ""}
    load(store, JOB_FAIRS, {"title": "春风行动招聘会", "held_on": date(2026, 11, 1), **fair},
         {"title": "冬季专场招聘会", "held_on": date(2026, 12, 10), **fair, "audience": "高校毕业生"})
    assert results(engine, "14", "fair_results", {}) == (
        "共找到1条招聘会信息：\n1. 冬季专场招聘会；时间：2026年12月10日 9:00-12:00；地点：县人力资源市场（龙港镇）；"
        "主办：沁水县人社局；服务对象：高校毕业生")
    assert "春风行动" in results(engine, "14", "fair_results", {"fair_since": "2026-10-01"})
    assert results(engine, "14", "fair_results", {"fair_town": "ZZ"}) == "没有找到符合条件的招聘会信息。"
