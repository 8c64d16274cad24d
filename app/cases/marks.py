"""Deadline marks on inbox rows and cases: overdue, due today, due within one working day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.clock import CHINA


@dataclass(frozen=True)
class Mark:
    """A deadline mark: CSS key and Chinese label."""

    key: str
    label: str


OVERDUE = Mark("overdue", "已超期")
TODAY = Mark("today", "今日到期")
SOON = Mark("soon", "一个工作日内到期")


def deadline_mark(due_at: datetime | None, overdue: bool, now: datetime, soon_cutoff: datetime) -> Mark | None:
    """Return the mark a deadline earns now, or None when it is comfortably ahead."""
    if due_at is None:
        return None
    if overdue or due_at < now:
        return OVERDUE
    if due_at.astimezone(CHINA).date() == now.astimezone(CHINA).date():
        return TODAY
    if due_at <= soon_cutoff:
        return SOON
    return None
