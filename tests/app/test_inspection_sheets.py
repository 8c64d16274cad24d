"""The score sheets as data: as printed in 附件2, the sum check, pass-mark scaling, scoring and the generated forms."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from app.inspection.formgen import form_toml, stale_forms
from app.inspection.sheets import ScoreError, SheetError, check_sheet, load_sheets, parse_sheets, pass_mark, score_sheet
from engine.settings import ROOT
from tests.conftest import FORMS, PROCESSES

SHEETS = load_sheets(PROCESSES / "score_sheets.toml")
SEED = ROOT.parent / "shared" / "seed" / "qinshui-coverage-plan.zh.txt"


def test_the_basic_sheet_is_reported_with_its_arithmetic():
    basic = SHEETS["basic"]
    assert [g.total for g in basic.groups] == [25, 25, 25, 35] and basic.maximum == 110
    findings = [f.message for f in check_sheet(basic)]
    assert findings == ["四、制度建设：细则分值 15 + 10 + 10 = 35，与标注的 25 分不符",
                        "合计：各项目 25 + 25 + 25 + 35 = 110，与标注的合计 100 分不符；"
                        "评分按细则分值计算，满分为 110 分"]


def test_the_demo_sheet_adds_up_to_100_but_its_printed_groups_do_not():
    demo = SHEETS["demo"]
    assert demo.maximum == 100 and demo.line(9).points == 0 and not demo.line(9).scorable
    assert [f.where for f in check_sheet(demo)] == ["一、基础设施", "二、人员配备", "三、开展业务", "四、制度建设"]
    assert len(demo.scorable_lines) == 11


def test_a_fixed_sheet_has_no_findings():
    text = (PROCESSES / "score_sheets.toml").read_text(encoding="utf-8")
    import tomllib

    document = tomllib.loads(text.replace('text = "与县级人社部门签订《合作协议》。", points = 15 }',
                                          'text = "与县级人社部门签订《合作协议》。", points = 5 }', 1))
    assert check_sheet(parse_sheets(document)["basic"]) == []


@pytest.mark.skipif(not SEED.exists(), reason="the county's original document is in ../shared/seed")
def test_lines_are_the_printed_ones():
    text = SEED.read_text(encoding="utf-8")
    section = text[text.index("附件2"):text.index("附件 3")]
    basic_part, demo_part = section.split("（示范服务点）")
    for sheet, part in ((SHEETS["basic"], basic_part), (SHEETS["demo"], demo_part)):
        rows = {int(m.group(1)): (m.group(2), int(m.group(3)) if m.group(3) else 0)
                for m in re.finditer(r"^[^\t]*\t(\d+)\t([^\t]*)\t(\d*)\t", part, re.M)}
        assert {line.no: (line.text, line.points) for line in sheet.lines} == rows
        labels = [g.label for g in sheet.groups]
        assert all(f"{label} (25)" in part for label in labels)


def test_pass_mark_scales_to_the_sheet_maximum():
    assert pass_mark(SHEETS["basic"], 80) == 88 and pass_mark(SHEETS["demo"], 80) == 80
    assert pass_mark(SHEETS["basic"], 75) == Fraction(165, 2)


def test_scoring_refuses_missing_and_out_of_range_lines():
    basic = SHEETS["basic"]
    full = {line.no: line.points for line in basic.scorable_lines}
    assert score_sheet(basic, full, {}, 80).total == 110
    with pytest.raises(ScoreError, match="缺少第4项的得分"):
        score_sheet(basic, {k: v for k, v in full.items() if k != 4}, {}, 80)
    with pytest.raises(ScoreError, match="第2项的得分应在0到10分之间，现为12分"):
        score_sheet(basic, {**full, 2: 12}, {}, 80)
    with pytest.raises(ScoreError, match="评分表中没有第13项"):
        score_sheet(basic, {**full, 13: 1}, {}, 80)


def test_bad_sheet_files_are_refused_with_the_place():
    with pytest.raises(SheetError, match="缺少评分表：basic、demo"):
        parse_sheets({"sheets": []})
    good = {"kind": "basic", "title": "t", "subtitle": "s", "unit_line": "u", "inspecting_unit": "i",
            "stated_total": 10, "footnote": "f", "groups": [{"label": "一", "stated_total": 10, "lines": [
                {"no": 1, "text": "a", "points": 5}, {"no": 1, "text": "b", "points": 5}]}]}
    with pytest.raises(SheetError, match="评分表 basic 第1项：序号重复"):
        parse_sheets({"sheets": [good]})


def test_the_score_forms_are_generated_from_the_sheets():
    assert stale_forms(SHEETS, FORMS) == [], "run: python -m app.inspection.make_forms"
    assert 'name = "basic_score_12"' in form_toml(SHEETS["basic"]) and "demo_score_09" not in form_toml(SHEETS["demo"])
