"""Service operators of the provincial handoff: enqueue an application, and word the province's result."""

from __future__ import annotations

from app.province import outbox
from app.social.applications import kind_of
from engine.services import ServiceCall, ServiceRegistry


def send_to_province(call: ServiceCall, kind: str) -> str:
    """Put the case's application in the outbox, in the case's own transaction; return its key."""
    return outbox.enqueue(call.session, call.instance, kind, call.now).idempotency_key


def result_message(call: ServiceCall, kind: str) -> str:
    """Return the sentence telling the applicant what the province decided."""
    result = call.data.get("province_result") or {}
    label, case_no = kind_of(kind).label, call.instance.case_no or ""
    note = (result.get("note") or "").strip()
    if result.get("status") == "approved":
        return f"您的{label}已经省社保经办系统办理通过（案件编号 {case_no}）。" + (f"说明：{note}" if note else "")
    if result.get("status") == "rejected":
        return f"您的{label}经省社保经办系统审核，不予通过（案件编号 {case_no}）。理由：{note or '未说明'}"
    raise ValueError(f"case {call.instance.id} has no province result to tell: {result!r}")


def register(services: ServiceRegistry) -> None:
    """Register this package's operators."""
    services.register("province.send", send_to_province)
    services.register("province.result_message", result_message)
