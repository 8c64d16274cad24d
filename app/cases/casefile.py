"""The case file (案卷) every task page and the case page show: who applied, what each step captured, the
materials, the decisions with their opinions, and the case's documents and attachments.

Built from the case's data, its audit trail and the form definitions, so values show under their form labels
and choices by their labels, never as raw codes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.catalog import Item
from engine.forms import FormDefinition, display_value
from engine.models import AuditEvent

EMPTY = (None, "", [], ())
# Cases filed from a form before they start (not from a task): the form their start data comes from.
START_FORMS = {"fault_report": "fault_file", "account_request": "account_request"}
APPLICANT = ("applicant_name", "applicant_id_number")  # shown once, under 申请人


@dataclass(frozen=True)
class Entry:
    """One captured value under its form label."""

    label: str
    text: str


@dataclass(frozen=True)
class Step:
    """What one step's form captured, and who last did it when."""

    bpmn_id: str
    title: str
    actor: str
    at: datetime
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Decision:
    """A decision taken at a step: who, when, the decision's label and the opinion given."""

    title: str
    actor: str
    at: datetime
    decision: str
    opinion: str


@dataclass(frozen=True)
class Material:
    """A required material and whether the clerk received it (None: not yet checked)."""

    name: str
    received: bool | None


@dataclass(frozen=True)
class Document:
    """A document of the case to open or download: its name and the endpoint with arguments."""

    name: str
    endpoint: str
    args: Mapping[str, Any]


@dataclass(frozen=True)
class Handoff:
    """One application handed to the provincial system: how its sending stands, when its result is due, the result."""

    key: str
    waiting: bool  # handed over and no result yet: the case waits for the province
    handed_at: datetime  # when the case put it in the outbox
    sent_at: datetime | None  # when the province took it (HTTP) or it was exported in a batch (file exchange)
    state: str
    due_at: datetime | None
    limit: str  # the item's time limit, as the county says it
    result: str
    result_note: str
    result_at: datetime | None


RESULT_LABELS = {"approved": "通过", "rejected": "不予通过"}


def _sending_state(row: Any) -> str:
    """Say where the sending stands: queued, retrying, delivered, or a dead letter with its attempts."""
    error = f"，上次失败：{row.last_error}" if row.last_error else ""
    if row.status == "pending" and not row.attempts:
        return "待发送（已排队）"
    if row.status == "pending":
        return f"发送中：已尝试 {row.attempts} 次{error}"
    if row.status == "dead":
        return f"报送失败（死信）：已尝试 {row.attempts} 次{error}。督导可在“省级报送”页面重新报送"
    if row.status == "sent":
        return f"已送达省级经办系统（发送 {row.attempts} 次）"
    return "已收到办理结果"


def handoff(row: Any, due_at: datetime | None, limit: str = "") -> Handoff:
    """Describe one outbox row (app.province.models.ProvinceOutbox) of a case due at `due_at` (its time limit)."""
    return Handoff(key=row.idempotency_key, waiting=row.status != "acknowledged", handed_at=row.created_at,
                   sent_at=row.sent_at, state=_sending_state(row), due_at=due_at, limit=limit,
                   result=RESULT_LABELS.get(row.result_status or "", ""), result_note=row.result_note or "",
                   result_at=row.result_at)


@dataclass(frozen=True)
class CaseFile:
    """Everything the case holds so far, ready to show."""

    applicant_name: str
    applicant_id_number: str
    ss_card_number: str
    steps: tuple[Step, ...]
    materials: tuple[Material, ...]
    other_missing: str
    decisions: tuple[Decision, ...]
    documents: tuple[Document, ...]
    handoffs: tuple[Handoff, ...] = ()


def _completions(history: Iterable[AuditEvent]) -> list[tuple[AuditEvent, dict[str, Any]]]:
    return [(e, json.loads(e.detail or "{}")) for e in history if e.action == "complete_task"]


