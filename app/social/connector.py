"""The one door to data that lives in the provincial system; the county's own tables answer by default.

Every method returns an `Answer`. A record is a dict: `kind` (a roster kind such as
"resident_pension_contribution", or "application:<kind>", "card_event", "certification",
"contribution"), `title` (Chinese), `origin` ("roster" or "county"), `source_note` (where it came from,
in Chinese), `data` (keyed like the roster columns of app.social.roster.KINDS, so rules read every
connector alike), `text` (one line for the clerk) and, on an imported row, `at` (when it was imported).
A connector to the provincial system must answer in the same shape; `use_connector` installs it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from app.social import queries
from app.social.applications import STATUSES, describe
from app.social.models import RosterRecord
from app.social.roster import KINDS as ROSTER_KINDS
from app.social.roster import roster_records
from engine.clock import CHINA

NO_RECORD = "县级数据中没有该人员的记录，请到省社保平台查询"
COUNTY_SOURCE = "沁水县县级数据"
CARD_EVENTS = {"activated": "已启用", "temporary_loss": "临时挂失", "formal_loss": "正式挂失",
               "released": "已解除挂失", "auto_released": "临时挂失满7天自动解挂"}
# What the card's social-insurance function is after each event.
CARD_STATES = {"activated": "已启用", "temporary_loss": "临时挂失", "formal_loss": "正式挂失",
               "released": "已解除挂失", "auto_released": "已解除挂失"}
PROVINCE_REJECTED = "省社保经办系统不予办理"
SCHEMES = {"basic": "城乡居民基本养老保险", "supplementary": "城乡居民补充养老保险"}


@dataclass(frozen=True)
class Answer:
    """What a connector knows about one person for one question."""

    found: bool
    records: list[dict[str, Any]] = field(default_factory=list)
    source: str = COUNTY_SOURCE
    message: str = NO_RECORD


class ProvincialConnector(Protocol):
    """Questions the service items ask about data held in the provincial system."""

    def employee_pension_contributions(self, id_number: str) -> Answer:
        """Return enterprise-employee pension participation and contributions."""

    def employee_pension_payments(self, id_number: str) -> Answer:
        """Return enterprise-employee pension payments (and why a payment failed)."""

    def unemployment_benefit_payments(self, id_number: str) -> Answer:
        """Return unemployment-benefit payments and claims."""

    def resident_pension_enrolment(self, id_number: str) -> Answer:
        """Return resident-pension (basic and supplementary) enrolment."""

    def resident_pension_contributions(self, id_number: str) -> Answer:
        """Return resident-pension contributions by year."""

    def resident_pension_payments(self, id_number: str) -> Answer:
        """Return resident-pension payments, claims and suspensions."""

    def card_status(self, id_number: str) -> Answer:
        """Return the social-security card's state, latest first."""

    def qualification_certifications(self, id_number: str) -> Answer:
        """Return benefit-qualification certifications, latest first."""

    def insurance_certificate(self, id_number: str) -> Answer:
        """Return the participation records a certificate of all insurances may state."""


def _day(moment) -> str:
    return moment.astimezone(CHINA).date().isoformat()


def _minute(moment) -> str:
    return f"{moment.astimezone(CHINA):%Y-%m-%d %H:%M}"


def _roster(row: RosterRecord) -> dict[str, Any]:
    kind = ROSTER_KINDS[row.kind]
    labels = {c.key: c.label for c in kind.columns}
    data = json.loads(row.fields)
    text = "；".join(f"{labels.get(k, k)}：{v}" for k, v in data.items() if k != "name")
    return {"kind": row.kind, "title": kind.label, "origin": "roster", "data": data, "text": text,
            "source_note": f"省社保平台导出名册 {row.source_file}，{_day(row.imported_at)}导入",
            "at": row.imported_at.isoformat()}


def _county(kind: str, title: str, data: dict[str, Any], text: str, point: str | None) -> dict[str, Any]:
    return {"kind": kind, "title": title, "origin": "county", "data": data, "text": text,
            "source_note": f"县级办理记录，{point}网点" if point else "县级办理记录"}


