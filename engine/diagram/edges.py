"""Draw sequence flows, message flows, associations and data associations along their DI waypoints."""

from __future__ import annotations

import math

from lxml import etree

from engine.diagram import semantics as sem
from engine.diagram.model import Diagram, Edge
from engine.diagram.svg import FILL, STROKE, Bounds, Point, path_d, points_attr, sub
from engine.diagram.text import LINE_HEIGHT, draw_lines, label_in_box, text_width, wrap

LABEL_SIZE = 11.0
DOTTED = {"stroke_dasharray": "0.5,5", "stroke_linecap": "round"}


def _direction(a: Point, b: Point) -> tuple[Point, Point]:
    """Return the unit vector from a to b and its normal (turned a quarter clockwise on screen)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    d = (dx / length, dy / length)
    return d, (-d[1], d[0])


def _first_direction(points: list[Point]) -> tuple[Point, Point]:
    """Return the direction of the first non-degenerate segment from the start."""
    for other in points[1:]:
        if other != points[0]:
            return _direction(points[0], other)
    return (1.0, 0.0), (0.0, 1.0)


def _head(g: etree._Element, points: list[Point], *, length: float, half: float, style: str) -> None:
    """Draw an arrow head at the last point: "filled", "open" (white triangle) or "chevron" (lines only)."""
    d, n = _first_direction(points[::-1])
    d = (-d[0], -d[1])
    tip = points[-1]
    base = (tip[0] - d[0] * length, tip[1] - d[1] * length)
    left = (base[0] + n[0] * half, base[1] + n[1] * half)
    right = (base[0] - n[0] * half, base[1] - n[1] * half)
    if style == "chevron":
        sub(g, "polyline", cls="bpmn-edge-head", points=points_attr([left, tip, right]), fill="none", stroke=STROKE,
            stroke_width=1.5, stroke_linejoin="round")
        return
    sub(g, "polygon", cls="bpmn-edge-head" + (" filled" if style == "filled" else ""),
        points=points_attr([tip, left, right]), fill=STROKE if style == "filled" else FILL, stroke=STROKE,
        stroke_width=1, stroke_linejoin="round")


def _midpoint(points: list[Point]) -> tuple[Point, Point]:
    """Return the point halfway along the polyline and the direction of its segment."""
    lengths = [math.dist(a, b) for a, b in zip(points, points[1:], strict=False)]
    half = sum(lengths) / 2
    for (a, b), length in zip(zip(points, points[1:], strict=False), lengths, strict=False):
        if half <= length and length > 0:
            t = half / length
            return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t), _direction(a, b)[0]
        half -= length
    return points[0], (1.0, 0.0)


def _envelope(g: etree._Element, centre: Point, initiating: bool) -> None:
    """Draw the message envelope shown on a message flow (non-initiating messages are shaded)."""
    x, y = centre[0] - 10, centre[1] - 7
    sub(g, "rect", cls="bpmn-message-envelope", x=x, y=y, width=20.0, height=14.0,
        fill=FILL if initiating else "#b8bbc0", stroke=STROKE, stroke_width=1)
    sub(g, "polyline", points=points_attr([(x, y), (x + 10, y + 7), (x + 20, y)]), fill="none", stroke=STROKE,
        stroke_width=1)


def _default_label(g: etree._Element, text: str, points: list[Point]) -> Bounds | None:
    """Place an edge label without DI bounds: above a horizontal middle segment, beside a vertical one."""
    if not text.strip():
        return None
    (mx, my), d = _midpoint(points)
    lines = wrap(text, 90, LABEL_SIZE)
    width = max(text_width(line, LABEL_SIZE) for line in lines)
    height = len(lines) * LABEL_SIZE * LINE_HEIGHT
    if abs(d[0]) >= abs(d[1]):
        box = Bounds(mx - width / 2, my - 4 - height, width, height)
        return draw_lines(g, lines, box, size=LABEL_SIZE)
    return draw_lines(g, lines, Bounds(mx + 6, my - height / 2, width, height), size=LABEL_SIZE, align="left")


def edge_classes(edge: Edge, diagram: Diagram) -> list[str]:
    """Return the CSS classes of an edge's group: its BPMN type and default/conditional variants."""
    classes = ["bpmn-edge", f"bpmn-{edge.kind}"]
    if edge.kind == "sequenceFlow" and edge.element is not None:
        if sem.is_default_flow(edge.element, diagram.index):
            classes.append("bpmn-default-flow")
        if sem.is_conditional_from_activity(edge.element, diagram.index):
            classes.append("bpmn-conditional-flow")
    return classes


