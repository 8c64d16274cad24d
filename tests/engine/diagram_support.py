"""Helpers for the diagram tests: build small BPMN files with DI, and query rendered SVG."""

from __future__ import annotations

from lxml import etree

SVG = "http://www.w3.org/2000/svg"
NSMAP = {"s": SVG}

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"'
    ' xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"'
    ' id="defs" targetNamespace="http://cuncun.test">\n'
)


def bpmn(semantic: str, shapes: dict[str, tuple], edges: dict[str, list[tuple[float, float]]] | None = None,
         plane_element: str = "p", extra_di: dict[str, str] | None = None) -> str:
    """Return a BPMN file: the semantic XML plus one diagram with the given shape bounds and edge waypoints.

    shapes maps element id to (x, y, w, h) or (x, y, w, h, (lx, ly, lw, lh)) with label bounds;
    extra_di maps element id to extra attributes of its BPMNShape or BPMNEdge.
    """
    extra_di = extra_di or {}
    di = []
    for ref, spec in shapes.items():
        x, y, w, h = spec[:4]
        label = ""
        if len(spec) > 4:
            lx, ly, lw, lh = spec[4]
            label = f'<bpmndi:BPMNLabel><dc:Bounds x="{lx}" y="{ly}" width="{lw}" height="{lh}"/></bpmndi:BPMNLabel>'
        di.append(f'<bpmndi:BPMNShape id="{ref}_di" bpmnElement="{ref}" {extra_di.get(ref, "")}>'
                  f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/>{label}</bpmndi:BPMNShape>')
    for ref, points in (edges or {}).items():
        wps = "".join(f'<di:waypoint x="{x}" y="{y}"/>' for x, y in points)
        di.append(f'<bpmndi:BPMNEdge id="{ref}_di" bpmnElement="{ref}" {extra_di.get(ref, "")}>{wps}'
                  "</bpmndi:BPMNEdge>")
    return (HEADER + semantic + f'\n<bpmndi:BPMNDiagram id="d1"><bpmndi:BPMNPlane id="plane1" '
            f'bpmnElement="{plane_element}">' + "\n".join(di) + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n"
            "</bpmn:definitions>\n")


def parse(svg: str) -> etree._Element:
    """Parse rendered SVG text."""
    return etree.fromstring(svg.encode("utf-8"))


def group(root: etree._Element, element_id: str) -> etree._Element:
    """Return the one group drawn for an element id."""
    found = root.xpath("//s:g[@data-element-id=$id]", namespaces=NSMAP, id=element_id)
    assert len(found) == 1, f"{element_id}: {len(found)} groups"
    return found[0]


def classes(node: etree._Element) -> set[str]:
    """Return a node's class names."""
    return set((node.get("class") or "").split())


def has_class(node: etree._Element, name: str) -> bool:
    """Return whether the node or one of its descendants has the class."""
    return bool(node.xpath(".//*[contains(concat(' ', @class, ' '), $c)]", c=f" {name} ")) or name in classes(node)


def label_lines(node: etree._Element) -> list[str]:
    """Return the label lines (tspans of bpmn-label texts) drawn in a group, badges excluded."""
    return [t.text or "" for t in node.xpath(".//s:text[contains(@class, 'bpmn-label')]/s:tspan", namespaces=NSMAP)]


def label_text(node: etree._Element) -> str:
    """Return a group's label text with all whitespace removed (wrapping splits lines at spaces)."""
    return "".join("".join(label_lines(node)).split()).replace("\u00a0", "")


def path_points(d: str) -> list[tuple[float, float]]:
    """Return the points of an M/L path definition."""
    points = []
    for part in d.replace("M", " ").replace("L", " ").replace("Z", " ").split():
        x, y = part.split(",")
        points.append((float(x), float(y)))
    return points


# Small models with every kind of element; their DI is added by the tests.
LONG_NAME = "核验申请人身份证件并登记失业人员的基本信息"

TASKS = """
<bpmn:process id="p" isExecutable="true">
  <bpmn:task id="t_plain" name="Plain"/>
  <bpmn:userTask id="t_user" name="受理登记"/>
  <bpmn:serviceTask id="t_service" name="Service"/>
  <bpmn:scriptTask id="t_script" name="Script"/>
  <bpmn:sendTask id="t_send" name="Send"/>
  <bpmn:receiveTask id="t_receive" name="Receive"/>
  <bpmn:manualTask id="t_manual" name="Manual"/>
  <bpmn:businessRuleTask id="t_rule" name="Rule"/>
  <bpmn:task id="t_loop" name="Loop"><bpmn:standardLoopCharacteristics/></bpmn:task>
  <bpmn:task id="t_mi_par" name="MI"><bpmn:multiInstanceLoopCharacteristics/></bpmn:task>
  <bpmn:task id="t_mi_seq" name="MI seq"><bpmn:multiInstanceLoopCharacteristics isSequential="true"/></bpmn:task>
  <bpmn:task id="t_comp" name="Undo" isForCompensation="true"/>
  <bpmn:callActivity id="call" name="Call" calledElement="other"/>
  <bpmn:callActivity id="call_global" name="Call global" calledElement="g_user"/>
  <bpmn:subProcess id="sub_collapsed" name="Collapsed"/>
  <bpmn:subProcess id="sub_expanded" name="Expanded">
    <bpmn:startEvent id="inner_start"/>
  </bpmn:subProcess>
  <bpmn:subProcess id="sub_event" name="On error" triggeredByEvent="true"/>
  <bpmn:transaction id="tx" name="Transaction"/>
  <bpmn:adHocSubProcess id="adhoc" name="Ad hoc"/>
  <bpmn:task id="t_long" name="{long}"/>
</bpmn:process>
<bpmn:process id="other"/>
<bpmn:globalUserTask id="g_user" name="Global"/>
""".replace("{long}", LONG_NAME)

EVENT_DEFS = ["message", "timer", "error", "escalation", "cancel", "compensate", "conditional", "link", "signal",
              "terminate"]

EVENTS = "<bpmn:process id=\"p\">\n" + "\n".join(
    f'<bpmn:intermediateCatchEvent id="catch_{k}" name="{k}"><bpmn:{k}EventDefinition/></bpmn:intermediateCatchEvent>'
    for k in EVENT_DEFS) + """
  <bpmn:startEvent id="start_none" name="开始"/>
  <bpmn:endEvent id="end_none" name="结束"/>
  <bpmn:intermediateThrowEvent id="throw_signal"><bpmn:signalEventDefinition/></bpmn:intermediateThrowEvent>
  <bpmn:intermediateCatchEvent id="catch_multiple">
    <bpmn:messageEventDefinition/><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>
  <bpmn:intermediateCatchEvent id="catch_par_multiple" parallelMultiple="true">
    <bpmn:messageEventDefinition/><bpmn:signalEventDefinition/></bpmn:intermediateCatchEvent>
  <bpmn:endEvent id="end_ref"><bpmn:eventDefinitionRef>shared_error</bpmn:eventDefinitionRef></bpmn:endEvent>
  <bpmn:task id="host" name="Host"/>
  <bpmn:boundaryEvent id="b_int" attachedToRef="host"><bpmn:timerEventDefinition/></bpmn:boundaryEvent>
  <bpmn:boundaryEvent id="b_non" attachedToRef="host" cancelActivity="false">
    <bpmn:escalationEventDefinition/></bpmn:boundaryEvent>
  <bpmn:exclusiveGateway id="gw_x" name="通过？" default="f_default"/>
  <bpmn:exclusiveGateway id="gw_plain"/>
  <bpmn:inclusiveGateway id="gw_o"/>
  <bpmn:parallelGateway id="gw_par"/>
  <bpmn:eventBasedGateway id="gw_ev"/>
  <bpmn:complexGateway id="gw_cx"/>
  <bpmn:task id="a1" name="A1"/>
  <bpmn:task id="a2" name="A2"/>
  <bpmn:sequenceFlow id="f_default" name="否" sourceRef="gw_x" targetRef="a1"/>
  <bpmn:sequenceFlow id="f_cond" sourceRef="a1" targetRef="a2">
    <bpmn:conditionExpression>ok</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f_gw_cond" name="是" sourceRef="gw_x" targetRef="a2">
    <bpmn:conditionExpression>ok</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:dataObject id="do_list" isCollection="true"/>
  <bpmn:dataObjectReference id="do_ref" name="申请表" dataObjectRef="do_list"><bpmn:dataState name="已签"/>
  </bpmn:dataObjectReference>
  <bpmn:dataStoreReference id="store_ref" name="档案库"/>
  <bpmn:textAnnotation id="note"><bpmn:text>需本人到场</bpmn:text></bpmn:textAnnotation>
  <bpmn:association id="assoc" sourceRef="note" targetRef="a1"/>
  <bpmn:group id="grp" categoryValueRef="cv"/>
</bpmn:process>
<bpmn:error id="err"/>
<bpmn:errorEventDefinition id="shared_error" errorRef="err"/>
<bpmn:category id="cat"><bpmn:categoryValue id="cv" value="柜面办理"/></bpmn:category>
"""


COLLAB = """
<bpmn:collaboration id="c">
  <bpmn:participant id="pool" name="村服务点" processRef="p"/>
  <bpmn:participant id="citizen" name="申请人"/>
  <bpmn:participant id="vpool" name="Vertical" processRef="p2"/>
  <bpmn:messageFlow id="mf" name="提交材料" sourceRef="citizen" targetRef="recv"/>
</bpmn:collaboration>
<bpmn:process id="p">
  <bpmn:laneSet><bpmn:lane id="lane1" name="窗口"><bpmn:flowNodeRef>recv</bpmn:flowNodeRef></bpmn:lane>
  <bpmn:lane id="lane2" name="审核"/></bpmn:laneSet>
  <bpmn:receiveTask id="recv" name="接收"/>
  <bpmn:dataObject id="dobj"/>
  <bpmn:dataObjectReference id="dref" dataObjectRef="dobj" name="表"/>
  <bpmn:ioSpecification><bpmn:dataInput id="din" name="输入"/><bpmn:dataOutput id="dout" name="输出"/>
  </bpmn:ioSpecification>
</bpmn:process>
<bpmn:process id="p2"/>
"""
