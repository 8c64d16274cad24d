"""The server-side BPMN diagram renderer on small files made here: every kind of element, labels, overlays."""

from __future__ import annotations

import pytest

from engine.diagram import DiagramError, HighlightSpec, Overlay, list_diagrams, render_svg
from engine.diagram.text import text_width, wrap
from engine.settings import ROOT
from tests.engine.diagram_support import (
    COLLAB,
    EVENT_DEFS,
    EVENTS,
    LONG_NAME,
    NSMAP,
    TASKS,
    bpmn,
    classes,
    group,
    has_class,
    label_lines,
    label_text,
    parse,
    path_points,
)


def _grid(ids: list[str], w: float, h: float, per_row: int = 6) -> dict[str, tuple]:
    """Place shapes on a grid."""
    return {i: ((n % per_row) * 160.0, (n // per_row) * 140.0, w, h) for n, i in enumerate(ids)}


@pytest.fixture(scope="module")
def tasks_svg():
    ids = ["t_plain", "t_user", "t_service", "t_script", "t_send", "t_receive", "t_manual", "t_rule", "t_loop",
           "t_mi_par", "t_mi_seq", "t_comp", "call", "call_global", "sub_collapsed", "sub_event", "tx", "adhoc",
           "t_long"]
    shapes = _grid(ids, 100, 80)
    shapes["sub_expanded"] = (0, 600, 300, 200)
    shapes["inner_start"] = (40, 680, 36, 36)
    return parse(render_svg(bpmn(TASKS, shapes)))


@pytest.fixture(scope="module")
def events_svg():
    events = [f"catch_{k}" for k in EVENT_DEFS] + ["start_none", "end_none", "throw_signal", "catch_multiple",
                                                   "catch_par_multiple", "end_ref"]
    shapes = _grid(events, 36, 36)
    shapes.update({g: (n * 100.0, 400, 50, 50) for n, g in
                   enumerate(["gw_x", "gw_plain", "gw_o", "gw_par", "gw_ev", "gw_cx"])})
    shapes.update({"host": (0, 600, 100, 80), "b_int": (20, 662, 36, 36), "b_non": (60, 662, 36, 36),
                   "a1": (200, 600, 100, 80), "a2": (400, 600, 100, 80), "do_ref": (600, 600, 36, 50),
                   "store_ref": (700, 600, 50, 50), "note": (200, 750, 120, 40), "grp": (180, 580, 360, 140)})
    edges = {"f_default": [(25, 450), (25, 520), (250, 520), (250, 600)],
             "f_cond": [(300, 640), (400, 640)],
             "f_gw_cond": [(50, 425), (450, 425), (450, 600)],
             "assoc": [(260, 750), (250, 680)]}
    return parse(render_svg(bpmn(EVENTS, shapes, edges, extra_di={"gw_x": 'isMarkerVisible="true"',
                                                                   "gw_plain": 'isMarkerVisible="false"'})))


@pytest.mark.parametrize(("element_id", "icon"), [
    ("t_user", "user"), ("t_service", "service"), ("t_script", "script"), ("t_send", "send"),
    ("t_receive", "receive"), ("t_manual", "manual"), ("t_rule", "businessRule"), ("call_global", "user")])
def test_task_type_icons(tasks_svg, element_id, icon):
    assert has_class(group(tasks_svg, element_id), f"bpmn-icon-{icon}")


def test_plain_task_has_no_icon_or_marker(tasks_svg):
    g = group(tasks_svg, "t_plain")
    assert classes(g) == {"bpmn-shape", "bpmn-task"}
    assert not g.xpath(".//*[contains(@class, 'bpmn-icon') or contains(@class, 'bpmn-marker')]")


@pytest.mark.parametrize(("element_id", "marker"), [
    ("t_loop", "loop"), ("t_mi_par", "mi-parallel"), ("t_mi_seq", "mi-sequential"), ("t_comp", "compensation"),
    ("sub_collapsed", "collapsed"), ("call", "collapsed"), ("adhoc", "adhoc"), ("adhoc", "collapsed")])
def test_activity_markers(tasks_svg, element_id, marker):
    assert has_class(group(tasks_svg, element_id), f"bpmn-marker-{marker}")


def test_sub_process_variants(tasks_svg):
    expanded = group(tasks_svg, "sub_expanded")
    assert "bpmn-expanded" in classes(expanded) and not has_class(expanded, "bpmn-marker-collapsed")
    assert "bpmn-event-subprocess" in classes(group(tasks_svg, "sub_event"))
    dotted = group(tasks_svg, "sub_event").find("s:rect", NSMAP)
    assert dotted.get("stroke-dasharray")
    assert group(tasks_svg, "tx").xpath("count(s:rect)", namespaces=NSMAP) == 2  # double border
    assert float(group(tasks_svg, "call").find("s:rect", NSMAP).get("stroke-width")) >= 4  # thick border
    assert not has_class(group(tasks_svg, "call_global"), "bpmn-marker-collapsed")
    assert label_text(expanded) == "Expanded"
    assert "bpmn-startEvent" in classes(group(tasks_svg, "inner_start"))


def test_long_chinese_name_wraps_inside_a_100_by_80_task(tasks_svg):
    lines = label_lines(group(tasks_svg, "t_long"))
    assert len(lines) >= 3
    assert "".join(lines) == LONG_NAME
    size = float(group(tasks_svg, "t_long").find("s:text", NSMAP).get("font-size").removesuffix("px"))
    assert all(text_width(line, size) <= 90 for line in lines)
    ys = [float(t.get("y")) for t in group(tasks_svg, "t_long").iterfind(".//s:tspan", NSMAP)]
    x, y = 0.0 + 160 * (18 % 6), 140.0 * (18 // 6)  # t_long is the 19th shape on the grid
    assert all(y < v <= y + 80 for v in ys)
    assert all(float(t.get("x")) == x + 50 for t in group(tasks_svg, "t_long").iterfind(".//s:tspan", NSMAP))


@pytest.mark.parametrize("kind", EVENT_DEFS)
def test_event_definitions(events_svg, kind):
    g = group(events_svg, f"catch_{kind}")
    assert "bpmn-intermediateCatchEvent" in classes(g)
    assert has_class(g, f"bpmn-event-def-{kind}")
    assert g.xpath("count(s:circle)", namespaces=NSMAP) == 2  # intermediate events have a double ring


def test_event_kinds_and_multiple_definitions(events_svg):
    assert not group(events_svg, "start_none").xpath(".//*[contains(@class, 'bpmn-event-def')]")
    end = group(events_svg, "end_none").find("s:circle", NSMAP)
    assert float(end.get("stroke-width")) >= 4
    assert has_class(group(events_svg, "throw_signal"), "throw")
    assert has_class(group(events_svg, "catch_signal"), "catch")
    assert has_class(group(events_svg, "catch_multiple"), "bpmn-event-def-multiple")
    assert has_class(group(events_svg, "catch_par_multiple"), "bpmn-event-def-parallelMultiple")
    assert has_class(group(events_svg, "end_ref"), "bpmn-event-def-error")
    assert label_text(group(events_svg, "start_none")) == "开始"


def test_boundary_events(events_svg):
    interrupting, non = group(events_svg, "b_int"), group(events_svg, "b_non")
    assert "bpmn-non-interrupting" not in classes(interrupting)
    assert not interrupting.find("s:circle", NSMAP).get("stroke-dasharray")
    assert "bpmn-non-interrupting" in classes(non)
    assert non.find("s:circle", NSMAP).get("stroke-dasharray")


@pytest.mark.parametrize(("element_id", "marker"), [
    ("gw_x", "exclusive"), ("gw_o", "inclusive"), ("gw_par", "parallel"), ("gw_ev", "eventBased"),
    ("gw_cx", "complex")])
def test_gateway_marks(events_svg, element_id, marker):
    assert has_class(group(events_svg, element_id), f"bpmn-marker-{marker}")


def test_exclusive_gateway_without_visible_marker_is_empty(events_svg):
    assert not group(events_svg, "gw_plain").xpath(".//*[contains(@class, 'bpmn-marker')]")


def test_flows(events_svg):
    default = group(events_svg, "f_default")
    assert "bpmn-default-flow" in classes(default) and has_class(default, "bpmn-marker-default")
    line = default.xpath("s:path[contains(@class, 'bpmn-edge-line')]", namespaces=NSMAP)[0]
    assert path_points(line.get("d")) == [(25, 450), (25, 520), (250, 520), (250, 600)]
    assert has_class(default, "filled")  # solid arrow head
    assert label_text(default) == "否"
    assert has_class(group(events_svg, "f_cond"), "bpmn-marker-conditional")
    # A condition on a flow leaving a gateway gets no diamond.
    assert not has_class(group(events_svg, "f_gw_cond"), "bpmn-marker-conditional")
    assoc = group(events_svg, "assoc").find("s:path", NSMAP)
    assert assoc.get("stroke-dasharray")


def test_data_annotation_and_group(events_svg):
    data = group(events_svg, "do_ref")
    assert has_class(data, "bpmn-marker-mi-parallel")  # a collection
    assert label_text(data) == "申请表[已签]"
    assert "bpmn-dataStoreReference" in classes(group(events_svg, "store_ref"))
    assert label_text(group(events_svg, "note")) == "需本人到场"
    grp = group(events_svg, "grp")
    assert label_text(grp) == "柜面办理"
    assert grp.find("s:rect", NSMAP).get("stroke-dasharray")


@pytest.fixture(scope="module")
def collab_svg():
    shapes = {"pool": (0, 0, 600, 250), "lane1": (30, 0, 570, 125), "lane2": (30, 125, 570, 125),
              "citizen": (0, 300, 600, 60), "recv": (100, 30, 100, 80), "din": (300, 30, 36, 50),
              "dout": (400, 30, 36, 50), "dref": (500, 30, 36, 50), "vpool": (700, 0, 200, 400)}
    edges = {"mf": [(150, 300), (150, 110)]}
    return parse(render_svg(bpmn(COLLAB, shapes, edges, plane_element="c",
                                 extra_di={"pool": 'isHorizontal="true"', "vpool": 'isHorizontal="false"',
                                           "mf": 'messageVisibleKind="initiating"'})))


def test_collaboration_pools_lanes_and_message_flow(collab_svg):
    pool = group(collab_svg, "pool")
    assert "bpmn-participant" in classes(pool) and label_text(pool) == "村服务点"
    assert pool.find("s:text", NSMAP).get("transform", "").startswith("rotate(-90")
    assert label_text(group(collab_svg, "citizen")) == "申请人"  # a black-box pool
    assert "bpmn-vertical" in classes(group(collab_svg, "vpool"))
    assert not group(collab_svg, "vpool").find("s:text", NSMAP).get("transform")
    assert label_text(group(collab_svg, "lane1")) == "窗口"
    flow = group(collab_svg, "mf")
    assert "bpmn-messageFlow" in classes(flow)
    assert flow.find("s:path", NSMAP).get("stroke-dasharray")
    assert flow.find("s:circle", NSMAP) is not None  # open circle at the source
    assert has_class(flow, "bpmn-message-envelope")
    assert label_text(flow) == "提交材料"
    assert has_class(group(collab_svg, "din"), "bpmn-marker-data-input")
    assert has_class(group(collab_svg, "dout"), "bpmn-marker-data-output")
    assert "bpmn-dataObjectReference" in classes(group(collab_svg, "dref"))


def test_layers_put_pools_first_and_the_view_box_covers_everything(collab_svg):
    layers = [g.get("class") for g in collab_svg.findall("s:g", NSMAP)]
    assert layers[0] == "bpmn-layer bpmn-layer-pools"
    x, y, w, h = map(float, collab_svg.get("viewBox").split())
    assert x <= 0 and y <= 0 and x + w >= 900 and y + h >= 400


def test_overlays_and_highlights():
    source = bpmn(EVENTS, {"a1": (0, 0, 100, 80), "a2": (200, 0, 100, 80)}, {"f_cond": [(100, 40), (200, 40)]})
    svg = parse(render_svg(source, overlay={"a1": Overlay(badge="3 等待 / 1 超期", state="overdue", title="3 个待办"),
                                             "a2": Overlay(state="active")},
                           highlight=HighlightSpec(flows={"f_cond"}, elements={"a1"})))
    a1 = group(svg, "a1")
    assert {"state-overdue", "visited"} <= classes(a1)
    badge = a1.xpath(".//s:g[contains(@class, 'bpmn-badge')]", namespaces=NSMAP)[0]
    assert "badge-overdue" in classes(badge)
    assert badge.find("s:text", NSMAP).text == "3 等待 / 1 超期"
    assert float(badge.find("s:rect", NSMAP).get("y")) < 0  # straddles the top edge
    assert a1.find("s:title", NSMAP).text == "3 个待办"
    assert "state-active" in classes(group(svg, "a2"))
    assert "taken" in classes(group(svg, "f_cond"))
    assert ".state-overdue" in svg.find("s:style", NSMAP).text


def test_overlay_state_must_be_a_class_name():
    with pytest.raises(ValueError):
        render_svg(bpmn(EVENTS, {"a1": (0, 0, 100, 80)}), overlay={"a1": Overlay(state='x" onload="alert(1)')})


def test_diagram_choice():
    two = bpmn(TASKS, {"t_user": (0, 0, 100, 80)}).replace(
        "</bpmn:definitions>",
        '<bpmndi:BPMNDiagram id="d2"><bpmndi:BPMNPlane id="plane2" bpmnElement="other">'
        '<bpmndi:BPMNShape id="s" bpmnElement="t_send"><dc:Bounds x="0" y="0" width="100" height="80"/>'
        "</bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>")
    assert list_diagrams(two) == ["d1", "d2"]
    first = parse(render_svg(two))
    assert first.get("data-diagram-id") == "d1" and group(first, "t_user") is not None
    second = parse(render_svg(two, diagram_id="plane2"))
    assert second.xpath("count(//s:g[@data-element-id='t_send'])", namespaces=NSMAP) == 1
    assert second.xpath("count(//s:g[@data-element-id='t_user'])", namespaces=NSMAP) == 0
    with pytest.raises(DiagramError, match="d1, d2"):
        render_svg(two, diagram_id="nope")


@pytest.mark.parametrize(("source", "detail"), [
    (b"not xml at all", "not XML"),
    (b"<html><body/></html>", "not BPMN"),
    (bpmn("<bpmn:process id='p'/>", {}).split("<bpmndi:BPMNDiagram")[0] + "</bpmn:definitions>", "no DI"),
])
def test_bad_input_is_refused_clearly(source, detail):
    with pytest.raises(DiagramError) as info:
        render_svg(source)
    assert detail in str(info.value)
    assert info.value.message  # a Chinese message for users


def test_entities_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    source = bpmn('<bpmn:process id="p"><bpmn:textAnnotation id="t"><bpmn:text>&xxe;</bpmn:text></bpmn:textAnnotation>'
                  "</bpmn:process>", {"t": (0, 0, 100, 80)})
    source = source.replace("<bpmn:definitions",
                            f'<!DOCTYPE d [<!ENTITY xxe SYSTEM "file://{secret}">]>\n<bpmn:definitions', 1)
    assert "TOP-SECRET" not in render_svg(source)


def test_str_path_and_xml_text_inputs(tmp_path):
    text = bpmn(TASKS, {"t_user": (0, 0, 100, 80)}).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    file = tmp_path / "one.bpmn"
    file.write_bytes(text.encode("iso-8859-1", "xmlcharrefreplace"))
    assert render_svg(text) == render_svg(file) == render_svg(str(file)) == render_svg(file.read_bytes())
    assert "受理登记" in render_svg(file)


def test_wrapping_rules():
    assert wrap("Check application automatically", 90, 12) == ["Check", "application", "automatically"]
    assert wrap("Short", 90, 12) == ["Short"]
    assert wrap("第一行\n第二行", 200, 12) == ["第一行", "第二行"]
    # A closing punctuation mark never starts a line.
    lines = wrap("审核通过，发放证件", 5 * 12, 12)
    assert not any(line.startswith("，") for line in lines)
    assert "".join(lines) == "审核通过，发放证件"
    assert text_width("中文", 10) == 20 and text_width("ab", 10) == pytest.approx(11)


PROCESS_FILES = sorted((ROOT / "processes").glob("*.bpmn"))


@pytest.mark.parametrize("path", PROCESS_FILES, ids=[p.name for p in PROCESS_FILES])
def test_project_processes_render(path):
    from lxml import etree

    svg = parse(render_svg(path))
    source = etree.parse(str(path))
    refs = source.xpath("//*[local-name()='BPMNShape']/@bpmnElement")
    assert refs
    for ref in refs:
        g = group(svg, ref)
        node = source.xpath("//*[@id=$id]", id=ref)[0]
        assert f"bpmn-{etree.QName(node).localname}" in classes(g)
        name = "".join((node.get("name") or "").split())
        if name:
            assert label_text(g) == name, ref


def test_lanes_take_their_pools_orientation():
    semantic = ('<bpmn:collaboration id="c"><bpmn:participant id="vp" name="V" processRef="p"/></bpmn:collaboration>'
                '<bpmn:process id="p"><bpmn:laneSet><bpmn:lane id="vl" name="甲"/></bpmn:laneSet></bpmn:process>')
    svg = parse(render_svg(bpmn(semantic, {"vp": (0, 0, 200, 400), "vl": (0, 30, 200, 370)}, plane_element="c",
                                extra_di={"vp": 'isHorizontal="false"'})))
    assert "bpmn-vertical" in classes(group(svg, "vl"))
    assert not group(svg, "vl").find("s:text", NSMAP).get("transform")
