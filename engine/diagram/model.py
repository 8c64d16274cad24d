"""Read a BPMN file's diagram interchange (DI): the shapes and edges of one plane, tied to their elements."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from engine.diagram.svg import Bounds, Point
from engine.errors import EngineError

MODEL_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"

Source = bytes | str | os.PathLike[str]

_ENCODING_DECL = re.compile(r"^(\s*<\?xml[^>]*?)\s+encoding=(['\"])[^'\"]*\2")


class DiagramError(EngineError):
    """The file cannot be drawn: not XML, not BPMN, or without diagram interchange."""

    code = "diagram_error"

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message, detail)
        self.detail = detail


def local(node: etree._Element) -> str:
    """Return an element's tag without its namespace."""
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def flag(node: etree._Element | None, name: str) -> bool | None:
    """Return a boolean XML attribute, or None when it is absent."""
    value = None if node is None else node.get(name)
    return None if value is None else value.strip().lower() == "true"


@dataclass
class Shape:
    """A BPMNShape with its semantic element (None when the reference is dangling)."""

    element_id: str
    kind: str
    bounds: Bounds
    label: Bounds | None
    element: etree._Element | None
    di: etree._Element
    horizontal: bool = True
    expanded: bool = False


@dataclass
class Edge:
    """A BPMNEdge with its semantic element and waypoints."""

    element_id: str
    kind: str
    waypoints: list[Point]
    label: Bounds | None
    element: etree._Element | None
    di: etree._Element


@dataclass
class Diagram:
    """One plane of a BPMN file, ready to draw."""

    id: str
    name: str
    plane_element_id: str
    shapes: list[Shape]
    edges: list[Edge]
    index: dict[str, etree._Element] = field(repr=False)

    def shape_of(self, element_id: str) -> Shape | None:
        """Return the shape drawn for an element, if any."""
        return next((s for s in self.shapes if s.element_id == element_id), None)


def parse_definitions(source: Source) -> etree._Element:
    """Parse BPMN XML safely (no entities, no network) and return its definitions element."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str) and source.lstrip().startswith("<"):
        # lxml refuses str input that declares an encoding; the text is already decoded.
        data = _ENCODING_DECL.sub(r"\1", source, count=1).encode("utf-8")
    else:
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DiagramError("无法读取流程文件。", f"cannot read {path}: {exc.strerror or exc}") from exc
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                             remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DiagramError("文件不是有效的 XML。", f"not XML: {exc}") from exc
    if root is None or etree.QName(root).namespace != MODEL_NS or local(root) != "definitions":
        tag = etree.QName(root).text if root is not None else "nothing"
        raise DiagramError("文件不是 BPMN 2.0 流程定义。",
                           f"not BPMN: the root element is {tag}, expected {{{MODEL_NS}}}definitions")
    return root


def _bounds(node: etree._Element | None) -> Bounds | None:
    """Return the dc:Bounds child of a DI element."""
    b = None if node is None else node.find(f"{{{DC_NS}}}Bounds")
    if b is None:
        return None
    try:
        values = [float(b.get(key, 0)) for key in ("x", "y", "width", "height")]
    except ValueError:
        return None
    return Bounds(*values) if all(math.isfinite(v) for v in values) else None


def _label_bounds(node: etree._Element) -> Bounds | None:
    """Return the bounds of the BPMNLabel, when the file gives them."""
    bounds = _bounds(node.find(f"{{{BPMNDI_NS}}}BPMNLabel"))
    return bounds if bounds and bounds.width > 0 and bounds.height > 0 else None


def _waypoints(node: etree._Element) -> list[Point]:
    """Return an edge's di:waypoint list."""
    points = []
    for wp in node.findall(f"{{{DI_NS}}}waypoint"):
        try:
            point = (float(wp.get("x", 0)), float(wp.get("y", 0)))
        except ValueError:
            continue
        if math.isfinite(point[0]) and math.isfinite(point[1]):
            points.append(point)
    return points


def diagram_ids(root: etree._Element) -> list[str]:
    """Return the ids (or positions) of the file's BPMNDiagrams, in file order."""
    return [d.get("id") or f"#{i + 1}" for i, d in enumerate(root.iter(f"{{{BPMNDI_NS}}}BPMNDiagram"))]


