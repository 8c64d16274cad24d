"""Service operators of the provincial handoff: enqueue an application, and word the province's result."""

from __future__ import annotations

from app.province import outbox
from app.social.applications import kind_of
from engine.services import ServiceCall, ServiceRegistry


def send_to_province(call: ServiceCall, kind: str) -> str:
    """Put the case's application in the outbox, in the case's own transaction; return its key."""
    return outbox.enqueue(call.session, call.instance, kind, call.now).idempotency_key


def result_message(call: ServiceCall, kind: str) -> str:
    """Return what the applicant is told: the county's own words on the application, then the province's result."""
    result = call.data.get("province_result") or {}
    county = call.data.get("notify_message") or f"您的{kind_of(kind).label}已报送省社保经办系统办理。"
    note = (result.get("note") or "").strip()
    if result.get("status") == "approved":
        return f"{county}省社保经办系统已办理通过。" + (f"说明：{note}" if note else "")
    if result.get("status") == "rejected":
        return f"{county}经省社保经办系统审核，不予通过。理由：{note or '未说明'}"
    raise ValueError(f"case {call.instance.id} has no province result to tell: {result!r}")


def register(services: ServiceRegistry) -> None:
    """Register this package's operators."""
    services.register("province.send", send_to_province)
    services.register("province.result_message", result_message)
