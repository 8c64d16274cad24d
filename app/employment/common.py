"""What the employment services share: the case stamp on every row, refusals, dates and masking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from engine.clock import CHINA
from engine.errors import EngineError
from engine.services import ServiceCall


class Refused(EngineError):
    """A business rule says no; the operator turns it into {"ok": False, "message": …}, never an error."""

    code = "refused"


@dataclass(frozen=True)
class Stamp:
    """The case a row comes from: its id, point, town, who started it and the moment."""

    instance_id: int
    point_code: str | None
    town_code: str | None
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, call: ServiceCall) -> Stamp:
        """Take the stamp from a service call's case."""
        row = call.instance
        return cls(row.id, row.point_code, row.town_code, row.created_by, call.now)

    def columns(self) -> dict[str, Any]:
        """Return the CaseRecord columns."""
        return {"instance_id": self.instance_id, "point_code": self.point_code, "town_code": self.town_code,
                "created_by": self.created_by, "created_at": self.created_at}

    @property
    def today(self) -> date:
        """Return the day in Beijing."""
        return china_day(self.created_at)


@dataclass(frozen=True)
class Person:
    """The case's applicant."""

    id_number: str
    name: str

    @classmethod
    def of(cls, call: ServiceCall) -> Person:
        """Take the applicant of a service call's case."""
        row = call.instance
        if not row.applicant_id_number:
            raise ValueError(f"case {row.id} has no applicant ID number")
        return cls(row.applicant_id_number, row.applicant_name or "")


def china_day(moment: datetime) -> date:
    """Return the calendar day of a moment in Beijing."""
    return moment.astimezone(CHINA).date()


def as_date(value: str | date | None) -> date | None:
    """Read an ISO date from task data (forms store dates as "YYYY-MM-DD")."""
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def as_int(value: Any) -> int | None:
    """Read an integer from task data; empty is None."""
    if value is None or value == "":
        return None
    return int(value)


def mask_name(name: str) -> str:
    """Keep a name's surname only (张三 → 张*), for lists shown to other people."""
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""


def day_text(value: date | None, open_end: str = "长期") -> str:
    """Write a date as 2026年11月23日, or `open_end` when there is none."""
    return f"{value.year}年{value.month}月{value.day}日" if value else open_end


def numbered(lines: list[str]) -> str:
    """Number lines 1. 2. 3. one per line."""
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))
