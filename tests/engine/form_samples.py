"""A small form using most field features, and helpers shared by the form tests."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from engine.forms import parse_form, validate
from engine.script_env import CASE_CONTEXT_KEYS, build_helpers

FORMS = Path(__file__).resolve().parents[2] / "forms"
TODAY = date(2024, 6, 1)
SAMPLE_ID = "11010519491231002X"
RESERVED = (*CASE_CONTEXT_KEYS, *build_helpers(lambda: None, lambda: None))


def form_of(text: str, form_id: str = "t"):
    """Build a form from TOML text."""
    return parse_form(tomllib.loads(text), form_id)


def one_field(kind: str, extra: str = "", label: str = "字段") -> str:
    """Return the TOML of a form with one field `f`."""
    return f'title = "测试"\n[[fields]]\nname = "f"\nlabel = "{label}"\ntype = "{kind}"\n{extra}\n'


def check(kind: str, value, extra: str = "", label: str = "字段", context=None):
    """Validate one field and return (data value or None, error or None)."""
    result = validate(form_of(one_field(kind, extra, label)), {"f": value}, context, today=TODAY)
    return result.data.get("f"), result.errors.get("f")


FORM = """
title = "测试表单"
[[fields]]
name = "decision"
label = "审核结果"
type = "choice"
required = true
choices = [{value="approve", label="通过"}, {value="reject", label="不通过"}]
[[fields]]
name = "opinion"
label = "审核意见"
type = "textarea"
required_when = { field = "decision", equals = "reject" }
[[fields]]
name = "count"
label = "份数"
type = "integer"
[[fields]]
name = "tags"
label = "标签"
type = "multichoice"
choices_from = "tags_available"
required_when = { field = "stage", equals = "final" }
[[fields]]
name = "shown"
label = "申请人"
type = "text"
readonly_from = "applicant_name"
"""
