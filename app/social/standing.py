"""What a person's records show: whether a pension is being drawn, an enrolment is current, a card is usable.

Each function reads one connector answer (app.social.connector) and says the state with the record that shows
it, in Chinese. "none" means the records of that kind say nothing about the person: the county holds only
exports of the provincial system for some people and its own cases, so a missing record proves nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.social.connector import Answer

SUSPENDED = ("暂停", "停发", "中止")
ENDED = ("终止", "注销", "死亡")
# Words of an imported card status, checked in this order ("解除挂失" before "挂失", "未启用" before "启用").
CARD_WORDS = (("解除挂失", "active"), ("解挂", "active"), ("挂失", "lost"), ("注销", "cancelled"),
              ("作废", "cancelled"), ("未启用", "inactive"), ("待启用", "inactive"), ("未激活", "inactive"),
              ("制卡", "inactive"), ("正常", "active"), ("启用", "active"), ("激活", "active"))
CARD_EVENT_STATES = {"activated": "active", "released": "active", "auto_released": "active",
                     "temporary_loss": "lost", "formal_loss": "lost"}


@dataclass(frozen=True)
class Standing:
    """A state and the record that shows it (what, when and where from, with no brackets, for a message)."""

    state: str
    shown_by: str = ""


def _month(text: str | None) -> tuple[int, int] | None:
    """Read a pay month written as 2026-10, 202610, 2026年10月 or a date."""
    digits = re.findall(r"\d+", text or "")
    if len(digits) == 1 and len(digits[0]) >= 6:
        return int(digits[0][:4]), int(digits[0][4:6])
    if len(digits) >= 2 and len(digits[0]) == 4:
        return int(digits[0]), int(digits[1])
    return None


def _has(text: Any, words: tuple[str, ...]) -> bool:
    return any(word in str(text or "") for word in words)


def pension(answer: Answer, payment: str, suspension: str, claim: str | None = None) -> Standing:
    """Say whether the person draws the pension: drawing, suspended, ended, refused (claim not granted) or none.

    `payment` is the roster kind of the payments, `suspension` and `claim` the application kinds of the county's
    suspension and claim items. A payment month after an accepted suspension means the pension was resumed.
    """
    paid = sorted((r for r in answer.records if r["kind"] == payment and _month(r["data"].get("period"))),
                  key=lambda r: _month(r["data"]["period"]))
    suspended = [r for r in answer.records if r["kind"] == f"application:{suspension}"
                 and r["data"].get("status") != "rejected"]
    if suspended and not (paid and _month(paid[-1]["data"]["period"]) > _month(suspended[0]["data"]["submitted_on"])):
        last = suspended[0]
        return Standing("suspended", f"{last['data']['submitted_on']}受理暂停待遇申请，"
                                     f"{last['data']['status_label']}，{last['source_note']}")
    if paid:
        last = paid[-1]["data"]
        where = f"，{paid[-1]['source_note']}"
        if _has(last.get("status"), ENDED):
            return Standing("ended", f"{last['period']}发放状态为“{last['status']}”{where}")
        if _has(last.get("status"), SUSPENDED):
            return Standing("suspended", f"{last['period']}发放状态为“{last['status']}”{where}")
        return Standing("drawing", f"{last['period']}有待遇发放记录{where}")
    claims = [r for r in answer.records if claim and r["kind"] == f"application:{claim}"]
    if any(r["data"].get("status") != "rejected" for r in claims):
        return Standing("drawing", "")
    if claims:
        last = claims[0]
        return Standing("refused", f"{last['data']['submitted_on']}受理的待遇申领结果为"
                                   f"“{last['data']['status_label']}”，{last['source_note']}")
    return Standing("none")


def enrolment(answer: Answer) -> Standing:
    """Say whether the person is enrolled in the basic resident pension: enrolled, ended, refused or none."""
    rows = [r for r in answer.records if r["kind"] == "resident_pension_enrolment"
            and "补充" not in str(r["data"].get("scheme", ""))]
    registrations = [r for r in answer.records if r["kind"] == "application:resident_pension_registration"]
    if any(r["data"].get("status") != "rejected" for r in registrations) or \
            any(not _has(r["data"].get("status"), ENDED) for r in rows):
        return Standing("enrolled")
    if rows:
        last = rows[-1]
        return Standing("ended", f"参保状态为“{last['data']['status']}”，{last['source_note']}")
    if registrations:
        last = registrations[0]
        return Standing("refused", f"{last['data']['submitted_on']}受理的参保登记结果为"
                                   f"“{last['data']['status_label']}”，{last['source_note']}")
    return Standing("none")


def _card_roster_state(status: str) -> str:
    for word, state in CARD_WORDS:
        if word in status:
            return state
    return "unknown"


def card(answer: Answer) -> Standing:
    """Say the card's state from its latest record: active, lost, inactive, cancelled, unknown or none."""
    dated = []
    for r in answer.records:
        if r["kind"] == "card_event":
            kind = r["data"]["event"]
            label, _, when = r["text"].partition("：")
            dated.append((r["data"]["at"], CARD_EVENT_STATES.get(kind, "unknown"),
                          f"{when}{label}，{r['source_note']}"))
        elif r["kind"] == "card_status":
            status = str(r["data"].get("status", ""))
            dated.append((r.get("at", ""), _card_roster_state(status), f"卡状态为“{status}”，{r['source_note']}"))
    if not dated:
        return Standing("none")
    _, state, shown_by = max(dated, key=lambda d: d[0])
    return Standing(state, shown_by)