def _steps(completions: list[tuple[AuditEvent, dict[str, Any]]], forms: Mapping[str, FormDefinition],
           data: Mapping[str, Any]) -> tuple[Step, ...]:
    """Group the captured values by the step that captured them, in the order steps were first done."""
    last: dict[str, AuditEvent] = {}
    for event, detail in completions:
        last[detail.get("bpmn_id", "")] = event  # the values are the last submission's, so is the stamp
    steps = []
    for bpmn_id, event in sorted(last.items(), key=lambda pair: _first(completions, pair[0])):
        form = forms.get(bpmn_id)
        if form is None:
            continue
        entries = tuple(Entry(f.label, display_value(f, data.get(f.name), data)) for f in form.input_fields
                        if data.get(f.name) not in EMPTY)
        if entries:
            steps.append(Step(bpmn_id, form.title, event.actor, event.at, entries))
    return tuple(steps)


def _start_step(history: Sequence[AuditEvent], form: FormDefinition | None, data: Mapping[str, Any]) -> list[Step]:
    """Show what the form the case was filed with captured, when there was one."""
    started = next((e for e in history if e.action == "start"), None)
    if form is None or started is None:
        return []
    entries = tuple(Entry(f.label, display_value(f, data.get(f.name), data)) for f in form.input_fields
                    if f.name not in APPLICANT and data.get(f.name) not in EMPTY)
    return [Step("start", form.title, started.actor, started.at, entries)] if entries else []


def _first(completions: list[tuple[AuditEvent, dict[str, Any]]], bpmn_id: str) -> int:
    return next(n for n, (_, detail) in enumerate(completions) if detail.get("bpmn_id", "") == bpmn_id)


def _decisions(completions: list[tuple[AuditEvent, dict[str, Any]]], forms: Mapping[str, FormDefinition],
               data: Mapping[str, Any]) -> tuple[Decision, ...]:
    """List every decision the trail recorded; an old event without its values reads the case's data."""
    found = []
    latest = {detail.get("bpmn_id"): event.id for event, detail in completions}
    for event, detail in completions:
        form = forms.get(detail.get("bpmn_id", ""))
        if form is None or not form.verdict_fields:
            continue
        values = detail.get("verdict")
        if values is None:
            if latest[form.id] != event.id:
                continue  # an earlier round whose values the trail did not keep
            values = {f.name: data.get(f.name) for f in form.verdict_fields}
        chosen = [display_value(f, values.get(f.name), data) for f in form.verdict_fields if f.type == "choice"]
        said = [display_value(f, values.get(f.name), data) for f in form.verdict_fields if f.type != "choice"]
        found.append(Decision(form.title, event.actor, event.at, "、".join(t for t in chosen if t),
                              "；".join(t for t in said if t)))
    return tuple(found)


def _materials(item: Item | None, data: Mapping[str, Any]) -> tuple[Material, ...]:
    required = data.get("required_materials") or (list(item.materials) if item else [])
    checked = "materials_received" in data
    received = set(data.get("materials_received") or ())
    return tuple(Material(str(name), (name in received) if checked else None) for name in required)


def build(case: Any, data: Mapping[str, Any], history: Sequence[AuditEvent], forms: Mapping[str, FormDefinition],
          item: Item | None, documents: Sequence[Document] = (), start_form: FormDefinition | None = None,
          handoffs: Sequence[Handoff] = ()) -> CaseFile:
    """Build a case's file from its row, its current data, its audit trail, the forms and its start form."""
    completions = _completions(history)
    return CaseFile(
        applicant_name=case.applicant_name or "", applicant_id_number=case.applicant_id_number or "",
        ss_card_number=str(data.get("ss_card_number") or ""),
        steps=(*_start_step(history, start_form, data), *_steps(completions, forms, data)),
        materials=_materials(item, data),
        other_missing=str(data.get("other_missing") or ""), decisions=_decisions(completions, forms, data),
        documents=tuple(documents), handoffs=tuple(handoffs))
