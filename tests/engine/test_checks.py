"""`bpmn check` rules: one small bad file per rule, each finding naming file, line, element and the fix."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.auth.roles import ROLES
from engine.calendar import WorkingCalendar
from engine.checks import CheckContext, check_files
from engine.clock import CHINA
from engine.forms import FormRegistry
from engine.script_env import RESERVED_NAMES, build_helpers
from tests.conftest import FORMS, PROCESSES
from tests.factories import CATALOG

ITEM11 = "item_11_unemployment_registration.bpmn"
LIBRARY = {p.name: p.read_bytes() for p in PROCESSES.glob("*.bpmn")}
CTX = CheckContext(
    helpers=build_helpers(WorkingCalendar, lambda: datetime(2026, 11, 23, 10, tzinfo=CHINA)),
    forms=FormRegistry(FORMS, reserved=RESERVED_NAMES),
    roles=set(ROLES),
    limits={i.process: i.limit_days for i in CATALOG.items},
    sample={"accepted_at": "2026-11-23T10:00:00+08:00", "channel": "counter", "required_materials": ["身份证"]},
)


def operators() -> set[str]:
    from app.bootstrap import service_registry

    return service_registry().names()


def check_item11(old: str, new: str, count: int = 1):
    text = LIBRARY[ITEM11].decode()
    assert text.count(old) >= count, old
    ctx = CheckContext(**{**vars(CTX), "operators": operators()})
    return check_files({ITEM11: text.replace(old, new, count).encode()}, ctx, LIBRARY)


def errors(findings):
    return [f for f in findings if f.is_error]


def test_the_projects_own_processes_have_no_errors():
    ctx = CheckContext(**{**vars(CTX), "operators": operators()})
    assert errors(check_files(LIBRARY, ctx)) == []


@pytest.mark.parametrize(
    ("old", "new", "element", "words"),
    [
        ('<bpmn:userTask id="item11_review"', '<bpmn:userTask id="item11_nosuch"', "item11_nosuch",
         "add forms/item11_nosuch.toml"),
        ('value="county_reviewer"', 'value="mayor"', "item11_review", "unknown candidate role 'mayor'"),
        ('<bpmn:conditionExpression>decision == "approve"</bpmn:conditionExpression>',
         "<bpmn:conditionExpression>${decision == 'approve'}</bpmn:conditionExpression>", "flow_approved",
         "${…} is Camunda/JUEL syntax"),
        ("statutory_due(accepted_at, 10)", "statutory_due(accepted_at, 5)", "deadline",
         "deadline is 5 working days but the catalog says 10"),
        ('cancelActivity="false"', 'cancelActivity="true"', "deadline", "must be a non-interrupting boundary event"),
        ("statutory_due(accepted_at, 10)", '"PT5M"', "item_11_unemployment_registration",
         "item process has no statutory deadline timer"),
        ("statutory_due(accepted_at, 10)", "PT5M", "deadline", 'quote it as a string: "PT5M"'),
        ('calledElement="shared_notify_applicant"', 'calledElement="shared_nowhere"', "notify_call",
         "calls process 'shared_nowhere'"),
    ],
)
def test_each_rule_names_file_line_element_and_fix(old, new, element, words):
    findings = errors(check_item11(old, new))
    assert any(f.element == element and words in f.message and f.file == ITEM11 and f.line for f in findings), \
        findings


def test_role_missing():
    findings = errors(check_item11('<spiffworkflow:property name="candidate_role" value="county_reviewer" />', ""))
    assert any(f.element == "item11_review" and "names no candidate role" in f.message for f in findings)


def test_not_xml_and_not_bpmn():
    (broken,) = check_files({"x.bpmn": b"<bpmn:definitions\n<"}, CTX)
    assert broken.line == 2 and "not well-formed XML" in broken
    (note,) = check_files({"n.bpmn": b"<note/>"}, CTX)
    assert "not a BPMN file" in note


SCRIPT_FIRST = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="script_first" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="calc"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>total = fee + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="calc" />
    <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>"""


def test_trial_run_failure_is_a_warning():
    (warning,) = check_files({"script_first.bpmn": SCRIPT_FIRST}, CTX)
    assert warning.severity == "warning" and warning.element == "script_first" and "fee" in warning.message
