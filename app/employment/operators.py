"""Service operators of the employment processes (items 1-19): thin adapters from task data to services.

Each takes the BPMN parameters named in its process file; the applicant is always the case's applicant.
A business refusal comes back as {"ok": False, "message": …} for a gateway, never as an error.
"""

from __future__ import annotations

from typing import Any

from app.employment import info, jobs, recommend, registrations, training
from app.employment.common import Person, Refused, Stamp, as_date, as_int
from app.employment.vocab import KINDS
from engine.services import ServiceCall, ServiceRegistry


def register_seeker(call: ServiceCall, *, kind: str, phone: str, job_types: list[str], towns: list[str],
                    min_pay: Any, available_from: str, available_to: str | None, note: str) -> dict:
    """Record a job-seeker registration (items 1, 4)."""
    stamp = Stamp.of(call)
    try:
        seeker, previous = jobs.register_seeker(
            call.session, stamp, Person.of(call), kind=kind, phone=phone, job_types=job_types, towns=towns,
            min_pay=as_int(min_pay) or 0, available_from=as_date(available_from),
            available_to=as_date(available_to), note=note or "")
    except Refused as refused:
        return {"ok": False, "message": refused.message, "seeker_id": None}
    again = "（已更新您此前的登记）" if previous else ""
    noun = KINDS[kind]
    message = (f"您的{noun}求职登记已办理{again}，登记编号{seeker.id}：{jobs.seeker_summary(seeker)}。"
               f"您可随时办理{noun}岗位推荐。")
    return {"ok": True, "message": message, "seeker_id": seeker.id}


def register_gig_posting(call: ServiceCall, *, employer_name: str, phone: str, job_type: str, work_town: str,
                         pay: Any, date_from: str, date_to: str, headcount: Any, description: str) -> dict:
    """Record a gig recruitment (item 7)."""
    try:
        posting = jobs.register_gig_posting(
            call.session, Stamp.of(call), Person.of(call), employer_name=employer_name, phone=phone,
            job_type=job_type, work_town=work_town, pay=as_int(pay), date_from=as_date(date_from),
            date_to=as_date(date_to), headcount=as_int(headcount), description=description or "")
    except Refused as refused:
        return {"ok": False, "message": refused.message, "posting_id": None}
    return {"ok": True, "posting_id": posting.id,
            "message": f"您的零工招聘信息已登记，登记编号{posting.id}：{jobs.posting_line(posting)}。"
                       "您可随时办理零工求职信息推荐。"}


def match_postings(call: ServiceCall, *, kind: str) -> dict:
    """Match the applicant's registration against open postings (items 2, 5)."""
    return recommend.postings_for_seeker(call.session, Person.of(call), kind, Stamp.of(call).today)


def employer_gig_postings(call: ServiceCall) -> dict:
    """List the applicant's open gig postings (item 8)."""
    return recommend.employer_gig_postings(call.session, Person.of(call), Stamp.of(call).today)


def match_seekers(call: ServiceCall, *, posting_id: Any) -> dict:
    """Match one of the applicant's gig postings against gig seekers (item 8)."""
    return recommend.seekers_for_posting(call.session, Person.of(call), as_int(posting_id), Stamp.of(call).today)


def record_recommendations(call: ServiceCall, *, direction: str, matches: list[dict], picked: list[str]) -> dict:
    """Record the matches the clerk handed over (items 2, 5, 8)."""
    return recommend.record_recommendations(call.session, Stamp.of(call), direction=direction, matches=matches,
                                            picked=picked)


def query_postings(call: ServiceCall, *, kind: str, job_type: str | None, town: str | None, min_pay: Any,
                   keyword: str) -> str:
    """Return the open postings that fit the criteria (items 3, 6)."""
    return jobs.query_postings(call.session, kind, Stamp.of(call).today, job_type=job_type, town=town,
                               min_pay=as_int(min_pay), keyword=(keyword or "").strip())


def query_gig_seekers(call: ServiceCall, *, job_type: str | None, town: str | None, work_date: str | None,
                      max_pay: Any) -> str:
    """Return the gig seekers that fit an employer's criteria (item 9)."""
    return jobs.query_gig_seekers(call.session, Stamp.of(call).today, job_type=job_type, town=town,
                                  work_date=as_date(work_date), max_pay=as_int(max_pay))