class CountyConnector:
    """Answer from what the county holds: records its processes made and the imported provincial roster."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _answer(self, records: list[dict[str, Any]], what: str) -> Answer:
        if not records:
            return Answer(False, [], COUNTY_SOURCE, NO_RECORD)
        imports = sorted({r["source_note"] for r in records if r["origin"] == "roster"})
        note = f"；省平台数据以导入时为准（{'；'.join(imports)}）" if imports else "；县级记录不含省平台的最新变化"
        return Answer(True, records, COUNTY_SOURCE, f"县级数据中查到{what}{len(records)}条{note}。")

    def _rosters(self, id_number: str, *kinds: str) -> list[dict[str, Any]]:
        return [_roster(r) for kind in kinds for r in roster_records(self.session, kind, id_number)]

    def _applications(self, id_number: str, *kinds: str) -> list[dict[str, Any]]:
        """Return the county's applications; one the province refused after the county approved counts as rejected."""
        rows = queries.applications_of(self.session, id_number, kinds)
        province = queries.province_results(self.session, [a.instance_id for a in rows])
        records = []
        for a in rows:
            status, text = a.status, describe(a)
            if province.get(a.instance_id) == "rejected":
                status, text = "rejected", f"{text}；省社保经办系统不予办理"
            label = PROVINCE_REJECTED if province.get(a.instance_id) == "rejected" else STATUSES[a.status]
            records.append(_county(f"application:{a.kind}", "县级受理的申请",
                                   {"status": status, "item_code": a.item_code, "submitted_on": _day(a.submitted_at),
                                    "status_label": label}, text, a.point_code))
        return records

    def employee_pension_contributions(self, id_number: str) -> Answer:
        """Return the imported contributions and the county's enrolment applications."""
        return self._answer(self._rosters(id_number, "employee_pension_contribution")
                            + self._applications(id_number, "flexible_pension_enrolment"), "企业职工养老保险记录")

    def employee_pension_payments(self, id_number: str) -> Answer:
        """Return the imported payments and the suspensions the county accepted."""
        return self._answer(self._rosters(id_number, "employee_pension_payment")
                            + self._applications(id_number, "employee_pension_suspension"), "企业职工养老待遇记录")

    def unemployment_benefit_payments(self, id_number: str) -> Answer:
        """Return the imported payments and the claims the county accepted."""
        return self._answer(self._rosters(id_number, "unemployment_benefit_payment")
                            + self._applications(id_number, "unemployment_benefit_claim"), "失业保险待遇记录")

    def resident_pension_enrolment(self, id_number: str) -> Answer:
        """Return the imported enrolment and the county's registrations and changes."""
        return self._answer(self._rosters(id_number, "resident_pension_enrolment") + self._applications(
            id_number, "resident_pension_registration", "resident_supplementary_registration",
            "resident_contribution_suspend_resume", "resident_pension_info_change",
            "resident_pension_back_payment"), "城乡居民养老保险参保记录")

    def resident_pension_contributions(self, id_number: str) -> Answer:
        """Return imported contributions and those collected at the county's demo points."""
        collected = [_county("contribution", "网点征缴记录",
                             {"year": str(c.year), "scheme": c.scheme, "amount": c.amount_yuan},
                             f"缴费年度：{c.year}；险种：{SCHEMES.get(c.scheme, c.scheme)}；"
                             f"缴费金额：{c.amount_yuan}元；收据号：{c.receipt_no}；收取日期：{_day(c.collected_at)}",
                             c.point_code)
                     for c in queries.contributions_of(self.session, id_number)]
        return self._answer(self._rosters(id_number, "resident_pension_contribution") + collected,
                            "城乡居民养老保险缴费记录")

    def resident_pension_payments(self, id_number: str) -> Answer:
        """Return imported payments and the county's claims and suspensions."""
        return self._answer(self._rosters(id_number, "resident_pension_payment") + self._applications(
            id_number, "resident_pension_claim", "resident_supplementary_claim", "resident_pension_suspension"),
            "城乡居民养老待遇记录")

    def card_status(self, id_number: str) -> Answer:
        """Return the county's card events (latest first: the current state) and the imported card status."""
        events = queries.card_events(self.session, id_number)
        records = [_county("card_event", "社保卡业务记录", {"event": e.kind, "at": e.at.isoformat()},
                           f"{CARD_EVENTS.get(e.kind, e.kind)}：{_minute(e.at)}", e.point_code) for e in events]
        answer = self._answer(records + self._rosters(id_number, "card_status"), "社会保障卡记录")
        if not events:
            return answer
        latest = events[0]
        state = (f"社会保障卡社保功能当前状态：{CARD_STATES.get(latest.kind, latest.kind)}"
                 f"（{_minute(latest.at)} {CARD_EVENTS.get(latest.kind, latest.kind)}）。")
        return Answer(True, answer.records, answer.source, state + answer.message)

    def qualification_certifications(self, id_number: str) -> Answer:
        """Return the certifications done at the county's points, latest first."""
        records = [_county("certification", "待遇领取资格认证",
                           {"certified_at": c.certified_at.isoformat(), "next_due_at": c.next_due_at.isoformat(),
                            "benefit_kind": c.benefit_kind},
                           f"认证日期：{_day(c.certified_at)}；下次认证截止：{_day(c.next_due_at)}", c.point_code)
                   for c in queries.certifications_of(self.session, id_number)]
        return self._answer(records, "资格认证记录")

    def insurance_certificate(self, id_number: str) -> Answer:
        """Return only imported participation records: a certificate states what the provincial system holds."""
        return self._answer(self._rosters(id_number, "insurance_participation", "resident_pension_enrolment"),
                            "参保记录")


ConnectorFactory = Callable[[Session], ProvincialConnector]
_factory: ConnectorFactory = CountyConnector


def use_connector(factory: ConnectorFactory) -> ConnectorFactory:
    """Install the connector the operators use (e.g. one to the provincial system); return the previous one."""
    global _factory
    previous, _factory = _factory, factory
    return previous


def get_connector(session: Session) -> ProvincialConnector:
    """Return the configured connector, bound to the case's session."""
    return _factory(session)


def format_answer(answer: Answer, title: str) -> str:
    """Say an answer as the text a clerk shows the applicant, under a section title."""
    lines = [f"〔{title}〕来源：{answer.source}", answer.message]
    lines += [f"{n}. 【{r['title']}】{r['text']}（{r['source_note']}）" for n, r in enumerate(answer.records, 1)]
    return "\n".join(lines)
