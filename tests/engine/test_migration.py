"""Migrating waiting cases to a newer version: the dry run says who can move and why not; the move is audited."""

from __future__ import annotations

from sqlalchemy import select

from engine.migration import migrate, plan_migration
from engine.models import AuditEvent, ProcessInstance, ProcessVersion
from tests.conftest import PROCESSES
from tests.factories import ACCEPT, ITEM11, do, open_tasks, start_item11

FILE = "item_11_unemployment_registration.bpmn"


def deploy_edit(engine, old: str, new: str, file: str = FILE):
    contents = {p.name: p.read_bytes() for p in PROCESSES.glob("*.bpmn")}
    text = contents[file].decode()
    assert old in text
    assert old in text
    contents[file] = text.replace(old, new).encode()  # every occurrence: ids and their references
    engine.deploy_files(contents, "analyst1")


def version_of(store, case):
    with store.session() as s:
        return s.get(ProcessInstance, case).version_id


def test_renamed_step_moves_and_case_goes_on(engine, store):
    waiting_accept = start_item11(engine)
    deploy_edit(engine, 'name="受理登记"', 'name="受理失业登记"')
    (check,) = plan_migration(engine, ITEM11)
    assert check.instance_id == waiting_accept and check.movable and check.reason == ""
    (moved,) = migrate(engine, ITEM11, [waiting_accept], actor="analyst1")
    assert moved.movable
    with store.session() as s:
        current = s.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == ITEM11,
                                                           ProcessVersion.is_current))
        assert s.scalar(select(AuditEvent.actor).where(AuditEvent.action == "migrate")) == "analyst1"
    assert version_of(store, waiting_accept) == current
    (task,) = open_tasks(engine, waiting_accept)
    assert task.title == "受理失业登记"  # the new version's name
    do(engine, waiting_accept, "item11_accept", ACCEPT)
    assert [t.bpmn_id for t in open_tasks(engine, waiting_accept)] == ["check_materials"]


def test_case_waiting_at_a_removed_step_cannot_move(engine, store):
    at_notice = start_item11(engine)
    do(engine, at_notice, "item11_accept", ACCEPT)
    do(engine, at_notice, "check_materials", {"materials_received": []})
    at_accept = start_item11(engine)
    old = version_of(store, at_notice)
    # A new version of the shared materials check drops the one-time notice step (so item 11 gets one too).
    deploy_edit(engine, 'sourceRef="materials_complete_gw" targetRef="issue_notice"',
                'sourceRef="materials_complete_gw" targetRef="receive_supplement"', "shared_check_materials.bpmn")
    checks = {c.instance_id: c for c in plan_migration(engine, ITEM11)}
    assert checks[at_accept].movable
    assert not checks[at_notice].movable and "出具一次性告知书" in checks[at_notice].reason
    results = {r.instance_id: r for r in migrate(engine, ITEM11, [at_notice, at_accept], actor="analyst1")}
    assert not results[at_notice].movable and version_of(store, at_notice) == old
    assert results[at_accept].movable and version_of(store, at_accept) != old


def test_changed_statutory_limit_blocks_the_move(engine, store):
    case = start_item11(engine)
    deploy_edit(engine, "statutory_due(accepted_at, 10)", "statutory_due(accepted_at, 5)")
    (check,) = plan_migration(engine, ITEM11)
    assert check.instance_id == case and not check.movable and "法定时限不同" in check.reason