def register_flexible_employment(call: ServiceCall, *, employment_type: str, work_content: str, started_on: str,
                                 work_town: str, phone: str, remark: str) -> dict:
    """Record an approved flexible-employment registration (item 10)."""
    row, message = registrations.register_flexible_employment(
        call.session, Stamp.of(call), Person.of(call), employment_type=employment_type, work_content=work_content,
        started_on=as_date(started_on), work_town=work_town, phone=phone, remark=remark or "")
    return {"registration_id": row.id, "status": "registered", "message": message}


def register_unemployment(call: ServiceCall, *, unemployment_date: str, last_employer: str, reason: str,
                          reason_other: str, phone: str, job_intention: str) -> dict:
    """Record an approved unemployment registration (item 11)."""
    row, message = registrations.register_unemployment(
        call.session, Stamp.of(call), Person.of(call), unemployment_date=as_date(unemployment_date),
        last_employer=last_employer or "", reason=reason, reason_other=reason_other or "", phone=phone,
        job_intention=job_intention or "")
    return {"registration_id": row.id, "status": "registered", "message": message}


def query_policies(call: ServiceCall, *, keyword: str, issuer: str) -> str:
    """Return the published policy documents that fit (item 12)."""
    return info.query_policies(call.session, (keyword or "").strip(), (issuer or "").strip())


def query_job_fairs(call: ServiceCall, *, since: str | None, town: str | None, keyword: str) -> str:
    """Return the published job fairs that fit (item 14)."""
    return info.query_job_fairs(call.session, Stamp.of(call).today, since=as_date(since), town=town,
                                keyword=(keyword or "").strip())


def employment_card(call: ServiceCall) -> str:
    """Return the applicant's 《就业创业证》 as the county holds it (item 13)."""
    return info.employment_card(call.session, Person.of(call))


def archive_agency(call: ServiceCall) -> str:
    """Return where the applicant's file is kept, as the county holds it (item 15)."""
    return info.archive_agency(call.session, Person.of(call))


def register_training_intention(call: ServiceCall, *, priority_group: str, training_types: list[str], phone: str,
                                preferred_time: str, note: str) -> dict:
    """Record a priority-group member's training intention (item 16)."""
    intention, message = training.register_intention(
        call.session, Stamp.of(call), Person.of(call), priority_group=priority_group,
        training_types=training_types, phone=phone, preferred_time=preferred_time or "", note=note or "")
    return {"intention_id": intention.id, "message": message}


def training_institutions(call: ServiceCall) -> dict:
    """Rank institutions for the applicant's intention, same town first (item 17)."""
    return training.institutions_for(call.session, Person.of(call))


def recommend_institution(call: ServiceCall, *, intention_id: Any, institution_id: Any) -> dict:
    """Record the institution recommended (item 17)."""
    return {"message": training.record_institution(call.session, Stamp.of(call), as_int(intention_id),
                                                   as_int(institution_id))}


def training_intention(call: ServiceCall, *, step: str) -> dict:
    """Find the applicant's intention for a follow-up or a delivery (items 18, 19)."""
    return training.intention_for(call.session, Person.of(call), step)


def record_training_followup(call: ServiceCall, *, intention_id: Any, contacted: str, contact_method: str,
                             class_planned: str, class_start: str | None, class_place: str, feedback: str) -> dict:
    """Record the follow-up with the institution (item 18)."""
    return {"message": training.record_followup(
        call.session, Stamp.of(call), as_int(intention_id), contacted=contacted, contact_method=contact_method,
        class_planned=class_planned == "yes", class_start=class_start or None, class_place=class_place or "",
        feedback=feedback or "")}


def record_training_delivery(call: ServiceCall, *, intention_id: Any, class_start: str, class_time: str,
                             class_place: str, notify_method: str) -> dict:
    """Record that the person was told when and where to attend (item 19)."""
    return training.record_delivery(call.session, Stamp.of(call), as_int(intention_id), class_start=class_start,
                                    class_time=class_time or "", class_place=class_place,
                                    notify_method=notify_method)


OPERATORS = {
    f"employment.{op.__name__}": op
    for op in (register_seeker, register_gig_posting, match_postings, employer_gig_postings, match_seekers,
               record_recommendations, query_postings, query_gig_seekers, register_flexible_employment,
               register_unemployment, query_policies, query_job_fairs, employment_card, archive_agency,
               register_training_intention, training_institutions, recommend_institution, training_intention,
               record_training_followup, record_training_delivery)
}


def register(services: ServiceRegistry) -> None:
    """Register this package's operators."""
    for name, operator in OPERATORS.items():
        services.register(name, operator)
