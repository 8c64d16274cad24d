"""Items 3, 6 and 9: criteria → results shown read-only → end; "no results" said plainly."""

from __future__ import annotations

from datetime import date

from tests.factories import do, open_tasks, start_item
from tests.processes.test_item_01_04_seeker_registration import ready_data, register, status
from tests.processes.test_item_02_05_job_recommendation import load_postings, posting
from tests.processes.test_item_07_08_gig_recruitment import SEEKER, person, post_gig


def query(engine, code: str, criteria: dict) -> tuple[int, str]:
    """Run a query item up to its results task; return the case and the text shown."""
    case = start_item(engine, str(int(code)))
    do(engine, case, f"item{code}_criteria", criteria)
    key = "seeker_results" if code == "09" else "posting_results"
    return case, ready_data(engine, case, f"item{code}_results")[key]


def finish(engine, case, code) -> None:
    do(engine, case, f"item{code}_results", {})
    assert status(engine, case) == "completed" and open_tasks(engine, case) == []


def test_fixed_query_lists_open_postings_that_fit(engine, store):
    load_postings(store, posting("A1", employer_name="沁水县煤层气公司", job_type="mining", pay=6000),
                  posting("A2", work_town="ZZ"), posting("A3", status="filled"),
                  posting("A4", date_to=date(2026, 11, 1)))
    case, text = query(engine, "03", {"query_town": "LG"})
    assert text.startswith("共找到1条固定工岗位信息：\n1. 沁水县煤层气公司；工种：煤矿及煤层气；地点：龙港镇；"
                           "薪酬：6000元/月")
    finish(engine, case, "03")
    _, everything = query(engine, "03", {})
    assert "A2公司" in everything and "A3" not in everything and "A4" not in everything
    _, keyword = query(engine, "03", {"query_keyword": "煤层气", "query_min_pay": "5000"})
    assert keyword.startswith("共找到1条")


def test_fixed_query_without_results_says_so(engine, store):
    case, text = query(engine, "03", {"query_job_type": "welding"})
    assert text == "没有找到符合条件的固定工岗位信息。"
    finish(engine, case, "03")


def test_gig_query_lists_gig_postings_only(engine, store):
    load_postings(store, posting("A1"))
    case, text = query(engine, "06", {})
    assert text == "没有找到符合条件的零工岗位信息。"
    finish(engine, case, "06")
    post_gig(engine)
    _, text = query(engine, "06", {"query_job_type": "agriculture"})
    assert text.startswith("共找到1条零工岗位信息：\n1. 沁水县某农业合作社") and "A1" not in text


def test_gig_seeker_query_masks_names_and_hides_phones(engine, store):
    case, text = query(engine, "09", {})
    assert text == "没有找到符合条件的零工求职信息。"
    finish(engine, case, "09")
    do(engine, register(engine, "04", SEEKER, person(1, "140521197811010037", "赵强")), "notify_applicant",
       {"notify_method": "in_person"})
    _, text = query(engine, "09", {"query_job_type": "loading", "query_work_date": "2026-12-01",
                                   "query_max_pay": "160"})
    assert text.startswith("共找到1条零工求职信息：\n1. 赵*；求职工种：装卸搬运、农林种养")
    assert "13800138000" not in text and "零工求职信息推荐" in text
    _, text = query(engine, "09", {"query_max_pay": "100"})
    assert text == "没有找到符合条件的零工求职信息。"
