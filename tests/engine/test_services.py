"""Service tasks call registered operators inside the case's transaction; a failure leaves no half-writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import audit
from engine.errors import DeployError
from engine.forms import FormRegistry
from engine.models import AuditEvent, ProcessInstance
from engine.runtime import CaseContext, Engine
from engine.services import ServiceRegistry
from tests.conftest import DATA, FORMS

FILE = {"service_call.bpmn": (DATA / "bpmn" / "service_call.bpmn").read_bytes()}


def make_engine(store, clock, operator):
    services = ServiceRegistry()
    services.register("test.record", operator)
    engine = Engine(store, clock=clock, forms=FormRegistry(FORMS), services=services)
    engine.deploy_files(FILE, "test")
    return engine


def recorded(call, note, times):
    audit.record(call.session, at=call.now, actor="operator", action="test_record",
                 instance_id=call.instance.id, note=note * times)
    return {"note": note * times, "point": call.instance.point_code}


def failing(call, note, times):
    audit.record(call.session, at=call.now, actor="operator", action="test_record", instance_id=call.instance.id)
    raise RuntimeError("省平台接口不可用")


def test_operator_writes_in_the_case_transaction_and_returns_data(store, clock):
    engine = make_engine(store, clock, recorded)
    case = engine.start_case("service_call", CaseContext(point_code="P9"), actor="c", data={"note": "好"})
    with store.session() as s:
        row = s.get(ProcessInstance, case)
        workflow = engine.load_workflow(s, row)
        (event,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "test_record")).all()
    assert row.status == "completed" and event.instance_id == case
    assert workflow.last_task.data["recorded"] == {"note": "好好", "point": "P9"}


def test_failing_operator_parks_case_and_rolls_back_its_writes(store, clock):
    engine = make_engine(store, clock, failing)
    case = engine.start_case("service_call", CaseContext(point_code="P9"), actor="c", data={"note": "x"})
    with store.session() as s:
        row = s.get(ProcessInstance, case)
        assert row.status == "error" and "省平台接口不可用" in row.error_message
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "test_record")).all() == []
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.action == "start")) == "start"


def test_unknown_operator_refused_at_deploy(store, clock):
    engine = Engine(store, clock=clock)
    with pytest.raises(DeployError) as err:
        engine.deploy_files(FILE, "test")
    (finding,) = err.value.findings
    assert finding.startswith("service_call.bpmn:12: element record: service operator 'test.record' does not exist")
