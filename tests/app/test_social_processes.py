"""The social process files agree with the operators: known questions and kinds, forms posting what is kept."""

from __future__ import annotations

import ast
from functools import cache

import pytest
from lxml import etree

from app.social.applications import KINDS
from app.social.eligibility import RULES
from app.social.operators import QUESTIONS
from engine.forms import FormRegistry
from engine.script_env import RESERVED_NAMES
from tests.conftest import FORMS, PROCESSES
from tests.factories import CATALOG

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
CODES = [str(n) for n in range(20, 41)] + ["D1", "D2", "D3", "D4"]


@cache
def forms() -> FormRegistry:
    return FormRegistry(FORMS, reserved=RESERVED_NAMES)


def operator_calls(code: str) -> list[tuple[str, dict[str, str]]]:
    tree = etree.parse(str(PROCESSES / f"{CATALOG.get(code).process}.bpmn"))
    return [(op.get("id"), {p.get("id"): p.get("value") for p in op.iterfind(".//spiffworkflow:parameter", NS)})
            for op in tree.iterfind(".//spiffworkflow:serviceTaskOperator", NS)]


@pytest.mark.parametrize("code", CODES)
def test_operators_are_called_with_known_questions_and_kinds(code):
    calls = operator_calls(code)
    assert calls, f"item {code} calls no operator"
    for name, params in calls:
        assert name.startswith(("social.", "province."))
        if name.startswith("province."):  # the provincial handoff of the item's own application kind
            assert KINDS[ast.literal_eval(params["kind"])].item_code == code
        if name == "social.query":
            what = ast.literal_eval(params["what"])
            assert set([what] if isinstance(what, str) else what) <= set(QUESTIONS)
        if name == "social.record_application":
            assert KINDS[ast.literal_eval(params["kind"])].item_code == code
        if name == "social.check_eligibility":
            assert ast.literal_eval(params["kind"]) in RULES


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kept_field_is_posted_by_the_accept_form(kind):
    spec = KINDS[kind]
    form = forms().get(spec.review_task.replace("_review", "_accept"))
    posted = {f.name for f in form.input_fields}
    assert set(spec.fields) <= posted, f"{kind} keeps fields its form never posts"
    if spec.subject:
        assert set(spec.subject) <= posted


def test_each_eligibility_rule_is_used_by_its_item():
    used = {ast.literal_eval(p["kind"]) for code in CODES for name, p in operator_calls(code)
            if name == "social.check_eligibility"}
    assert used == set(RULES)
