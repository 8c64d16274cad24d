"""Append audit events; nothing here updates or deletes one."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from engine.models import AuditEvent

# Built once and run on the session's connection: the ORM execute path costs several times more per call.
_INSERT = insert(AuditEvent)


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    instance_id: int | None = None,
    task_id: str | None = None,
    point_code: str | None = None,
    **detail: Any,
) -> None:
    """Insert one audit event in the caller's transaction (a Core insert: no ORM bookkeeping on a hot path)."""
    session.connection().execute(_INSERT, {
        "at": at, "actor": actor, "action": action, "instance_id": instance_id, "task_id": task_id,
        "point_code": point_code, "detail": json.dumps(detail, ensure_ascii=False, default=str),
    })


def carries_op(session: Session, *, instance_id: int, task_id: str, action: str, op: str) -> bool:
    """Tell whether the case's trail holds `action` on the task written by the call that carried token `op`."""
    details = session.scalars(select(AuditEvent.detail).where(
        AuditEvent.instance_id == instance_id, AuditEvent.task_id == task_id, AuditEvent.action == action))
    return any(json.loads(detail or "{}").get("op") == op for detail in details)


def last_completer(session: Session, instance_id: int, bpmn_ids: Collection[str] | None = None,
                   default: str | None = None) -> str | None:
    """Return who last completed a task of the case (among `bpmn_ids` if given), from the trail, never a form."""
    events = session.execute(select(AuditEvent.actor, AuditEvent.detail).where(
        AuditEvent.instance_id == instance_id, AuditEvent.action == "complete_task").order_by(AuditEvent.id.desc()))
    for actor, detail in events:
        if bpmn_ids is None or json.loads(detail or "{}").get("bpmn_id") in bpmn_ids:
            return actor
    return default
