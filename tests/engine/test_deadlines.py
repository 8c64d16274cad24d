"""A deadline in a year with no schedule is provisional; loading the year recomputes cases and timers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.calendar import load_schedule, parse_schedule_csv
from engine.clock import CHINA
from engine.deadlines import recompute_provisional_deadlines
from engine.models import AuditEvent, InboxTask, ProcessInstance, Timer
from engine.runtime import CaseContext
from engine.timers import fire_due_timers

# Not the official 2027 schedule: a test year that differs from the statutory-only guess on Jan 4.
SCHEDULE_2027 = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦补假\n"


def snapshot(store, case):
    with store.session() as s:
        row = s.get(ProcessInstance, case)
        inbox = s.scalars(select(InboxTask.due_at).where(InboxTask.instance_id == case)).all()
        timer = s.scalar(select(Timer.due_at).where(Timer.instance_id == case, Timer.is_deadline))
        return row, inbox, timer


def test_provisional_deadline_recomputed_when_year_is_loaded(engine, store, clock):
    clock.set(datetime(2026, 12, 21, 10, 0, tzinfo=CHINA))
    case = engine.start_case("item_11_unemployment_registration", CaseContext(point_code="P1"), actor="c")
    row, inbox, timer = snapshot(store, case)
    # 8 working days left in 2026, then 2027-01-01 (statutory 元旦) is off: Jan 4 and Jan 5 are the 9th and 10th.
    provisional_due = datetime(2027, 1, 5, 17, 30, tzinfo=CHINA)
    assert row.due_provisional and row.due_at == provisional_due
    assert inbox == [provisional_due] and timer == provisional_due

    with store.session(write=True) as s:
        load_schedule(s, parse_schedule_csv(SCHEDULE_2027, "2027.csv"), source="2027.csv", actor="admin",
                      now=clock())
    assert recompute_provisional_deadlines(engine) == (1, 1)

    official_due = datetime(2027, 1, 6, 17, 30, tzinfo=CHINA)
    row, inbox, timer = snapshot(store, case)
    assert not row.due_provisional and row.due_at == official_due
    assert inbox == [official_due] and timer == official_due
    with store.session() as s:
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.action == "deadline_recomputed"))
    assert recompute_provisional_deadlines(engine) == (0, 0)  # nothing provisional is left

    # Spiff's own cached timer value moved too: nothing fires at the old moment.
    clock.set(datetime(2027, 1, 5, 18, 0, tzinfo=CHINA))
    assert fire_due_timers(engine).fired == 0
    clock.set(datetime(2027, 1, 6, 17, 31, tzinfo=CHINA))
    assert fire_due_timers(engine).fired == 1
    assert snapshot(store, case)[0].overdue


def test_case_within_a_known_year_is_not_provisional(engine, store):
    case = engine.start_case("item_11_unemployment_registration", CaseContext(point_code="P1"), actor="c")
    assert not snapshot(store, case)[0].due_provisional