def draw_edge(g: etree._Element, edge: Edge, diagram: Diagram) -> Bounds | None:
    """Draw an edge's line, its ends and its label; return the label's box."""
    points, kind, el = edge.waypoints, edge.kind, edge.element
    d, n = _first_direction(points)
    start = points[0]
    line = {"fill": "none", "stroke": STROKE, "stroke_width": 1.5, "stroke_linejoin": "round"}
    if kind == "messageFlow":
        sub(g, "path", cls="bpmn-edge-line", d=path_d(points), stroke_dasharray="8,5", **line)
        # The circle sits just outside the source shape, which is drawn above the edges.
        sub(g, "circle", cls="bpmn-edge-head", cx=start[0] + d[0] * 4, cy=start[1] + d[1] * 4, r=4.0, fill=FILL,
            stroke=STROKE, stroke_width=1)
        _head(g, points, length=11, half=5, style="open")
        visible = edge.di.get("messageVisibleKind")
        if visible:
            _envelope(g, _midpoint(points)[0], initiating=visible != "non_initiating")
    elif kind in ("association", "dataInputAssociation", "dataOutputAssociation"):
        sub(g, "path", cls="bpmn-edge-line", d=path_d(points), **{**line, **DOTTED})
        direction = (el.get("associationDirection") or "None") if el is not None else "None"
        if kind != "association" or direction in ("One", "Both"):
            _head(g, points, length=10, half=5, style="chevron")
        if kind == "association" and direction == "Both":
            _head(g, points[::-1], length=10, half=5, style="chevron")
    elif kind == "sequenceFlow":
        sub(g, "path", cls="bpmn-edge-line", d=path_d(points), **line)
        _head(g, points, length=11, half=4, style="filled")
        if el is not None and sem.is_conditional_from_activity(el, diagram.index):
            diamond = [start, (start[0] + d[0] * 8 + n[0] * 5, start[1] + d[1] * 8 + n[1] * 5),
                       (start[0] + d[0] * 16, start[1] + d[1] * 16),
                       (start[0] + d[0] * 8 - n[0] * 5, start[1] + d[1] * 8 - n[1] * 5)]
            sub(g, "polygon", cls="bpmn-marker bpmn-marker-conditional", points=points_attr(diamond), fill=FILL,
                stroke=STROKE, stroke_width=1.2)
        if el is not None and sem.is_default_flow(el, diagram.index):
            at = 10.0 + (16 if sem.is_conditional_from_activity(el, diagram.index) else 0)
            p = (start[0] + d[0] * at, start[1] + d[1] * at)
            off = (4 * d[0] - 6 * n[0], 4 * d[1] - 6 * n[1])
            sub(g, "line", cls="bpmn-marker bpmn-marker-default", x1=p[0] - off[0], y1=p[1] - off[1],
                x2=p[0] + off[0], y2=p[1] + off[1], stroke=STROKE, stroke_width=1.5)
    else:
        # Edges without a known element are mostly tools' visual links (data on a flow): draw them dotted.
        sub(g, "path", cls="bpmn-edge-line", d=path_d(points), **({**line, **DOTTED} if el is None else line))
    name = sem.name_of(el, diagram.index)
    if edge.label is not None:
        return label_in_box(g, name, edge.label, size=LABEL_SIZE, padding=0, slack=8)
    return _default_label(g, name, points)
