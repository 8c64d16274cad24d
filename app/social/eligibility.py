"""Eligibility rules of the applications (DOMAIN.md, 附件1), checked on what the county can see.

A rule reads the applicant's age from the ID number, the connector's records and the facts the applicant
declared on the accept form. A refusal is an ordinary answer with a Chinese reason, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.social import queries
from app.social.connector import Answer, get_connector
from app.social.facts import Facts
from app.social.record_rules import (
    benefit_qualification_certification,
    employee_pension_suspension,
    resident_pension_suspension,
    unemployment_registration,
)
from engine.clock import CHINA
from engine.idcard import IdNumberError

ENDED = ("终止", "注销")  # provincial enrolment states that mean the person is no longer enrolled


def _supplementary(record: dict[str, Any]) -> bool:
    if record["kind"].startswith("application:"):
        return record["kind"].endswith("supplementary_registration") or record["kind"].endswith("supplementary_claim")
    if record["kind"] == "contribution":
        return record["data"].get("scheme") == "supplementary"
    return "补充" in str(record["data"].get("scheme", ""))


def _enrolled(answer: Answer, supplementary: bool) -> list[dict[str, Any]]:
    """Return the records showing a current enrolment in the basic (or supplementary) scheme."""
    wanted = "application:resident_supplementary_registration" if supplementary \
        else "application:resident_pension_registration"
    found = []
    for r in answer.records:
        if r["kind"] == wanted and r["data"].get("status") == "approved":
            found.append(r)
        elif r["kind"] == "resident_pension_enrolment" and _supplementary(r) == supplementary \
                and not any(word in str(r["data"].get("status", "")) for word in ENDED):
            found.append(r)
    return found


def _drawing_basic(facts: Facts) -> bool:
    payments = facts.connector.resident_pension_payments(facts.id_number).records
    return any((r["kind"] == "resident_pension_payment" and not _supplementary(r))
               or (r["kind"] == "application:resident_pension_claim" and r["data"].get("status") == "approved")
               for r in payments)


def _where(records: list[dict[str, Any]]) -> str:
    return records[0]["source_note"]


def flexible_pension_enrolment(facts: Facts) -> str | None:
    """Refuse a second enrolment the county already took."""
    for a in queries.applications_of(facts.session, facts.id_number, ["flexible_pension_enrolment"]):
        if a.status != "rejected":
            day = a.submitted_at.astimezone(CHINA).date().isoformat()
            return f"县级记录显示申请人已于{day}办理灵活就业人员参保登记，无需重复办理。"
    return None


def unemployment_benefit_claim(facts: Facts) -> str | None:
    """Require an active unemployment registration, a year of contributions and an involuntary separation."""
    refusal = unemployment_registration(facts.session, facts.id_number)
    if refusal:
        return refusal
    if not facts.data.get("insured_one_year"):
        return "失业前参加失业保险并缴费不满一年，不符合申领失业保险金的条件。"
    if facts.data.get("separation_reason") == "resigned":
        return "因本人意愿中断就业（主动辞职）的，不符合申领失业保险金的条件。"
    return None


def resident_pension_registration(facts: Facts) -> str | None:
    """Age 16 or more, not a student, in no other basic pension and not yet enrolled."""
    if facts.age < 16:
        return f"申请人未满16周岁（现{facts.age}周岁），不能参加城乡居民基本养老保险。"
    if facts.data.get("is_student"):
        return "在校学生不能办理城乡居民基本养老保险登记。"
    if facts.data.get("has_other_pension"):
        return "申请人已参加其他基本养老保险，不能再参加城乡居民基本养老保险。"
    enrolled = _enrolled(facts.connector.resident_pension_enrolment(facts.id_number), supplementary=False)
    if enrolled:
        return f"申请人已参加城乡居民基本养老保险（{_where(enrolled)}），无需重复登记。"
    return None


def resident_supplementary_registration(facts: Facts) -> str | None:
    """Under 65, enrolled in the basic scheme (county record or declared), not yet in the supplementary one."""
    if facts.age >= 65:
        return f"申请人已满65周岁（现{facts.age}周岁），不能办理城乡居民补充养老保险参保登记。"
    enrolment = facts.connector.resident_pension_enrolment(facts.id_number)
    if not _enrolled(enrolment, supplementary=False) and not facts.data.get("basic_enrolled_declared"):
        return ("县级数据中没有申请人参加城乡居民基本养老保险的记录，申请人也未申报已参保："
                "须先参加城乡居民基本养老保险。")
    supplementary = _enrolled(enrolment, supplementary=True)
    if supplementary:
        return f"申请人已参加城乡居民补充养老保险（{_where(supplementary)}），无需重复登记。"
    return None


def resident_pension_claim(facts: Facts) -> str | None:
    """Age 60 or more, 15 years paid (county records or declared), and no other basic pension drawn."""
    if facts.age < 60:
        return f"申请人未满60周岁（现{facts.age}周岁），不能申领城乡居民基本养老保险待遇。"
    contributions = facts.connector.resident_pension_contributions(facts.id_number).records
    years = {r["data"].get("year") for r in contributions if not _supplementary(r) and r["data"].get("year")}
    declared = facts.data.get("paid_years") or 0
    if max(len(years), declared) < 15:
        return (f"累计缴费不满15年（县级数据{len(years)}年，申请人申报{declared}年），不能申领待遇，"
                "可先办理补缴申报（事项32）。")
    if facts.data.get("has_other_pension"):
        return "申请人已领取其他基本养老保险待遇，不能再申领城乡居民基本养老保险待遇。"
    employee = facts.connector.employee_pension_payments(facts.id_number).records
    if any(r["kind"] == "employee_pension_payment" for r in employee):
        return (f"县级数据显示申请人在领取企业职工基本养老保险待遇（{_where(employee)}），"
                "不能再申领城乡居民基本养老保险待遇。")
    if _drawing_basic(facts):
        return "县级数据显示申请人已在领取城乡居民基本养老保险待遇，无需重复申领。"
    return None


def resident_supplementary_claim(facts: Facts) -> str | None:
    """Age 65 or more and already drawing the basic resident pension (county record or declared)."""
    if facts.age < 65:
        return f"申请人未满65周岁（现{facts.age}周岁），不能申领城乡居民补充养老保险待遇。"
    if not _drawing_basic(facts) and not facts.data.get("drawing_basic"):
        return ("县级数据中没有申请人领取城乡居民基本养老保险待遇的记录，申请人也未申报已领取："
                "须先领取基本养老保险待遇。")
    return None


def resident_pension_back_payment(facts: Facts) -> str | None:
    """The years to pay for must be a real range that has already begun."""
    first, last = facts.data.get("from_year"), facts.data.get("to_year")
    if first is None or last is None or first > last:
        return "补缴起止年度填写有误：起始年度不能晚于截止年度。"
    if last > facts.today.year:
        return f"补缴截止年度不能晚于今年（{facts.today.year}年）。"
    return None


RULES: dict[str, Callable[[Facts], str | None]] = {rule.__name__: rule for rule in (
    flexible_pension_enrolment, unemployment_benefit_claim, resident_pension_registration,
    resident_supplementary_registration, resident_pension_claim, resident_supplementary_claim,
    resident_pension_back_payment, employee_pension_suspension, resident_pension_suspension,
    benefit_qualification_certification,
)}


def check(session: Session, kind: str, id_number: str, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    """Return {"ok": …, "message": …}: whether the applicant may apply for this kind, and why not."""
    rule = RULES.get(kind)
    if rule is None:
        raise LookupError(f"no eligibility rule for {kind!r}; known: {', '.join(RULES)}")
    try:
        reason = rule(Facts(session, get_connector(session), id_number or "", data, today))
    except IdNumberError as exc:
        reason = f"无法根据身份证号码判断年龄：{exc}"
    return {"ok": reason is None, "message": reason or "符合办理条件。"}
