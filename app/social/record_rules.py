"""Eligibility decided by what the county's own records show of a person, not by what the person declares.

Most rules here run before a case may start (START_RULES); the suspension and certification rules (items 21, 24,
37) run after the accept form names the pensioner or the benefit (app.social.eligibility.RULES). Where the county
holds no record of the kind for this person the rule lets the case through: the county keeps only some people's
provincial exports, so a missing record proves nothing and the clerk checks the papers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from app.employment import training
from app.employment.models import UnemploymentRegistration
from app.employment.registrations import active_registration, latest_registration
from app.social import queries, standing
from app.social.connector import get_connector
from app.social.facts import Facts
from engine.clock import CHINA
from engine.idcard import IdNumberError, age_on

UNEMPLOYMENT_REGISTRATION_ITEM = "11"
UNEMPLOYMENT_BENEFIT_ITEM = "23"
# Why an unemployment registration ended (app.employment.registrations), as the applicant is told.
REGISTRATION_ENDED = {"employed": "已办理灵活就业登记", "re_registered": "已重新登记", "unemployed": "已重新登记"}


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
