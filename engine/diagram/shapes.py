"""Draw flow nodes: activities, events and gateways, with their markers and labels."""

from __future__ import annotations

import re

from lxml import etree

from engine.diagram import semantics as sem
from engine.diagram.event_icons import draw_event_symbol
from engine.diagram.markers import draw_activity_markers, draw_gateway_mark, draw_task_icon
from engine.diagram.model import Diagram, Shape, flag, local
from engine.diagram.svg import FILL, STROKE, Bounds, points_attr, safe_colour, sub
from engine.diagram.text import LINE_HEIGHT, draw_lines, label_below, label_in_box, text_width, wrap

SUB_PROCESSES = {"subProcess", "adHocSubProcess", "transaction"}
EXTERNAL_LABEL_SIZE = 11.0
INNER_LABEL_SIZE = 12.0
MARKER_BAND = 18.0  # room kept under an activity's label for its markers
ICON_BAND = 21.0  # room kept above it for its task-type icon


def _soften(colour: str) -> str:
    """Lighten a dark #rrggbb fill halfway to white so black symbols and text on it stay readable."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        return colour
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    if 0.299 * r + 0.587 * g + 0.114 * b >= 150:
        return colour
    return "#" + "".join(f"{(c + 255) // 2:02x}" for c in (r, g, b))


def colours(shape: Shape) -> tuple[str, str]:
    """Return (fill, stroke) from DI colour attributes (bioc:* or color:*), else the defaults."""
    fill = stroke = None
    for name, value in shape.di.attrib.items():
        key = etree.QName(name).localname
        if key in ("fill", "background-color"):
            fill = safe_colour(value)
        elif key in ("stroke", "border-color"):
            stroke = safe_colour(value)
    return _soften(fill) if fill else FILL, stroke or STROKE


def external_label(g: etree._Element, shape: Shape, text: str) -> Bounds | None:
    """Draw the label of an event, gateway or data element: in its DI label bounds, else below the shape."""
    if shape.label is not None:
        return label_in_box(g, text, shape.label, size=EXTERNAL_LABEL_SIZE, padding=0, slack=8)
    return label_below(g, text, shape.bounds.cx, shape.bounds.bottom + 5, size=EXTERNAL_LABEL_SIZE)


def draw_activity(g: etree._Element, shape: Shape, diagram: Diagram) -> Bounds | None:
    """Draw a task, sub-process, transaction or call activity."""
    b, el, kind = shape.bounds, shape.element, shape.kind
    fill, stroke = colours(shape)
    global_call = kind == "callActivity" and sem.calls_global_task(el, diagram.index)
    container = kind in SUB_PROCESSES or (kind == "callActivity" and not global_call)
    event_sub = kind == "subProcess" and bool(flag(el, "triggeredByEvent"))
    radius = min(10.0, b.width / 4, b.height / 4)
    width = 4.0 if kind == "callActivity" else 2.0
    sub(g, "rect", cls="bpmn-body", x=b.x, y=b.y, width=b.width, height=b.height, rx=radius, ry=radius,
        fill=fill, stroke=stroke, stroke_width=1.5 if event_sub else width,
        stroke_dasharray="1.5,3" if event_sub else None, stroke_linecap="round" if event_sub else None)
    if kind == "transaction":
        inset = 3.0
        sub(g, "rect", cls="bpmn-inner", x=b.x + inset, y=b.y + inset, width=b.width - 2 * inset,
            height=b.height - 2 * inset, rx=max(radius - inset, 0), ry=max(radius - inset, 0), fill="none",
            stroke=stroke, stroke_width=1.5)
    icon = sem.task_icon(el, diagram.index)
    if icon:
        draw_task_icon(g, icon, b.x + 5, b.y + 5)
    markers = [m for m in (sem.loop_marker(el), "compensation" if flag(el, "isForCompensation") else None,
                           "collapsed" if container and not shape.expanded else None,
                           "adhoc" if kind == "adHocSubProcess" else None) if m]
    draw_activity_markers(g, markers, b.cx, b.bottom)
    name = sem.name_of(el, diagram.index)
    if container and shape.expanded:
        return label_in_box(g, name, Bounds(b.x, b.y, b.width, 40), size=INNER_LABEL_SIZE, padding=6,
                            align="left", valign="top")
    return _activity_label(g, name, b, icon=bool(icon), markers=bool(markers))


def _activity_label(g: etree._Element, name: str, b: Bounds, *, icon: bool, markers: bool) -> Bounds | None:
    """Centre the label in the activity, clear of its icon and markers; shrink the font a little if needed."""
    if not name.strip():
        return None
    free_top = b.y + (ICON_BAND if icon else 0)
    free_bottom = b.bottom - (MARKER_BAND if markers else 0)
    for size in (INNER_LABEL_SIZE, 11.0, 10.0, 9.0):
        lines = wrap(name, max(b.width - 10, size), size)
        height = len(lines) * size * LINE_HEIGHT
        widest = max(text_width(line, size) for line in lines)
        top, bottom = b.cy - height / 2, b.cy + height / 2
        hits_icon = icon and top < free_top and b.cx - widest / 2 < b.x + 26
        hits_markers = markers and bottom > free_bottom
        if not hits_icon and not hits_markers and height <= b.height:
            return draw_lines(g, lines, b, size=size)
        region_top = free_top if hits_icon else b.y
        if free_bottom - region_top >= height:
            return draw_lines(g, lines, Bounds(b.x, region_top, b.width, free_bottom - region_top), size=size)
    # Too long for the shape even in the smallest size: start under the icon and let it run over.
    return draw_lines(g, lines, Bounds(b.x, free_top, b.width, height), size=size)


def draw_event(g: etree._Element, shape: Shape, diagram: Diagram) -> Bounds | None:
    """Draw a start, intermediate, boundary or end event with its definition's symbol."""
    b, el, kind = shape.bounds, shape.element, shape.kind
    fill, stroke = colours(shape)
    size = min(b.width, b.height)
    r = size / 2
    scale = min(size / 36, 1.0)  # small events (some tools draw them 20 px wide) get thinner lines
    dashed = "5.5,3" if not sem.is_interrupting(el) else None
    if kind == "endEvent":
        sub(g, "circle", cls="bpmn-body", cx=b.cx, cy=b.cy, r=r - scale, fill=fill, stroke=stroke,
            stroke_width=max(4 * scale, 2.0))
    elif kind == "startEvent":
        sub(g, "circle", cls="bpmn-body", cx=b.cx, cy=b.cy, r=r, fill=fill, stroke=stroke, stroke_width=2 * scale,
            stroke_dasharray=dashed)
    else:
        sub(g, "circle", cls="bpmn-body", cx=b.cx, cy=b.cy, r=r, fill=fill, stroke=stroke,
            stroke_width=1.5 * scale, stroke_dasharray=dashed)
        sub(g, "circle", cls="bpmn-inner", cx=b.cx, cy=b.cy, r=r - 3 * scale, fill="none", stroke=stroke,
            stroke_width=1.5 * scale, stroke_dasharray=dashed)
    symbol = sem.event_symbol(el, diagram.index)
    if symbol:
        draw_event_symbol(g, symbol, b.cx - r, b.cy - r, size, filled=kind in sem.THROWING)
    return external_label(g, shape, sem.name_of(el, diagram.index))


