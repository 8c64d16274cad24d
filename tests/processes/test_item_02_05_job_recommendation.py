"""Items 2 and 5, 岗位信息推荐: match a registered seeker, the clerk picks, the recommendations are recorded."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from app.employment.imports import FIXED_POSTINGS, import_rows
from app.employment.models import JobPosting, JobRecommendation
from engine.clock import CHINA
from engine.runtime import CaseContext
from tests.factories import do, start_item
from tests.processes.test_item_01_04_seeker_registration import FIXED, ready_data, register, status

EMPLOYER = CaseContext(point_code="JF-V02", town_code="JF", applicant_id_number="140521198507220026",
                       applicant_name="王芳")


def posting(ref, **changes) -> dict:
    values = {"ref": ref, "employer_name": f"沁水县{ref}公司", "contact_phone": "0356-7022000",
              "job_type": "construction", "work_town": "LG", "pay": 4500, "date_from": date(2026, 11, 1),
              "date_to": date(2027, 1, 31), "headcount": 3, "description": "", "status": "open"}
    return {**values, **changes}


def load_postings(store, *records) -> None:
    with store.session(write=True) as s:
        import_rows(s, FIXED_POSTINGS, list(records), source="企业岗位.xlsx", actor="admin",
                    now=datetime(2026, 11, 20, 9, tzinfo=CHINA))


def recommendations(store) -> list[JobRecommendation]:
    with store.session() as s:
        return list(s.scalars(select(JobRecommendation).order_by(JobRecommendation.rank)))


def posting_id(store, ref) -> int:
    with store.session() as s:
        return s.scalar(select(JobPosting.id).where(JobPosting.ref == ref))


def finish_registration(engine, code, data) -> None:
    do(engine, register(engine, code, data), "notify_applicant", {"notify_method": "in_person"})


def test_unregistered_person_is_told_to_register_first(engine, store):
    load_postings(store, posting("A1"))
    case = start_item(engine, "2")
    message = ready_data(engine, case, "notify_applicant")["notify_message"]
    assert "尚未办理固定工求职登记" in message and "请先办理求职登记" in message
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    assert status(engine, case) == "completed" and recommendations(store) == []


def test_matches_are_ranked_picked_and_recorded(engine, store):
    load_postings(store,
                  posting("A1", work_town="ZZ", pay=4200),            # other town: lower score
                  posting("A2", pay=4800),                             # wanted town, better pay: first
                  posting("A3", job_type="catering"),                  # not a wanted job type
                  posting("A4", pay=3500),                             # pays less than the minimum
                  posting("A5", date_to=date(2026, 11, 22)),           # expired yesterday
                  posting("A6", status="filled"))                      # filled
    finish_registration(engine, "01", FIXED)
    case = start_item(engine, "2")
    data = ready_data(engine, case, "item02_pick")
    assert [o["value"] for o in data["posting_options"]] == [str(posting_id(store, "A2")),
                                                              str(posting_id(store, "A1"))]
    assert data["posting_options"][0]["label"].startswith("第1名（匹配度")
    assert "建筑施工" in data["seeker_summary"]
    do(engine, case, "item02_pick", {"picked_postings": [str(posting_id(store, "A1"))]})
    message = ready_data(engine, case, "notify_applicant")["notify_message"]
    assert "沁水县A1公司" in message and "0356-7022000" in message and "A2" not in message
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    (row,) = recommendations(store)
    assert (row.direction, row.posting_id, row.rank, row.instance_id) == ("to_seeker", posting_id(store, "A1"), 2,
                                                                          case)
    assert row.score == 60 + 0 + 0 and (row.point_code, row.town_code, row.created_by) == ("LG-V01", "LG", "clerk1")
    assert status(engine, case) == "completed"


def test_no_match_says_so(engine, store):
    load_postings(store, posting("A3", job_type="catering"))
    finish_registration(engine, "01", FIXED)
    case = start_item(engine, "2")
    assert "目前没有符合条件的固定工岗位" in ready_data(engine, case, "notify_applicant")["notify_message"]


def test_picking_none_records_nothing(engine, store):
    load_postings(store, posting("A2"))
    finish_registration(engine, "01", FIXED)
    case = start_item(engine, "2")
    do(engine, case, "item02_pick", {})
    assert "未作推荐" in ready_data(engine, case, "notify_applicant")["notify_message"]
    assert recommendations(store) == []


def test_gig_recommendation_uses_gig_postings_of_item_7(engine, store):
    load_postings(store, posting("A2"))  # a fixed posting never goes to a gig seeker
    employer = start_item(engine, "7", EMPLOYER)
    do(engine, employer, "item07_posting", {
        "employer_name": "王芳", "employer_phone": "13912345678", "gig_job_type": "loading", "gig_work_town": "LG",
        "gig_pay": "220", "gig_date_from": "2026-11-25", "gig_date_to": "2026-11-30", "gig_headcount": "2"})
    do(engine, employer, "notify_applicant", {"notify_method": "in_person"})
    unregistered = start_item(engine, "5")
    assert "尚未办理零工求职登记" in ready_data(engine, unregistered, "notify_applicant")["notify_message"]
    finish_registration(engine, "04", {**FIXED, "seeker_job_types": ["loading"], "seeker_min_pay": "200",
                                       "seeker_available_from": "2026-11-23"})
    case = start_item(engine, "5")
    (option,) = ready_data(engine, case, "item05_pick")["posting_options"]
    assert "王芳" in option["label"] and "220元/天" in option["label"]
    do(engine, case, "item05_pick", {"picked_postings": [option["value"]]})
    do(engine, case, "notify_applicant", {"notify_method": "phone"})
    (row,) = recommendations(store)
    assert row.direction == "to_seeker" and row.rank == 1 and row.score == 60 + 30 + 1
