"""Draw pools, lanes, data objects and stores, text annotations, groups and conversations."""

from __future__ import annotations

from lxml import etree

from engine.diagram import semantics as sem
from engine.diagram.markers import draw_activity_markers
from engine.diagram.model import Diagram, Shape
from engine.diagram.shapes import EXTERNAL_LABEL_SIZE, INNER_LABEL_SIZE, colours, external_label
from engine.diagram.svg import STROKE, Bounds, fmt, points_attr, sub
from engine.diagram.text import label_in_box

HEADER = 30.0


def _header_size(shape: Shape, diagram: Diagram) -> float:
    """Return the width of a pool's or lane's title band: up to its inner lanes when they show it, else 30."""
    b = shape.bounds
    offsets = []
    for other in diagram.shapes:
        if other.kind == "lane" and other is not shape and b.contains(other.bounds, slack=0.5):
            offsets.append(other.bounds.x - b.x if shape.horizontal else other.bounds.y - b.y)
    offsets = [o for o in offsets if 10 <= o <= 80]
    return min(offsets) if offsets else HEADER


def draw_pool_or_lane(g: etree._Element, shape: Shape, diagram: Diagram) -> Bounds | None:
    """Draw a participant or lane: its frame, its title band and the title turned along the band."""
    b, el = shape.bounds, shape.element
    fill, stroke = colours(shape)
    is_pool = shape.kind == "participant"
    sub(g, "rect", cls="bpmn-body", x=b.x, y=b.y, width=b.width, height=b.height,
        fill=fill if is_pool else "none", stroke=stroke, stroke_width=1.5)
    name = sem.name_of(el, diagram.index)
    if is_pool and not name and el.get("processRef"):
        name = sem.name_of(diagram.index.get(el.get("processRef", "")), diagram.index)
    if is_pool and sem.has_multiplicity(el):
        draw_activity_markers(g, ["mi-parallel"], b.cx, b.bottom)
    black_box = is_pool and not el.get("processRef")
    if black_box:
        return label_in_box(g, name, b, size=INNER_LABEL_SIZE)
    band = _header_size(shape, diagram)
    if shape.horizontal:
        sub(g, "path", cls="bpmn-header", d=f"M{fmt(b.x + band)},{fmt(b.y)} L{fmt(b.x + band)},{fmt(b.bottom)}",
            stroke=stroke, stroke_width=1.5, fill="none")
        return label_in_box(g, name, Bounds(b.x, b.y, band, b.height), size=INNER_LABEL_SIZE, rotate=True)
    sub(g, "path", cls="bpmn-header", d=f"M{fmt(b.x)},{fmt(b.y + band)} L{fmt(b.right)},{fmt(b.y + band)}",
        stroke=stroke, stroke_width=1.5, fill="none")
    return label_in_box(g, name, Bounds(b.x, b.y, b.width, band), size=INNER_LABEL_SIZE)


def _arrow(g: etree._Element, x: float, y: float, filled: bool) -> None:
    """Draw the small block arrow of a data input (outlined) or output (filled)."""
    pts = [(x, y + 3), (x + 7, y + 3), (x + 7, y), (x + 13, y + 5.5), (x + 7, y + 11), (x + 7, y + 8), (x, y + 8)]
    sub(g, "polygon", cls="bpmn-marker bpmn-marker-data-" + ("output" if filled else "input"),
        points=points_attr(pts), fill=STROKE if filled else "white", stroke=STROKE, stroke_width=1)


def draw_data_object(g: etree._Element, shape: Shape, diagram: Diagram) -> Bounds | None:
    """Draw a data object (or its reference, a data input or output): a page with a folded corner."""
    b, el = shape.bounds, shape.element
    fill, stroke = colours(shape)
    fold = min(b.width, b.height) * 0.3
    page = [(b.x, b.y), (b.right - fold, b.y), (b.right, b.y + fold), (b.right, b.bottom), (b.x, b.bottom)]
    sub(g, "polygon", cls="bpmn-body", points=points_attr(page), fill=fill, stroke=stroke, stroke_width=1.5,
        stroke_linejoin="round")
    corner = [(b.right - fold, b.y), (b.right - fold, b.y + fold), (b.right, b.y + fold)]
    sub(g, "polyline", points=points_attr(corner), fill="none", stroke=stroke, stroke_width=1.5)
    if shape.kind in ("dataInput", "dataOutput"):
        _arrow(g, b.x + 3, b.y + 4, filled=shape.kind == "dataOutput")
    if sem.is_collection(el, diagram.index):
        draw_activity_markers(g, ["mi-parallel"], b.cx, b.bottom + 2)
    return external_label(g, shape, sem.name_of(el, diagram.index))