def _choose_plane(root: etree._Element, diagram_id: str | None) -> tuple[etree._Element, etree._Element]:
    """Return the chosen BPMNDiagram and its plane (the first, or one matched by diagram, plane or element id)."""
    diagrams = [d for d in root.iter(f"{{{BPMNDI_NS}}}BPMNDiagram") if d.find(f"{{{BPMNDI_NS}}}BPMNPlane") is not None]
    if not diagrams:
        raise DiagramError("流程文件没有图形信息（BPMN DI），无法绘图。",
                           "no BPMNDiagram with a BPMNPlane: the file has no DI")
    if diagram_id is None:
        chosen = diagrams[0]
    else:
        def matches(pos: int, d: etree._Element) -> bool:
            plane = d.find(f"{{{BPMNDI_NS}}}BPMNPlane")
            keys = {d.get("id"), plane.get("id"), plane.get("bpmnElement"), f"#{pos + 1}"}
            return diagram_id in keys
        found = [d for i, d in enumerate(diagrams) if matches(i, d)]
        if not found:
            raise DiagramError("找不到指定的图。",
                               f"no diagram {diagram_id!r}; the file has {', '.join(diagram_ids(root))}")
        chosen = found[0]
    return chosen, chosen.find(f"{{{BPMNDI_NS}}}BPMNPlane")


def _parent_id(node: etree._Element) -> str | None:
    """Return the id of a semantic element's parent."""
    parent = node.getparent()
    return None if parent is None else parent.get("id")


def _process_id(node: etree._Element) -> str | None:
    """Return the id of the process that holds a semantic element."""
    for anc in node.iterancestors():
        if local(anc) == "process":
            return anc.get("id")
    return None


def _decide_expanded(shapes: list[Shape], index: dict[str, etree._Element]) -> None:
    """Mark sub-processes and call activities drawn expanded.

    isExpanded wins when the file gives it; otherwise a sub-process counts as expanded when some of its
    children, or a call activity when some elements of the process it calls, have shapes in this plane.
    """
    drawn = [s for s in shapes if s.element is not None]
    for shape in shapes:
        if shape.kind not in ("subProcess", "adHocSubProcess", "transaction", "callActivity"):
            continue
        given = flag(shape.di, "isExpanded")
        if given is not None:
            shape.expanded = given
        elif shape.kind == "callActivity":
            called = index.get(shape.element.get("calledElement", "")) if shape.element is not None else None
            target = called.get("id") if called is not None else None
            shape.expanded = target is not None and any(_process_id(s.element) == target for s in drawn)
        else:
            shape.expanded = any(_parent_id(s.element) == shape.element_id for s in drawn)


def _inherit_orientation(shapes: list[Shape]) -> None:
    """Give lanes that do not say isHorizontal the orientation of the pool that contains them."""
    pools = [s for s in shapes if s.kind == "participant"]
    for lane in shapes:
        if lane.kind == "lane" and lane.di.get("isHorizontal") is None:
            pool = next((p for p in pools if p.bounds.contains(lane.bounds)), None)
            if pool is not None:
                lane.horizontal = pool.horizontal


def load_diagram(source: Source, diagram_id: str | None = None) -> Diagram:
    """Read the file and return the chosen plane's shapes and edges."""
    root = parse_definitions(source)
    index: dict[str, etree._Element] = {}
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).namespace == MODEL_NS and node.get("id"):
            index.setdefault(node.get("id"), node)
    diagram, plane = _choose_plane(root, diagram_id)
    shapes: list[Shape] = []
    edges: list[Edge] = []
    for node in plane:
        if not isinstance(node.tag, str):
            continue
        ref = node.get("bpmnElement", "")
        element = index.get(ref)
        kind = local(element) if element is not None else "unknown"
        if local(node) == "BPMNShape":
            bounds = _bounds(node)
            if bounds is None:
                continue
            horizontal = flag(node, "isHorizontal")
            shapes.append(Shape(ref, kind, bounds, _label_bounds(node), element, node,
                                horizontal=True if horizontal is None else horizontal))
        elif local(node) == "BPMNEdge":
            points = _waypoints(node)
            if len(points) >= 2:
                edges.append(Edge(ref, kind, points, _label_bounds(node), element, node))
    if not shapes and not edges:
        raise DiagramError("流程文件的图中没有任何图形，无法绘图。", "the BPMNPlane has no shapes or edges")
    _decide_expanded(shapes, index)
    _inherit_orientation(shapes)
    return Diagram(diagram.get("id") or "", diagram.get("name") or "", plane.get("bpmnElement") or "",
                   shapes, edges, index)
