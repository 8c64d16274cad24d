"""The catalog agrees with the processes (each item's process and deadline) and with the county's 附件1."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from app.catalog import load_catalog
from engine.settings import ROOT
from engine.timer_check import deadline_days
from tests.conftest import PROCESSES

CATALOG = load_catalog(PROCESSES / "catalog.toml")
SEED = ROOT.parent / "shared" / "seed" / "qinshui-coverage-plan.zh.txt"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def test_catalog_has_the_40_items_and_the_4_demo_items():
    codes = [i.code for i in CATALOG.items]
    assert codes == [str(n) for n in range(1, 41)] + ["D1", "D2", "D3", "D4"]
    assert [i.code for i in CATALOG.items if i.demo_only] == ["D1", "D2", "D3", "D4"]
    by_category = {c: sum(1 for i in CATALOG.items if i.category == c) for c in {i.category for i in CATALOG.items}}
    # DOMAIN.md: employment 19 = 15 + 4, social security 21 = 18 + 3.
    assert by_category == {"我要找工作": 15, "我要学技能": 4, "我要办社保": 18, "我要用社保卡": 3, "示范网点": 4}


@pytest.mark.parametrize("item", CATALOG.items, ids=lambda i: i.code)
def test_each_item_has_its_process_with_its_statutory_deadline_timer(item):
    path = PROCESSES / f"{item.process}.bpmn"
    assert path.exists(), f"item {item.code} {item.name}: no processes/{item.process}.bpmn"
    tree = etree.parse(str(path))
    (process,) = tree.xpath("//bpmn:process", namespaces=NS)
    assert process.get("id") == item.process and process.get("name") == item.name
    deadlines = [(t.getparent().getparent(), deadline_days(t.text)) for t in tree.iterfind(".//bpmn:timeDate", NS)
                 if deadline_days(t.text) is not None]
    assert len(deadlines) == 1, f"{path.name}: needs exactly one statutory_due(accepted_at, N) timer"
    event, days = deadlines[0]
    assert days == item.limit_days, f"{path.name}: deadline {days} working days, catalog says {item.limit_days}"
    assert event.tag.endswith("boundaryEvent") and event.get("cancelActivity") == "false"


def _seed_rows() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    section = text[text.index("服务事项清单（40项）"):text.index("附件2")]
    return [line for line in section.splitlines() if "柜面" in line]  # one line per item; headers name no channel


@pytest.mark.skipif(not SEED.exists(), reason="the county's original document is in ../shared/seed")
def test_catalog_agrees_with_the_seed_table():
    rows = _seed_rows()
    assert len(rows) == 40
    for item, row in zip(CATALOG.items[:40], rows, strict=True):
        name = re.sub(r"[（）《》/、]", "", item.name)
        assert set(name) <= set(row), f"item {item.code}: name {item.name} not in {row[:40]}"
        limit = "即时办结" if item.limit_days == 0 else f"{item.limit_days}个工作日"
        assert limit in row, f"item {item.code}: limit {limit} not in the seed row"
        assert ("自助机" in row) == ("kiosk" in item.channels), f"item {item.code}: channels differ"
