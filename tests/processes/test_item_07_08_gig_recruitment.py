"""Items 7 and 8: an employer registers a gig recruitment, then gets matching gig seekers recommended."""

from __future__ import annotations

from sqlalchemy import select

from app.employment.models import JobPosting, JobRecommendation
from engine.runtime import CaseContext
from tests.factories import do, open_tasks, start_item
from tests.processes.test_item_01_04_seeker_registration import FIXED, ready_data, register, status
from tests.processes.test_item_02_05_job_recommendation import EMPLOYER

GIG = {"employer_name": "沁水县某农业合作社", "employer_phone": "13912345678", "gig_job_type": "agriculture",
       "gig_work_town": "ZZ", "gig_pay": "180", "gig_date_from": "2026-11-24", "gig_date_to": "2026-12-05",
       "gig_headcount": "5", "gig_description": "采摘、分拣"}
SEEKER = {**FIXED, "seeker_job_types": ["agriculture", "loading"], "seeker_towns": [], "seeker_min_pay": "150",
          "seeker_available_from": "2026-11-23"}


def person(n: int, id_number: str, name: str) -> CaseContext:
    return CaseContext(point_code=f"ZZ-V0{n}", town_code="ZZ", applicant_id_number=id_number, applicant_name=name)


def postings(store) -> list[JobPosting]:
    with store.session() as s:
        return list(s.scalars(select(JobPosting).order_by(JobPosting.id)))


def post_gig(engine, data=GIG) -> int:
    case = start_item(engine, "7", EMPLOYER)
    do(engine, case, "item07_posting", data)
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    return case


def test_gig_recruitment_is_recorded_as_an_open_posting(engine, store):
    case = start_item(engine, "7", EMPLOYER)
    do(engine, case, "item07_posting", GIG)
    message = ready_data(engine, case, "notify_applicant")["notify_message"]
    assert "零工招聘信息已登记" in message and "沁水县某农业合作社" in message and "180元/天" in message
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    (row,) = postings(store)
    assert (row.kind, row.status, row.job_type, row.work_town, row.pay, row.headcount) == (
        "gig", "open", "agriculture", "ZZ", 180, 5)
    assert (row.owner_id_number, row.instance_id, row.point_code, row.town_code, row.created_by) == (
        EMPLOYER.applicant_id_number, case, "JF-V02", "JF", "clerk1")
    assert row.description == "采摘、分拣" and status(engine, case) == "completed"


def test_gig_recruitment_with_reversed_dates_goes_back_to_the_form(engine, store):
    case = start_item(engine, "7", EMPLOYER)
    do(engine, case, "item07_posting", {**GIG, "gig_date_from": "2026-12-10"})
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["item07_posting"]
    assert "早于开始日期" in ready_data(engine, case, "item07_posting")["gig_posting_problem"]
    assert postings(store) == []


def test_employer_without_a_recruitment_is_told_to_register_one(engine, store):
    case = start_item(engine, "8", EMPLOYER)
    assert "请先办理零工招聘登记" in ready_data(engine, case, "notify_applicant")["notify_message"]
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    assert status(engine, case) == "completed"


def test_matching_seekers_are_recommended_to_the_employer(engine, store):
    post_gig(engine)
    for n, (id_number, name) in enumerate([("140521197811010037", "赵强"), ("140521200001010048", "钱多"),
                                           ("140521199505050056", "孙立")], start=1):
        data = SEEKER if n != 3 else {**SEEKER, "seeker_min_pay": "200"}  # the third asks more than it pays
        do(engine, register(engine, "04", data, person(n, id_number, name)), "notify_applicant",
           {"notify_method": "in_person"})
    case = start_item(engine, "8", EMPLOYER)
    (choice,) = ready_data(engine, case, "item08_choose")["gig_posting_options"]
    do(engine, case, "item08_choose", {"chosen_gig_posting": choice["value"]})
    options = ready_data(engine, case, "item08_pick")["seeker_options"]
    assert len(options) == 2 and "赵强" in options[0]["label"] and "钱多" in options[1]["label"]
    do(engine, case, "item08_pick", {"picked_seekers": [options[1]["value"]]})
    message = ready_data(engine, case, "notify_applicant")["notify_message"]
    assert "钱多，电话13800138000" in message and "赵强" not in message
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    with store.session() as s:
        (row,) = s.scalars(select(JobRecommendation)).all()
    assert (row.direction, row.posting_id, row.seeker_id, row.rank, row.instance_id) == (
        "to_employer", int(choice["value"]), int(options[1]["value"]), 2, case)
    assert status(engine, case) == "completed"


def test_no_matching_seeker_says_so(engine, store):
    post_gig(engine)
    case = start_item(engine, "8", EMPLOYER)
    (choice,) = ready_data(engine, case, "item08_choose")["gig_posting_options"]
    do(engine, case, "item08_choose", {"chosen_gig_posting": choice["value"]})
    message = ready_data(engine, case, "notify_applicant")["notify_message"]
    assert "目前没有符合“农林种养”招聘条件的零工求职者" in message