def draw_data_store(g: etree._Element, shape: Shape, diagram: Diagram) -> Bounds | None:
    """Draw a data store: a cylinder with two rims under its lid."""
    b = shape.bounds
    fill, stroke = colours(shape)
    ry = min(b.height * 0.12, 8.0)
    rx = b.width / 2
    top, bottom = b.y + ry, b.bottom - ry
    body = (f"M{fmt(b.x)},{fmt(top)} L{fmt(b.x)},{fmt(bottom)} A{fmt(rx)},{fmt(ry)} 0 0 0 {fmt(b.right)},{fmt(bottom)}"
            f" L{fmt(b.right)},{fmt(top)} A{fmt(rx)},{fmt(ry)} 0 0 0 {fmt(b.x)},{fmt(top)} Z")
    sub(g, "path", cls="bpmn-body", d=body, fill=fill, stroke=stroke, stroke_width=1.5)
    rims = "".join(f" M{fmt(b.x)},{fmt(top + k * ry * 0.9)} A{fmt(rx)},{fmt(ry)} 0 0 0 {fmt(b.right)},"
                   f"{fmt(top + k * ry * 0.9)}" for k in range(3))
    sub(g, "path", d=rims.strip(), fill="none", stroke=stroke, stroke_width=1.5)
    return external_label(g, shape, sem.name_of(shape.element, diagram.index))


def draw_annotation(g: etree._Element, shape: Shape, diagram: Diagram) -> Bounds | None:
    """Draw a text annotation: an open bracket on the left and the text beside it."""
    b = shape.bounds
    _, stroke = colours(shape)
    sub(g, "rect", cls="bpmn-hit", x=b.x, y=b.y, width=b.width, height=b.height, fill="none", stroke="none")
    leg = min(15.0, b.width / 2)
    bracket = [(b.x + leg, b.y), (b.x, b.y), (b.x, b.bottom), (b.x + leg, b.bottom)]
    sub(g, "polyline", cls="bpmn-body", points=points_attr(bracket), fill="none", stroke=stroke, stroke_width=1.5)
    return label_in_box(g, sem.name_of(shape.element, diagram.index), b, size=INNER_LABEL_SIZE, padding=5,
                        align="left", valign="middle" if b.height < 60 else "top")


def draw_group(g: etree._Element, shape: Shape, diagram: Diagram) -> Bounds | None:
    """Draw a group: a dash-dotted rounded frame with its category value as title."""
    b = shape.bounds
    _, stroke = colours(shape)
    sub(g, "rect", cls="bpmn-body", x=b.x, y=b.y, width=b.width, height=b.height, rx=10.0, ry=10.0, fill="none",
        stroke=stroke, stroke_width=1.5, stroke_dasharray="10,4,2,4")
    name = sem.name_of(shape.element, diagram.index)
    if shape.label is not None:
        return label_in_box(g, name, shape.label, size=EXTERNAL_LABEL_SIZE, padding=0, slack=8)
    return label_in_box(g, name, Bounds(b.x, b.y, b.width, 24), size=EXTERNAL_LABEL_SIZE, padding=4, valign="top")


def draw_conversation(g: etree._Element, shape: Shape, diagram: Diagram) -> Bounds | None:
    """Draw a conversation node: a hexagon (thick for a call conversation, with "+" for a sub-conversation)."""
    b = shape.bounds
    fill, stroke = colours(shape)
    q = b.width / 4
    hexagon = [(b.x + q, b.y), (b.right - q, b.y), (b.right, b.cy), (b.right - q, b.bottom), (b.x + q, b.bottom),
               (b.x, b.cy)]
    sub(g, "polygon", cls="bpmn-body", points=points_attr(hexagon), fill=fill, stroke=stroke,
        stroke_width=4 if shape.kind == "callConversation" else 2)
    if shape.kind == "subConversation":
        draw_activity_markers(g, ["collapsed"], b.cx, b.bottom)
    return external_label(g, shape, sem.name_of(shape.element, diagram.index))


def draw_unknown(g: etree._Element, shape: Shape, diagram: Diagram) -> Bounds | None:
    """Draw an element this renderer has no symbol for: a dashed frame with its name."""
    b = shape.bounds
    sub(g, "rect", cls="bpmn-body", x=b.x, y=b.y, width=b.width, height=b.height, rx=4.0, ry=4.0, fill="white",
        stroke="#8a8d93", stroke_width=1, stroke_dasharray="4,3")
    return label_in_box(g, sem.name_of(shape.element, diagram.index), b, size=EXTERNAL_LABEL_SIZE)
