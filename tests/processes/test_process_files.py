"""Every process file: user tasks have forms and known roles, and one case's forms never overwrite each other."""

from __future__ import annotations

from functools import cache

import pytest
from lxml import etree

from engine.forms import FormRegistry
from engine.script_env import RESERVED_NAMES
from tests.conftest import FORMS, PROCESSES

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
FILES = sorted(PROCESSES.glob("*.bpmn"))
ROLES = {"clerk", "town_staff", "county_reviewer", "county_backbone", "supervisor", "analyst", "admin"}


@cache
def registry() -> FormRegistry:
    return FormRegistry(FORMS, reserved=RESERVED_NAMES)


@cache
def processes() -> dict[str, etree._Element]:
    """Map process id to its element, across all files."""
    found = {}
    for path in FILES:
        for process in etree.parse(str(path)).iterfind("bpmn:process", NS):
            found[process.get("id")] = process
    return found


def user_tasks(process_id: str, seen: frozenset = frozenset()) -> set[str]:
    """Return the user task ids a case of this process can reach, through its call activities."""
    process = processes()[process_id]
    ids = {t.get("id") for t in process.iterfind(".//bpmn:userTask", NS)}
    for call in process.iterfind(".//bpmn:callActivity", NS):
        target = call.get("calledElement")
        if target not in seen:
            ids |= user_tasks(target, seen | {process_id})
    return ids


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_user_tasks_have_forms_and_known_roles(path):
    for task in etree.parse(str(path)).iterfind(".//bpmn:userTask", NS):
        assert task.get("id") in registry(), f"{path.name}: {task.get('id')} has no forms/{task.get('id')}.toml"
        roles = task.xpath(".//spiffworkflow:property[@name='candidate_role']/@value", namespaces=NS)
        assert roles and roles[0] in ROLES, f"{path.name}: {task.get('id')} has no known candidate_role"


@pytest.mark.parametrize("process_id", sorted(p for p in processes() if not p.startswith("shared_")))
def test_forms_of_one_case_do_not_share_field_names(process_id):
    seen: dict[str, str] = {}
    for task_id in sorted(user_tasks(process_id)):
        for field in registry().get(task_id).input_fields:
            assert field.name not in seen, f"{field.name} is posted by both {seen[field.name]} and {task_id}"
            seen[field.name] = task_id
