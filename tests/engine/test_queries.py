"""Inbox listing reads the projection: by role, point, town and assignee, soonest due first."""

from __future__ import annotations

from engine.queries import open_tasks
from engine.runtime import CaseContext

ITEM11 = "item_11_unemployment_registration"


def test_open_tasks_filters_and_orders(engine, store, clock):
    first = engine.start_case(ITEM11, CaseContext(point_code="A1", town_code="A"), actor="c")
    clock.advance(days=1)
    second = engine.start_case(ITEM11, CaseContext(point_code="B1", town_code="B"), actor="c")
    assert [t.instance_id for t, _ in open_tasks(store)] == [first, second]
    assert [t.instance_id for t, _ in open_tasks(store, point_code="B1")] == [second]
    assert [t.instance_id for t, _ in open_tasks(store, town_code="A")] == [first]
    assert open_tasks(store, roles=["county_reviewer"]) == []
    ((task, _),) = open_tasks(store, instance_id=first)
    engine.claim(task.task_id, "clerk1")
    assert [t.task_id for t, _ in open_tasks(store, assignee="clerk1")] == [task.task_id]
    assert [t.instance_id for t, _ in open_tasks(store, roles=["clerk"], unassigned=True)] == [second]
