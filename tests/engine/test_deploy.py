"""Deploying process files: versions by content, running cases stay on theirs, bad files refused whole."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import DeployError
from engine.models import ProcessInstance, ProcessVersion
from engine.runtime import CaseContext
from tests.conftest import DATA, PROCESSES

ITEM11 = "item_11_unemployment_registration"


def versions(store, process_id):
    with store.session() as s:
        return s.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
                         .order_by(ProcessVersion.id)).all()


def files(**changes: bytes) -> dict[str, bytes]:
    contents = {p.name: p.read_bytes() for p in PROCESSES.glob("*.bpmn")}
    contents.update(changes)
    return contents


def edited(name: str, old: str, new: str) -> bytes:
    text = (PROCESSES / name).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new).encode()


def test_deploy_stores_spec_once_and_detects_deadline(engine, store):
    (v,) = versions(store, ITEM11)
    assert v.is_current and v.limit_days == 10 and v.deadline_timer_id == "deadline"
    assert v.name == "失业登记" and v.deployed_by == "test" and len(v.content_hash) == 64
    results = engine.deploy_directory(PROCESSES, actor="again")
    assert all(not r.created for r in results)
    assert len(versions(store, ITEM11)) == 1


def test_changed_file_makes_new_version_and_running_case_keeps_old(engine, store):
    old_case = engine.start_case(ITEM11, CaseContext(point_code="P1"), actor="c")
    changed = edited("item_11_unemployment_registration.bpmn", 'name="告知申请人"', 'name="通知申请人"')
    engine.deploy_files(files(**{"item_11_unemployment_registration.bpmn": changed}), actor="analyst")
    old, new = versions(store, ITEM11)
    assert not old.is_current and new.is_current
    new_case = engine.start_case(ITEM11, CaseContext(point_code="P1"), actor="c")
    with store.session() as s:
        assert s.get(ProcessInstance, old_case).version_id == old.id
        assert s.get(ProcessInstance, new_case).version_id == new.id


def test_changed_shared_process_versions_its_callers(engine, store):
    changed = edited("shared_check_materials.bpmn", 'name="核验材料"', 'name="核验申请材料"')
    results = {r.process_id: r.created for r in engine.deploy_files(
        files(**{"shared_check_materials.bpmn": changed}), actor="analyst")}
    assert results["shared_check_materials"] and results[ITEM11]


def test_malformed_xml_names_file_and_line(engine, store):
    with pytest.raises(DeployError) as err:
        engine.deploy_files({"broken.bpmn": b"<?xml version='1.0'?>\n<bpmn:definitions>\n<oops"}, "a")
    (finding,) = err.value.findings
    assert finding.startswith("broken.bpmn:2:") or finding.startswith("broken.bpmn:3:")
    assert "not well-formed" in finding


def test_xml_that_is_not_bpmn(engine):
    with pytest.raises(DeployError) as err:
        engine.deploy_files({"note.bpmn": b"<note><to>x</to></note>"}, "a")
    assert "not a BPMN file" in err.value.findings[0]


def test_xsd_invalid_bpmn_names_line(engine):
    bad = edited("item_11_unemployment_registration.bpmn", '<bpmn:startEvent id="start" name="受理申请">',
                 '<bpmn:startEvent id="start" name="受理申请"><bpmn:task id="misplaced" />')
    with pytest.raises(DeployError) as err:
        engine.deploy_files(files(**{"item_11_unemployment_registration.bpmn": bad}), "a")
    (finding,) = err.value.findings
    assert finding.startswith("item_11_unemployment_registration.bpmn:10:"), finding
    assert "Element 'bpmn:task': This element is not expected" in finding


@pytest.mark.parametrize(
    ("timer", "reason"),
    [
        ("PT5M", 'unquoted ISO 8601 value PT5M; quote it as a string: "PT5M"'),
        ("${dueDate}", "Camunda/JUEL"),
        ("date and time(\"2026-01-01T00:00:00\")", "calls time(), which is not a helper"),
        ("duration(\"PT1H\")", "calls duration(), which is not a helper"),
        ("if x then \"PT1H\" else \"PT2H\"", "not a Python expression"),
        ("2026-12-01T10:00:00+08:00", "unquoted ISO 8601 value"),
        ("statutory_due(accepted_at)", "fails when evaluated: TypeError"),
        ("'2026-12-01T10:00:00'", "has no UTC offset"),
        ("42", "evaluates to int, not a string"),
    ],
)
def test_bad_timer_expression_refused_with_file_element_and_reason(engine, store, timer, reason):
    bad = edited("item_11_unemployment_registration.bpmn", "statutory_due(accepted_at, 10)", timer)
    with pytest.raises(DeployError) as err:
        engine.deploy_files(files(**{"item_11_unemployment_registration.bpmn": bad}), "analyst")
    (finding,) = err.value.findings
    assert finding.startswith("item_11_unemployment_registration.bpmn:")
    assert "element deadline" in finding and reason in finding
    assert len(versions(store, ITEM11)) == 1  # nothing deployed


def test_missing_called_process_refused(engine, store):
    with pytest.raises(DeployError) as err:
        engine.deploy_files({"item_11_unemployment_registration.bpmn":
                             (PROCESSES / "item_11_unemployment_registration.bpmn").read_bytes()}, "a")
    assert [f.split(" calls process ")[1].split(",")[0] for f in err.value.findings] == [
        "'shared_identify_applicant'", "'shared_check_materials'", "'shared_notify_applicant'"]
    assert err.value.findings[0].startswith("item_11_unemployment_registration.bpmn:19: element identify_call:")


def test_timer_process_with_data_dependent_timer_deploys(engine, store):
    engine.deploy_files({"timer_once.bpmn": (DATA / "bpmn" / "timer_once.bpmn").read_bytes()}, "a")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ProcessVersion)
                        .where(ProcessVersion.process_id == "timer_once")) == 1
