"""Eligibility rules of the applications (DOMAIN.md, 附件1), checked on what the county can see.

A rule reads the applicant's age from the ID number, the connector's records and the facts the applicant
declared on the accept form. A refusal is an ordinary answer with a Chinese reason, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.employment import training
from app.employment.models import UnemploymentRegistration
from app.employment.registrations import active_registration, latest_registration
from app.social import queries, standing
from app.social.connector import Answer, ProvincialConnector, get_connector
from engine.clock import CHINA
from engine.idcard import IdNumberError, age_on

UNEMPLOYMENT_REGISTRATION_ITEM = "11"
UNEMPLOYMENT_BENEFIT_ITEM = "23"
# Why an unemployment registration ended (app.employment.registrations), as the applicant is told.
REGISTRATION_ENDED = {"employed": "已办理灵活就业登记", "re_registered": "已重新登记", "unemployed": "已重新登记"}
ENDED = ("终止", "注销")  # provincial enrolment states that mean the person is no longer enrolled


@dataclass(frozen=True)
class Facts:
    """What a rule may look at."""

    session: Session
    connector: ProvincialConnector
    id_number: str
    data: Mapping[str, Any]
    today: date

    @property
    def age(self) -> int:
        """Return the applicant's age in full years today."""
        return age_on(self.id_number, self.today)


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


def unemployment_registration(session: Session, id_number: str) -> str | None:
    """Require an approved unemployment registration (item 11) that is still active in the county's records."""
    if active_registration(session, UnemploymentRegistration, id_number) is not None:
        return None
    ended = latest_registration(session, UnemploymentRegistration, id_number)
    if ended is not None:
        day = ended.ended_at.astimezone(CHINA).date().isoformat() if ended.ended_at else ""
        why = REGISTRATION_ENDED.get(ended.ended_reason or "", "已终止")
        return (f"县级记录显示申请人的失业登记已于{day}终止（{why}），不能申领失业保险金；"
                "如再次失业，请先重新办理失业登记（事项11）。")
    if queries.completed_cases(session, UNEMPLOYMENT_REGISTRATION_ITEM, id_number):
        # A finished item-11 case that left no registration was not approved (rejected or withdrawn).
        return ("县级记录显示申请人的失业登记未经县局审核通过，不能申领失业保险金；"
                "请先重新办理失业登记（事项11）。")
    return "未查到申请人经审核通过的失业登记，请先办理失业登记（事项11），审核通过后再申领失业保险金。"


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


def _employee_pension(facts: Facts, id_number: str, whose: str, action: str) -> str | None:
    """Refuse when the records show the employee pension already suspended or ended."""
    shown = standing.pension(facts.connector.employee_pension_payments(id_number), "employee_pension_payment",
                             "employee_pension_suspension")
    if shown.state == "suspended":
        return (f"县级记录显示{whose}的企业职工基本养老保险待遇已暂停（{shown.shown_by}），{action}；"
                "如已恢复发放，请携带恢复发放的凭证到县社保中心核实。")
    if shown.state == "ended":
        return f"县级记录显示{whose}的企业职工基本养老保险待遇已终止（{shown.shown_by}），{action}。"
    return None


def _resident_pension(facts: Facts, id_number: str, whose: str, action: str) -> str | None:
    """Refuse when the person cannot draw the resident pension (under 60) or the records show they do not."""
    try:
        age = age_on(id_number, facts.today)
    except IdNumberError:
        age = None  # the form already checked the number; an unreadable birth date decides nothing here
    if age is not None and age < 60:
        return (f"{whose}未满60周岁（现{age}周岁），不能领取城乡居民基本养老保险待遇，{action}；"
                "请核对待遇领取人身份证号码。")
    shown = standing.pension(facts.connector.resident_pension_payments(id_number), "resident_pension_payment",
                             "resident_pension_suspension", "resident_pension_claim")
    if shown.state == "suspended":
        return f"县级记录显示{whose}的城乡居民养老保险待遇已暂停（{shown.shown_by}），{action}。"
    if shown.state == "ended":
        return f"县级记录显示{whose}的城乡居民养老保险待遇已终止（{shown.shown_by}），{action}。"
    if shown.state == "refused":
        return (f"县级记录显示{whose}没有领取城乡居民养老保险待遇（{shown.shown_by}），{action}；"
                "符合条件的，请先办理城乡居民基本养老保险待遇申领（事项34）。")
    return None


def _pensioner(facts: Facts) -> tuple[str, str]:
    """Return the ID number and name of the pensioner a suspension is about (a relative may apply)."""
    return (facts.data.get("pensioner_id_number") or facts.id_number,
            f"待遇领取人{facts.data.get('pensioner_name') or ''}")


def employee_pension_suspension(facts: Facts) -> str | None:
    """Item 24: the pensioner's employee pension must not already be suspended or ended in the records.

    The county holds employee pension payments only as exports of the provincial system for some people, so a
    pensioner with no record there is let through: the clerk checks the papers and the province decides.
    """
    return _employee_pension(facts, *_pensioner(facts), "无需申请暂停")


