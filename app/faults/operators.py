"""Service operators of the fault-report process (processes/fault_report.bpmn): thin adapters to the ledger."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.faults import services, vocab
from app.faults.settings import FaultSettings
from app.faults.uploads import take_staged
from engine.clock import china_iso
from engine.services import ServiceCall, ServiceRegistry


def file_report(call: ServiceCall, *, category: str, line: str, item_code: str | None, description: str,
                suggestion: str, reporter_role: str, reporter_name: str, attachment_count: Any) -> dict:
    """Put the filed problem and the attachments accepted with it into the ledger."""
    uploads = take_staged()
    if len(uploads) != int(attachment_count or 0):
        # Only a re-run (retry) can get here: the files were never kept, so say so instead of losing them quietly.
        raise RuntimeError(f"{attachment_count} attachments were filed but {len(uploads)} reached the case")
    fault = services.create_fault(call.session, call.instance, call.now, category=category, line=line,
                                  item_code=item_code, description=description, suggestion=suggestion,
                                  reporter_role=reporter_role, reporter_name=reporter_name, uploads=uploads)
    return {"fault_id": fault.id, "attachments": len(uploads)}


def enter_level(call: ServiceCall, *, level: str, reason: str, note: str | None) -> dict:
    """Move the problem to a level; return when its limit starts and how many working days it has."""
    days = FaultSettings.from_env().days_for(level)
    services.enter_level(call.session, call.instance, call.now, level=level, reason=reason, note=note or "",
                         days=days)
    return {"level": level, "label": vocab.LEVELS[level], "reason": reason, "started_at": china_iso(call.now),
            "days": days}


def record_answer(call: ServiceCall, *, level: str) -> dict:
    """Record the answer the level's form gave (`<level>_answer`, `<level>_time_limit`) for the reporter."""
    text = str(call.data.get(f"{level}_answer") or "")
    limit = call.data.get(f"{level}_time_limit") or None
    services.record_answer(call.session, call.instance, call.now, level=level, text=text,
                           time_limit=date.fromisoformat(limit) if limit else None)
    return {"level": level, "by": vocab.LEVELS[level], "text": text, "time_limit": limit or ""}


def note_overdue(call: ServiceCall, *, level: str) -> dict:
    """Record that the top county level let its limit pass."""
    services.note_overdue(call.session, call.instance, call.now, level=level)
    return {"level": level, "at": china_iso(call.now)}


def close(call: ServiceCall, *, remark: str | None) -> dict:
    """Close the problem its reporter confirmed solved."""
    services.close_fault(call.session, call.instance, call.now, remark=remark or "")
    return {"closed_at": china_iso(call.now)}


def register(services_registry: ServiceRegistry) -> None:
    """Register this package's operators."""
    for name, operator in (("faults.file_report", file_report), ("faults.enter_level", enter_level),
                           ("faults.record_answer", record_answer), ("faults.note_overdue", note_overdue),
                           ("faults.close", close)):
        services_registry.register(name, operator)
