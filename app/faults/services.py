"""Write the problem ledger: the process's operators call these in the case's transaction; a point files here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.faults import vocab
from app.faults.models import Fault, FaultAttachment, FaultDesk, FaultEntry
from app.faults.uploads import Upload, staged
from app.org.counties import placed
from engine.audit import last_completer
from engine.models import ProcessInstance
from engine.runtime import CaseContext, Engine

PROCESS_ID = "fault_report"
TIMER_ACTOR = "system:timer"


def fault_of(session: Session, instance_id: int) -> Fault:
    """Return the ledger row of a case; a fault case without one is a broken case, so this raises."""
    fault = session.scalar(select(Fault).where(Fault.instance_id == instance_id))
    if fault is None:
        raise LookupError(f"case {instance_id} has no problem-ledger row")
    return fault


def _entry(session: Session, fault: Fault, now: datetime, *, kind: str, level: str, actor: str, text: str = "",
           reason: str | None = None, time_limit: date | None = None) -> FaultEntry:
    entry = FaultEntry(fault_id=fault.id, instance_id=fault.instance_id, point_code=fault.point_code,
                       town_code=fault.town_code, kind=kind, level=level, reason=reason, actor=actor,
                       text=text or "", time_limit=time_limit, at=now)
    session.add(entry)
    return entry


def create_fault(session: Session, instance: ProcessInstance, now: datetime, *, category: str, line: str,
                 item_code: str | None, description: str, suggestion: str, reporter_role: str, reporter_name: str,
                 uploads: Iterable[Upload]) -> Fault:
    """Put a newly filed problem and its attachments into the ledger."""
    if category not in vocab.CATEGORIES or line not in vocab.LINES or reporter_role not in vocab.REPORTER_ROLES:
        raise ValueError(f"bad problem: category={category!r} line={line!r} reporter_role={reporter_role!r}")
    fault = Fault(instance_id=instance.id, case_no=instance.case_no or "", point_code=instance.point_code,
                  town_code=instance.town_code, reporter=instance.created_by, reporter_name=reporter_name,
                  reporter_role=reporter_role, category=category, line=line, item_code=item_code or None,
                  description=description, suggestion=suggestion or "", state="handling", level="reporter",
                  holder_role=None, level_started_at=now, escalations=0, reopens=0, overdue_levels=0,
                  filed_at=now, updated_at=now)
    session.add(fault)
    session.flush()  # the id, for the thread and the attachments
    _entry(session, fault, now, kind="filed", level="reporter", actor=instance.created_by, text=description)
    for upload in uploads:
        session.add(FaultAttachment(fault_id=fault.id, instance_id=instance.id, point_code=instance.point_code,
                                    town_code=instance.town_code, filename=upload.filename,
                                    content_type=upload.content_type, size=upload.size, content=upload.content,
                                    uploaded_by=instance.created_by, uploaded_at=now))
    return fault


def enter_level(session: Session, instance: ProcessInstance, now: datetime, *, level: str, reason: str, note: str,
                days: int) -> Fault:
    """Move a problem to a handling level, keeping its thread: who sent it, why, and from when its limit runs."""
    if level not in vocab.LEVEL_ROLES or reason not in vocab.REASONS:
        raise ValueError(f"bad move: level={level!r} reason={reason!r}")
    fault = fault_of(session, instance.id)
    if reason == "reopen":
        _entry(session, fault, now, kind="reopened", level=fault.answered_level or level,
               actor=last_completer(session, instance.id, default=instance.created_by), text=note)
        fault.reopens += 1
    if reason in ("unsolved", "overdue", "forwarded"):
        fault.escalations += 1
    if reason == "overdue":
        fault.overdue_levels += 1
    actor = ({"new": instance.created_by, "overdue": TIMER_ACTOR}.get(reason)
             or last_completer(session, instance.id, default=instance.created_by))
    _entry(session, fault, now, kind="entered", level=level, reason=reason, actor=actor,
           text="" if reason == "reopen" else note)
    fault.state, fault.level, fault.holder_role = "handling", level, vocab.LEVEL_ROLES[level]
    fault.level_started_at, fault.level_days, fault.updated_at = now, days, now
    return fault


def record_answer(session: Session, instance: ProcessInstance, now: datetime, *, level: str, text: str,
                  time_limit: date | None) -> FaultEntry:
    """Record a level's answer and hand the problem to its reporter to confirm."""
    fault = fault_of(session, instance.id)
    actor = last_completer(session, instance.id, default=instance.created_by)
    entry = _entry(session, fault, now, kind="answered", level=level, actor=actor, text=text, time_limit=time_limit)
    fault.state, fault.level, fault.holder_role = "answered", "reporter", fault.reporter_role
    fault.answered_level = level
    fault.level_started_at, fault.level_days, fault.updated_at = now, None, now
    return entry