def gateway_mark(shape: Shape) -> tuple[str | None, bool]:
    """Return the mark inside a gateway (None for a plain or unmarked exclusive one) and its instantiate flag."""
    el, kind = shape.element, shape.kind
    if kind == "exclusiveGateway":
        return ("exclusive" if flag(shape.di, "isMarkerVisible") else None), False
    if kind == "eventBasedGateway":
        parallel = (el.get("eventGatewayType") or "").lower() == "parallel"
        return ("parallelEventBased" if parallel else "eventBased"), bool(flag(el, "instantiate"))
    marks = {"inclusiveGateway": "inclusive", "parallelGateway": "parallel", "complexGateway": "complex"}
    return marks.get(kind), False


def draw_gateway(g: etree._Element, shape: Shape, diagram: Diagram) -> Bounds | None:
    """Draw a gateway diamond with its mark."""
    b = shape.bounds
    fill, stroke = colours(shape)
    diamond = [(b.cx, b.y), (b.right, b.cy), (b.cx, b.bottom), (b.x, b.cy)]
    sub(g, "polygon", cls="bpmn-body", points=points_attr(diamond), fill=fill, stroke=stroke, stroke_width=2,
        stroke_linejoin="round")
    mark, instantiate = gateway_mark(shape)
    if mark:
        size = min(b.width, b.height)
        draw_gateway_mark(g, mark, b.cx - size / 2, b.cy - size / 2, size, instantiate)
    return external_label(g, shape, sem.name_of(shape.element, diagram.index))


def shape_classes(shape: Shape) -> list[str]:
    """Return the CSS classes of a shape's group: its BPMN type and drawing variants."""
    classes = ["bpmn-shape", f"bpmn-{shape.kind}"]
    el = shape.element
    if el is None:
        return classes
    if shape.kind in SUB_PROCESSES or shape.kind == "callActivity":
        classes.append("bpmn-expanded" if shape.expanded else "bpmn-collapsed")
        if flag(el, "triggeredByEvent"):
            classes.append("bpmn-event-subprocess")
    if shape.kind in sem.EVENTS and not sem.is_interrupting(el):
        classes.append("bpmn-non-interrupting")
    if local(el) in ("participant", "lane") and not shape.horizontal:
        classes.append("bpmn-vertical")
    return classes