def resident_pension_suspension(facts: Facts) -> str | None:
    """Item 37: the pensioner must be 60 or more and not shown suspended, ended or refused the resident pension.

    A pensioner with no payment or claim record is let through: the county holds only some people's exports.
    """
    return _resident_pension(facts, *_pensioner(facts), "无需申请暂停")


def benefit_qualification_certification(facts: Facts) -> str | None:
    """Item 21: the benefit to be certified must not be shown suspended, ended or refused in the records.

    Only the employee and resident pensions are in the county's records; work-injury, survivor and other
    benefits are certified on the papers alone, and so is a pension with no record of this person.
    """
    kind = facts.data.get("benefit_kind")
    if kind == "employee_pension":
        return _employee_pension(facts, facts.id_number, "申请人", "无需进行资格认证")
    if kind == "resident_pension":
        return _resident_pension(facts, facts.id_number, "申请人", "无需进行资格认证")
    return None


RULES: dict[str, Callable[[Facts], str | None]] = {rule.__name__: rule for rule in (
    flexible_pension_enrolment, unemployment_benefit_claim, resident_pension_registration,
    resident_supplementary_registration, resident_pension_claim, resident_supplementary_claim,
    resident_pension_back_payment, employee_pension_suspension, resident_pension_suspension,
    benefit_qualification_certification,
)}


def _resident_enrolment(action: str) -> Callable[[Facts], str | None]:
    def rule(facts: Facts) -> str | None:
        """Items 30 and 31: refuse when the records show the basic resident enrolment ended or refused.

        A person with no enrolment record is let through: the county holds the provincial enrolment only as
        exports for some people, so the clerk checks the 参保 papers instead.
        """
        shown = standing.enrolment(facts.connector.resident_pension_enrolment(facts.id_number))
        if shown.state == "ended":
            return (f"县级记录显示申请人的城乡居民基本养老保险已终止参保（{shown.shown_by}），不能{action}；"
                    "如需重新参保，请先办理城乡居民基本养老保险登记（事项28）。")
        if shown.state == "refused":
            return (f"县级记录显示申请人未参加城乡居民基本养老保险（{shown.shown_by}），不能{action}；"
                    "请先办理城乡居民基本养老保险登记（事项28）。")
        return None
    return rule


def card_activation(facts: Facts) -> str | None:
    """Item 38: only a card that is not active, lost or cancelled may be activated.

    A card with no record (issued by the bank, never imported) is let through: the clerk checks the card itself.
    """
    shown = standing.card(facts.connector.card_status(facts.id_number))
    if shown.state == "active":
        return f"县级记录显示申请人的社会保障卡社保功能已启用（{shown.shown_by}），无需重复办理。"
    if shown.state == "lost":
        return (f"县级记录显示申请人的社会保障卡已挂失（{shown.shown_by}）；"
                "请先办理解除挂失（事项40），卡已遗失的请补办新卡。")
    if shown.state == "cancelled":
        return f"县级记录显示申请人的社会保障卡已注销（{shown.shown_by}），不能启用，请到社会保障卡服务网点补换新卡。"
    return None


def card_loss(facts: Facts) -> str | None:
    """Item 40: loss reports are for an active card and release for a lost one; refuse a never-activated or
    cancelled card. Which of the two applies is chosen at the accept step (app.social.cards checks it there).

    A card with no record is let through: the clerk checks the card or the applicant's account of it.
    """
    shown = standing.card(facts.connector.card_status(facts.id_number))
    if shown.state == "inactive":
        return (f"县级记录显示申请人的社会保障卡尚未启用（{shown.shown_by}），不能挂失或解挂；"
                "请先办理社会保障卡启用（事项38），卡已遗失的请到社会保障卡服务网点补办。")
    if shown.state == "cancelled":
        return (f"县级记录显示申请人的社会保障卡已注销（{shown.shown_by}），不能挂失或解挂，"
                "请到社会保障卡服务网点补换新卡。")
    return None


def _training(item_code: str) -> Callable[[Facts], str | None]:
    def rule(facts: Facts) -> str | None:
        """Items 17-19: the county's own training-intention records decide (see app.employment.training)."""
        return training.start_refusal(facts.session, item_code, facts.id_number)
    return rule


def _unemployment_registration(facts: Facts) -> str | None:
    return unemployment_registration(facts.session, facts.id_number)


# Items the applicant's own records decide before a case may start: the item's code and the rule. Items 21, 24
# and 37 are decided after the accept form (RULES): the benefit, or the pensioner a relative reports, is named
# there, not at the start.
START_RULES: dict[str, Callable[[Facts], str | None]] = {
    "17": _training("17"),
    "18": _training("18"),
    "19": _training("19"),
    UNEMPLOYMENT_BENEFIT_ITEM: _unemployment_registration,
    "30": _resident_enrolment("办理参保信息变更"),
    "31": _resident_enrolment("办理暂停或恢复缴费"),
    "38": card_activation,
    "40": card_loss,
}


def start_refusal(session: Session, item_code: str, id_number: str, today: date) -> str | None:
    """Return why the county's records refuse starting this item for this person, or None."""
    rule = START_RULES.get(item_code)
    if rule is None:
        return None
    return rule(Facts(session, get_connector(session), id_number, {}, today))


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
