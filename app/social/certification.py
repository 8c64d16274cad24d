"""Benefit-qualification certification (item 21): record it and when the next one is due."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.social.models import SsCertification
from engine.audit import last_completer
from engine.clock import CHINA, china_iso
from engine.models import ProcessInstance
from engine.script_env import build_helpers, parse_moment

REVIEW_TASK = "item21_review"
BENEFITS = {
    "employee_pension": "企业职工基本养老保险待遇",
    "resident_pension": "城乡居民基本养老保险待遇",
    "work_injury": "工伤保险定期待遇",
    "survivor": "供养亲属抚恤金",
    "other": "其他按月领取的社会保险待遇",
}
# The same month arithmetic as the BPMN helper, so the record and the reminder timer agree to the day.
_months_after = build_helpers(lambda: None, lambda: None)["months_after"]


def _day(moment: datetime) -> str:
    return f"{moment.astimezone(CHINA):%Y年%m月%d日}"


def record_certification(session: Session, instance: ProcessInstance, now: datetime, *, approved: bool,
                         benefit_kind: str, opinion: str | None, valid_months: int) -> dict[str, Any]:
    """Record an approved certification valid `valid_months`; say the result either way."""
    if not approved:
        if not (opinion or "").strip():
            raise ValueError("a refused certification needs its reason")
        return {"certified": False, "certified_at": None, "next_due_at": None,
                "message": f"您的社会保险待遇领取资格认证未通过审核。理由：{opinion.strip()}"}
    if benefit_kind not in BENEFITS:
        raise ValueError(f"unknown benefit kind {benefit_kind!r}")
    next_due = parse_moment(_months_after(china_iso(now), valid_months))
    session.add(SsCertification(
        id_number=instance.applicant_id_number, name=instance.applicant_name, benefit_kind=benefit_kind,
        certified_at=now, next_due_at=next_due, reviewer=last_completer(session, instance.id, {REVIEW_TASK}),
        instance_id=instance.id, point_code=instance.point_code, town_code=instance.town_code,
    ))
    session.flush()
    return {"certified": True, "certified_at": china_iso(now), "next_due_at": china_iso(next_due),
            "message": f"您的{BENEFITS[benefit_kind]}领取资格认证已通过（{_day(now)}），"
                       f"请于{_day(next_due)}前完成下一次认证。"}
