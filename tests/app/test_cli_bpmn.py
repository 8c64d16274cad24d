"""`cuncun bpmn render`, run with CliRunner."""

from __future__ import annotations

from click.testing import CliRunner

from app.cli.bpmn_cmds import bpmn
from tests.conftest import PROCESSES
from tests.engine.diagram_support import bpmn as bpmn_file


def run(*args: str):
    return CliRunner().invoke(bpmn, list(args))


def test_render_writes_svg(tmp_path):
    out = tmp_path / "item11.svg"
    result = run("render", str(PROCESSES / "item_11_unemployment_registration.bpmn"), "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<svg" in text
    assert "办理失业登记" in text
    assert "wrote" in result.output


def test_render_chooses_a_diagram(tmp_path):
    source = tmp_path / "one.bpmn"
    source.write_text(bpmn_file('<bpmn:process id="p"><bpmn:task id="t" name="T"/></bpmn:process>',
                                {"t": (0, 0, 100, 80)}), encoding="utf-8")
    assert run("render", str(source), "--out", str(tmp_path / "a.svg"), "--diagram", "d1").exit_code == 0
    result = run("render", str(source), "--out", str(tmp_path / "b.svg"), "--diagram", "nope")
    assert result.exit_code != 0 and "no diagram 'nope'" in result.output
    assert not (tmp_path / "b.svg").exists()


def test_render_refuses_bad_files_clearly(tmp_path):
    cases = {"plain.bpmn": "not a file of XML", "html.bpmn": "<html/>",
             "nodi.bpmn": bpmn_file('<bpmn:process id="p"/>', {}).split("<bpmndi:BPMNDiagram")[0]
             + "</bpmn:definitions>"}
    messages = {"plain.bpmn": "not XML", "html.bpmn": "not BPMN", "nodi.bpmn": "no DI"}
    for name, content in cases.items():
        source = tmp_path / name
        source.write_text(content, encoding="utf-8")
        result = run("render", str(source), "--out", str(tmp_path / "x.svg"))
        assert result.exit_code == 1, name
        assert messages[name] in result.output and name in result.output
    assert not (tmp_path / "x.svg").exists()
    assert run("render", str(tmp_path / "missing.bpmn"), "--out", str(tmp_path / "x.svg")).exit_code != 0
