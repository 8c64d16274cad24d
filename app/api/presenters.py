"""Turn rows into the plain dicts the API's schemas dump; ID numbers leave here masked."""

from __future__ import annotations

import json
from typing import Any

from app.auth.roles import role_label
from app.cases.starting import MODES
from app.catalog import Item
from app.employment.common import mask_name
from app.employment.models import JobPosting, JobSeeker
from app.employment.vocab import JOB_TYPES, KINDS, PAY_UNITS, TOWNS, label, labels
from app.filters import ACTIONS, CASE_STATUS, case_title
from app.kiosk import selfservice
from app.kiosk.selfservice import Shown, Step
from engine.forms import FormDefinition, form_fields_for_render, json_schema
from engine.idcard import mask_id_number
from engine.models import AuditEvent, InboxTask, ProcessInstance


def masked(number: str | None) -> str:
    """Mask an ID number (前3后4); empty when there is none."""
    return mask_id_number(number) if number else ""


def item(entry: Item, self_service: bool) -> dict[str, Any]:
    """Describe a catalog item."""
    return {"code": entry.code, "name": entry.name, "category": entry.category,
            "business_type": entry.business_type, "content": entry.content, "target": entry.target,
            "channels": list(entry.channels), "materials": list(entry.materials), "limit_days": entry.limit_days,
            "limit_label": entry.limit_label, "demo_only": entry.demo_only, "self_service": self_service}


def case_brief(row: ProcessInstance) -> dict[str, Any]:
    """Describe a case in a list."""
    return {"id": row.id, "case_no": row.case_no, "title": case_title(row), "item_code": row.item_code,
            "status": row.status, "status_label": CASE_STATUS.get(row.status, row.status),
            "accepted_at": row.accepted_at, "completed_at": row.completed_at}


def task_brief(task: InboxTask, channel: str) -> dict[str, Any]:
    """Describe an open step."""
    return {"task_id": task.task_id, "bpmn_id": task.bpmn_id, "title": task.title,
            "candidate_role": task.candidate_role, "role_label": role_label(task.candidate_role),
            "assignee": task.assignee, "due_at": task.due_at,
            "for_citizen": channel == "kiosk" and task.bpmn_id in selfservice.CITIZEN_TASKS}


def case(row: ProcessInstance, tasks: list[InboxTask], step: Step, results: list[Shown]) -> dict[str, Any]:
    """Describe a case's status, open steps, next step for a kiosk citizen, and results told so far."""
    return {**case_brief(row), "process_id": row.process_id, "channel": row.channel,
            "channel_label": MODES.get(row.channel, (row.channel,))[0], "point_code": row.point_code,
            "town_code": row.town_code, "applicant_name": row.applicant_name,
            "applicant_id_masked": masked(row.applicant_id_number), "due_at": row.due_at,
            "due_provisional": bool(row.due_provisional), "overdue": bool(row.overdue),
            "lock_version": row.lock_version, "open_tasks": [task_brief(t, row.channel) for t in tasks],
            "next_step": {"kind": step.kind, "task_id": step.task_id, "title": step.title},
            "results": [{"title": r.title, "lines": [{"label": k, "text": v} for k, v in r.lines]}
                        for r in results]}


def _who(actor: str, for_citizen: bool) -> str:
    """Name who acted; a citizen sees roles, not staff usernames."""
    if not for_citizen:
        return actor
    if actor.startswith("kiosk:"):
        return "自助机"
    return "系统" if actor.startswith("system") else "工作人员"


def history(event: AuditEvent, forms, for_citizen: bool) -> dict[str, Any]:
    """Describe one history event."""
    try:
        detail = json.loads(event.detail or "{}")
    except ValueError:
        detail = {}
    form = forms.get(detail.get("bpmn_id", "")) if isinstance(detail, dict) else None
    return {"at": event.at, "action": event.action, "action_label": ACTIONS.get(event.action, event.action),
            "step": form.title if form else "", "actor": _who(event.actor, for_citizen)}


def task(inbox: InboxTask, form: FormDefinition | None, data: dict[str, Any], lock_version: int,
         mask_ids: bool) -> dict[str, Any]:
    """Describe an open task with its form; a kiosk sees ID numbers in read-only fields masked."""
    fields = []
    for f in form_fields_for_render(form, data) if form else []:
        shown = f.display
        if f.readonly and mask_ids and f.type in ("id_number", "ss_card", "text") and _looks_like_id(shown):
            shown = masked(shown)
        fields.append({"name": f.name, "label": f.label, "type": f.type, "widget": f.widget,
                       "required": f.required, "readonly": f.readonly, "display": shown, "help": f.help,
                       "choices": [{"value": c.value, "label": c.label} for c in f.choices]})
    return {"task_id": inbox.task_id, "case_id": inbox.instance_id, "bpmn_id": inbox.bpmn_id, "title": inbox.title,
            "description": form.description if form else None, "lock_version": lock_version, "fields_": fields,
            "json_schema": json_schema(form, data) if form else {"type": "object"}}


def _looks_like_id(text: str) -> bool:
    return len(text) == 18 and text[:17].isdigit()


def inbox_task(task_row: InboxTask, row: ProcessInstance) -> dict[str, Any]:
    """Describe an inbox row with its case."""
    return {**task_brief(task_row, row.channel), "point_code": task_row.point_code, "town_code": task_row.town_code,
            "created_at": task_row.created_at, "overdue": bool(task_row.overdue),
            "case": {**case_brief(row), "applicant_name": row.applicant_name,
                     "applicant_id_masked": masked(row.applicant_id_number)}}


def posting(row: JobPosting) -> dict[str, Any]:
    """Describe a posting with the contact its employer published."""
    return {"id": row.id, "kind": row.kind, "kind_label": KINDS[row.kind], "employer_name": row.employer_name,
            "contact_phone": row.contact_phone, "job_type": row.job_type,
            "job_type_label": label(JOB_TYPES, row.job_type),
            "work_town": row.work_town, "work_town_label": label(TOWNS, row.work_town), "pay": row.pay,
            "pay_unit": PAY_UNITS[row.kind], "headcount": row.headcount, "description": row.description or "",
            "date_from": row.date_from, "date_to": row.date_to}


def seeker(row: JobSeeker) -> dict[str, Any]:
    """Describe a seeker without contact details: surname only, no phone, no ID number."""
    return {"id": row.id, "kind": row.kind, "kind_label": KINDS[row.kind], "name_masked": mask_name(row.name),
            "job_types": list(row.job_types), "job_type_labels": labels(JOB_TYPES, row.job_types),
            "towns": list(row.towns), "town_labels": labels(TOWNS, row.towns) or "不限", "min_pay": row.min_pay,
            "pay_unit": PAY_UNITS[row.kind], "available_from": row.available_from,
            "available_to": row.available_to, "note": row.note or ""}
