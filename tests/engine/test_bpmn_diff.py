"""The version diff names elements added, removed and changed, and ignores layout."""

from __future__ import annotations

import re

from engine.bpmn_diff import diff_bpmn
from tests.conftest import PROCESSES

ITEM11 = (PROCESSES / "item_11_unemployment_registration.bpmn").read_text(encoding="utf-8")


def test_same_file_and_layout_only_changes_are_empty():
    assert diff_bpmn(ITEM11, ITEM11).empty
    moved = re.sub(r'<dc:Bounds x="(\d+)"', lambda m: f'<dc:Bounds x="{int(m.group(1)) + 5}"', ITEM11)
    assert moved != ITEM11 and diff_bpmn(ITEM11, moved).empty


def test_renamed_task_changed_timer_removed_flow_and_added_task():
    new = (ITEM11.replace('name="受理登记"', 'name="受理失业登记"')
           .replace("statutory_due(accepted_at, 10)", "statutory_due(accepted_at, 9)")
           .replace('<bpmn:endEvent id="end_supervised" name="督办完毕">',
                    '<bpmn:task id="extra" name="归档" /><bpmn:endEvent id="end_supervised" name="督办完毕">'))
    diff = diff_bpmn(ITEM11, new)
    assert [(c.element_id, c.kind) for c in diff.added] == [("extra", "task")]
    changed = {c.element_id: c.details for c in diff.changed}
    assert changed["item11_accept"] == ("name",)
    assert "deadline_timer" in changed and diff.removed == []
    removed = diff_bpmn(new, ITEM11)
    assert [c.element_id for c in removed.removed] == ["extra"]
