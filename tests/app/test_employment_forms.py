"""The employment forms repeat the fixed lists of app.employment.vocab; they must agree with it."""

from __future__ import annotations

import pytest

from app.employment import vocab
from engine.forms import FormRegistry
from engine.script_env import RESERVED_NAMES
from tests.conftest import FORMS

LISTS = {
    "seeker_job_types": vocab.JOB_TYPES, "query_job_type": vocab.JOB_TYPES, "gig_job_type": vocab.JOB_TYPES,
    "seeker_towns": vocab.TOWNS, "query_town": vocab.TOWNS, "gig_work_town": vocab.TOWNS,
    "flex_work_town": vocab.TOWNS, "fair_town": vocab.TOWNS,
    "flex_employment_type": vocab.FLEXIBLE_TYPES, "priority_group": vocab.PRIORITY_GROUPS,
    "training_types": vocab.TRAINING_TYPES, "unemployment_reason": vocab.UNEMPLOYMENT_REASONS,
}
REGISTRY = FormRegistry(FORMS, reserved=RESERVED_NAMES)
EMPLOYMENT_FORMS = sorted(i for i in REGISTRY.ids() if i[:4] == "item" and i[4:6].isdigit() and int(i[4:6]) <= 19)


@pytest.mark.parametrize("form_id", EMPLOYMENT_FORMS)
def test_choice_lists_match_the_vocabulary(form_id):
    for field in REGISTRY.get(form_id).fields:
        if field.name in LISTS:
            assert {c.value: c.label for c in field.choices} == LISTS[field.name], f"{form_id}.{field.name}"


def test_item16_offers_exactly_the_six_priority_groups():
    field = REGISTRY.get("item16_register").field("priority_group")
    assert [c.label for c in field.choices] == [
        "防止返贫监测对象", "毕业年度高校毕业生", "城乡未继续升学的应届初中高中毕业生", "农村转移就业劳动者",
        "城镇登记失业人员", "就业困难人员"]
    assert field.required_when.field == "group_check"


def test_every_list_is_used_somewhere():
    used = {f.name for form_id in EMPLOYMENT_FORMS for f in REGISTRY.get(form_id).fields}
    assert set(LISTS) <= used
