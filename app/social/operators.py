"""Service operators of the social processes: each reads the case, calls one domain function, returns data."""

from __future__ import annotations

from typing import Any

from app.social import applications, cards, certificates, certification, contributions, eligibility
from app.social.connector import format_answer, get_connector
from engine.clock import CHINA
from engine.idcard import mask_id_number
from engine.services import ServiceCall, ServiceRegistry

# The connector questions a query item may ask (the methods of ProvincialConnector), with their section titles.
QUESTIONS = {
    "employee_pension_contributions": "企业职工养老保险参保缴费情况",
    "employee_pension_payments": "企业职工养老保险待遇发放记录",
    "unemployment_benefit_payments": "失业保险待遇发放记录",
    "resident_pension_enrolment": "城乡居民养老保险参保信息",
    "resident_pension_contributions": "城乡居民养老保险缴费记录",
    "resident_pension_payments": "城乡居民养老待遇发放记录",
    "card_status": "社会保障卡状态",
    "qualification_certifications": "待遇领取资格认证记录",
    "insurance_certificate": "参保记录",
}


def query(call: ServiceCall, what: str | list[str]) -> str:
    """Ask the connector one or more questions about the applicant; return the text the clerk shows."""
    names = [what] if isinstance(what, str) else list(what)
    unknown = [n for n in names if n not in QUESTIONS]
    if unknown:
        raise LookupError(f"unknown connector question(s) {unknown}; known: {', '.join(QUESTIONS)}")
    connector = get_connector(call.session)
    person = call.instance.applicant_id_number or ""
    who = f"{call.instance.applicant_name or ''}（{mask_id_number(person)}）"
    heading = f"{call.data.get('item_name', '查询结果')}：{who}"
    sections = [format_answer(getattr(connector, n)(person), QUESTIONS[n]) for n in names]
    return "\n\n".join([heading, *sections])


def insurance_certificate(call: ServiceCall) -> dict[str, Any]:
    """Produce the certificate of all insurances from real records, or say there are none."""
    return certificates.insurance_certificate(call.session, call.instance, call.now)


def check_eligibility(call: ServiceCall, kind: str) -> dict[str, Any]:
    """Check the applicant against the kind's rules; {"ok": False, "message": …} routes to a refusal."""
    return eligibility.check(call.session, kind, call.instance.applicant_id_number or "", call.data,
                             call.now.astimezone(CHINA).date())


def record_application(call: ServiceCall, kind: str, status: str, opinion: str | None = None) -> str:
    """Record the application with its outcome; return the sentence to tell the applicant."""
    _, message = applications.record_application(call.session, call.instance, call.data, kind=kind,
                                                 status=status, opinion=opinion, now=call.now)
    return message


def record_certification(call: ServiceCall, approved: bool, benefit_kind: str, opinion: str | None = None,
                         valid_months: int = 12) -> dict[str, Any]:
    """Record a qualification certification and when the next is due."""
    return certification.record_certification(call.session, call.instance, call.now, approved=bool(approved),
                                              benefit_kind=benefit_kind, opinion=opinion,
                                              valid_months=int(valid_months))


def activate_card(call: ServiceCall, card_number: str) -> str:
    """Activate the card's social-insurance function; return what to tell the applicant."""
    return cards.activate_card(call.session, call.instance, call.now, card_number)


def report_card_loss(call: ServiceCall, action: str, reason: str | None = None) -> dict[str, Any]:
    """Record a temporary or formal loss or a release of the applicant's card."""
    return cards.report_loss(call.session, call.instance, call.now, action, reason)


def auto_release_card(call: ServiceCall, event_id: int) -> dict[str, Any]:
    """Lift a temporary loss whose days are over, unless it changed meanwhile."""
    return cards.auto_release(call.session, call.instance, call.now, int(event_id))


def collect_contribution(call: ServiceCall, scheme: str, year: int, amount: str,
                         payment_method: str) -> dict[str, Any]:
    """Record a resident-pension contribution collected at the point and return its receipt."""
    return contributions.collect_contribution(call.session, call.instance, call.now, scheme=scheme, year=year,
                                              amount=amount, payment_method=payment_method)


def register(services: ServiceRegistry) -> None:
    """Register this package's operators."""
    for name, operator in (
        ("social.query", query),
        ("social.insurance_certificate", insurance_certificate),
        ("social.check_eligibility", check_eligibility),
        ("social.record_application", record_application),
        ("social.record_certification", record_certification),
        ("social.activate_card", activate_card),
        ("social.report_card_loss", report_card_loss),
        ("social.auto_release_card", auto_release_card),
        ("social.collect_contribution", collect_contribution),
    ):
        services.register(name, operator)