def note_overdue(session: Session, instance: ProcessInstance, now: datetime, *, level: str) -> None:
    """Record that a level let its limit pass with no level above it to take the problem."""
    fault = fault_of(session, instance.id)
    _entry(session, fault, now, kind="overdue", level=level, actor=TIMER_ACTOR,
           text=f"{vocab.label(vocab.LEVELS, level)}逾期未答复")
    fault.overdue_levels += 1
    fault.updated_at = now


def close_fault(session: Session, instance: ProcessInstance, now: datetime, *, remark: str) -> Fault:
    """Close a problem its reporter confirmed solved."""
    fault = fault_of(session, instance.id)
    _entry(session, fault, now, kind="solved", level=fault.answered_level or "reporter",
           actor=last_completer(session, instance.id, default=instance.created_by), text=remark)
    fault.state, fault.level, fault.holder_role = "solved", "closed", None
    fault.level_days, fault.closed_at, fault.updated_at = None, now, now
    return fault


def set_desks(session: Session, username: str, desks: Iterable[str], actor: str, now: datetime) -> None:
    """Replace a county backbone's desks (business lines, province liaison)."""
    wanted = [d for d in dict.fromkeys(desks) if d in vocab.DESKS]
    session.execute(delete(FaultDesk).where(FaultDesk.username == username))
    session.add_all(FaultDesk(username=username, desk=d, assigned_by=actor, assigned_at=now) for d in wanted)


def start_data(form: Mapping[str, Any], *, reporter_role: str, reporter_name: str, place: str, item_label: str,
               uploads: list[Upload]) -> dict[str, Any]:
    """Return the case's start data: the filed problem, with the labels its task forms show."""
    return {
        **{k: form[k] for k in ("fault_category", "fault_line", "fault_description", "fault_suggestion")},
        "fault_item": form.get("fault_item") or "",
        "fault_category_label": vocab.label(vocab.CATEGORIES, form["fault_category"]),
        "fault_line_label": vocab.label(vocab.LINES, form["fault_line"]),
        "fault_item_label": item_label or "不涉及具体事项",
        "fault_place": place,
        "fault_attachment_names": [u.filename for u in uploads] or ["无"],
        "reporter_role": reporter_role,
        "reporter_name": reporter_name,
        "attachment_count": len(uploads),
    }


def file_problem(engine: Engine, *, username: str, point_code: str | None, town_code: str | None,
                 data: dict[str, Any], uploads: list[Upload], request_key: str | None = None) -> int:
    """Start the problem's case with its accepted attachments; the ledger row is written in the same go."""
    # The inbox shows a case's applicant: here the business line and the reporter, so a backbone sees the line.
    applicant = f"{data['fault_line_label']}｜{data['reporter_name']}"[:80]
    with engine.store.session() as session:
        context = placed(session, CaseContext(point_code=point_code, town_code=town_code, applicant_name=applicant))
    with staged(uploads):
        return engine.start_case(PROCESS_ID, context, actor=username, data=data, request_key=request_key)
