"""Append audit events; nothing here updates or deletes one."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.models import AuditEvent


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
    session.execute(insert(AuditEvent).values(
        at=at, actor=actor, action=action, instance_id=instance_id, task_id=task_id, point_code=point_code,
        detail=json.dumps(detail, ensure_ascii=False, default=str),
    ))
