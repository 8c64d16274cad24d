"""Applications a point accepts and forwards: which kinds exist, what they keep, and how they are recorded."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.social.models import SocialApplication
from engine.audit import last_completer
from engine.clock import CHINA
from engine.models import ProcessInstance

STATUSES = {"submitted": "已受理并报送", "approved": "审核通过", "rejected": "不予办理"}


@dataclass(frozen=True)
class Kind:
    """One kind of application: its item, its name in messages and the accept-form answers it keeps."""

    kind: str
    item_code: str
    label: str
    fields: tuple[str, ...]
    # Task-data keys of the person concerned when that is not the applicant (a deceased pensioner's relative applies).
    subject: tuple[str, str] | None = None

    @property
    def review_task(self) -> str:
        """Return the BPMN id of the county review task of this kind's process."""
        prefix = f"demo{self.item_code[1:]}" if self.item_code.startswith("D") else f"item{int(self.item_code):02d}"
        return f"{prefix}_review"


def _k(kind: str, code: str, label: str, *fields: str, subject: tuple[str, str] | None = None) -> Kind:
    return Kind(kind, code, label, fields, subject)


KINDS = {k.kind: k for k in (
    _k("flexible_pension_enrolment", "20", "灵活就业人员参保登记", "employment_form", "contribution_base_level",
       "hukou_kind", "residence_address", "contact_phone", "start_date"),
    _k("skill_upgrade_subsidy", "22", "技能提升补贴申领", "insured_status", "certificate_kind", "certificate_name",
       "certificate_number", "certificate_level", "certificate_issued_on", "contact_phone"),
    _k("unemployment_benefit_claim", "23", "失业保险金申领", "last_employer", "separation_date", "separation_reason",
       "insured_one_year", "seeks_work", "contact_phone"),
    _k("employee_pension_suspension", "24", "企业职工基本养老保险待遇暂停", "suspension_reason", "event_date",
       "reporter_relation", "contact_phone", "suspension_note",
       subject=("pensioner_id_number", "pensioner_name")),
    _k("resident_pension_registration", "28", "城乡居民基本养老保险登记", "is_student", "has_other_pension",
       "hukou_address", "contact_phone"),
    _k("resident_supplementary_registration", "29", "城乡居民补充养老保险参保登记", "basic_enrolled_declared",
       "hukou_address", "contact_phone"),
    _k("resident_pension_info_change", "30", "城乡居民基本养老保险信息变更", "changes", "new_gender",
       "new_ethnicity", "new_address", "new_phone", "change_note"),
    _k("resident_contribution_suspend_resume", "31", "城乡居民基本养老保险暂停/恢复缴费", "contribution_action",
       "contribution_reason", "effective_date", "contact_phone"),
    _k("resident_pension_back_payment", "32", "城乡居民养老保险补缴申报", "back_payment_scheme",
       "back_payment_case", "from_year", "to_year", "contact_phone"),
    _k("resident_pension_claim", "34", "城乡居民基本养老保险待遇申领", "paid_years", "has_other_pension",
       "payout_account", "contact_phone"),
    _k("resident_supplementary_claim", "35", "城乡居民补充养老保险待遇申领", "drawing_basic", "contact_phone"),
    _k("resident_pension_suspension", "37", "城乡居民养老保险暂停待遇", "suspension_reason", "event_date",
       "reporter_relation", "contact_phone", "suspension_note",
       subject=("pensioner_id_number", "pensioner_name")),
    _k("face_remodelling", "D2", "资格认证重新建模", "remodel_reason", "device_number", "model_collected",
       "remodel_note"),
    _k("benefit_declaration", "D4", "待遇申报", "declared_benefit", "declaration_detail", "contact_phone"),
)}


def kind_of(kind: str) -> Kind:
    """Return a kind by its id; an unknown id is a mistake in a process file."""
    try:
        return KINDS[kind]
    except KeyError:
        raise LookupError(f"unknown social application kind {kind!r}; known: {', '.join(KINDS)}") from None


def _message(spec: Kind, status: str, opinion: str, reviewed: bool, case_no: str) -> str:
    if status == "submitted":
        return f"您的{spec.label}已受理，并已报送省社保经办系统办理（案件编号 {case_no}）。"
    if status == "approved":
        return f"您的{spec.label}申请已经县级审核通过，并已报送省社保经办系统办理（案件编号 {case_no}）。"
    if reviewed:
        return f"您的{spec.label}申请未通过审核。理由：{opinion}"
    return f"您的{spec.label}申请不符合办理条件，不予受理。理由：{opinion}"


def record_application(session: Session, instance: ProcessInstance, data: Mapping[str, Any], *, kind: str,
                       status: str, opinion: str | None, now: datetime) -> tuple[SocialApplication, str]:
    """Record an application with its outcome; return the row and the sentence to tell the applicant."""
    spec = kind_of(kind)
    if status not in STATUSES:
        raise ValueError(f"unknown application status {status!r}")
    reviewer = last_completer(session, instance.id, {spec.review_task}) if status != "submitted" else None
    if status == "rejected" and not (opinion or "").strip():
        raise ValueError("a rejected application needs its reason")
    id_number, name = instance.applicant_id_number, instance.applicant_name
    if spec.subject:
        id_number, name = data.get(spec.subject[0]) or id_number, data.get(spec.subject[1]) or name
    row = SocialApplication(
        kind=kind, item_code=spec.item_code, id_number=id_number, name=name,
        applicant_id_number=instance.applicant_id_number,
        data=json.dumps({f: data.get(f) for f in spec.fields}, ensure_ascii=False, default=str),
        status=status, opinion=(opinion or "").strip() or None, reviewer=reviewer,
        instance_id=instance.id, point_code=instance.point_code, town_code=instance.town_code,
        submitted_at=now, decided_at=None if status == "submitted" else now,
    )
    session.add(row)
    session.flush()
    return row, _message(spec, status, row.opinion or "", reviewer is not None, instance.case_no or "")


def describe(row: SocialApplication) -> str:
    """Say an application in one line for a query result."""
    spec = KINDS.get(row.kind)
    label = spec.label if spec else row.kind
    when = row.submitted_at.astimezone(CHINA).date().isoformat()
    text = f"{label}：{when}受理，状态：{STATUSES.get(row.status, row.status)}"
    return text + (f"（{row.opinion}）" if row.opinion else "")
