"""Assemble the SVG: layers in drawing order, overlays (state classes, badges), highlighted flows."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from lxml import etree

from engine.diagram import artifacts, shapes
from engine.diagram import semantics as sem
from engine.diagram.edges import draw_edge, edge_classes
from engine.diagram.model import Diagram, Shape
from engine.diagram.svg import STYLE, SVG_NS, Bounds, fmt, sub
from engine.diagram.text import text_width

_STATE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,40}$")
MARGIN = 10.0
BADGE_SIZE = 11.0

Drawer = Callable[[etree._Element, Shape, Diagram], Bounds | None]


@dataclass(frozen=True)
class Overlay:
    """What to show on one element: a badge text (e.g. "3 等待 / 1 超期"), a state class, a tooltip.

    `state` becomes the class `state-<state>` on the element's group ("done", "active", "overdue" are
    styled by the diagram's own stylesheet; others can be styled by the page) and `badge-<state>` on
    its badge.
    """

    badge: str | None = None
    state: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class HighlightSpec:
    """Elements and flows to highlight, e.g. the path a case took: classes `visited` and `taken`."""

    flows: Collection[str] = ()
    elements: Collection[str] = ()


def _drawer(kind: str) -> Drawer:
    """Return the function that draws a shape of this BPMN type."""
    if kind in sem.ACTIVITIES:
        return shapes.draw_activity
    if kind in sem.EVENTS:
        return shapes.draw_event
    if kind in sem.GATEWAYS:
        return shapes.draw_gateway
    return {"participant": artifacts.draw_pool_or_lane, "lane": artifacts.draw_pool_or_lane,
            "dataObject": artifacts.draw_data_object, "dataObjectReference": artifacts.draw_data_object,
            "dataInput": artifacts.draw_data_object, "dataOutput": artifacts.draw_data_object,
            "dataStoreReference": artifacts.draw_data_store, "dataStore": artifacts.draw_data_store,
            "textAnnotation": artifacts.draw_annotation, "group": artifacts.draw_group,
            "conversation": artifacts.draw_conversation, "subConversation": artifacts.draw_conversation,
            "callConversation": artifacts.draw_conversation}.get(kind, artifacts.draw_unknown)


# Drawing order: pools and lanes under everything; edges under the nodes they join, above expanded containers.
LAYERS = ("pools", "lanes", "containers", "edges", "nodes", "boundary", "groups")


def _layer(shape: Shape) -> str:
    """Return the layer a shape is drawn in."""
    if shape.kind == "participant":
        return "pools"
    if shape.kind == "lane":
        return "lanes"
    if shape.expanded:
        return "containers"
    if shape.kind == "boundaryEvent":
        return "boundary"
    if shape.kind == "group":
        return "groups"
    return "nodes"


def _order(shape: Shape) -> tuple[int, float]:
    """Sort key: by layer; pools, lanes and containers largest first so nested ones stay visible."""
    layer = LAYERS.index(_layer(shape))
    return layer, (-shape.bounds.width * shape.bounds.height if layer < LAYERS.index("edges") else 0.0)


def _badge(g: etree._Element, shape: Shape, overlay: Overlay) -> Bounds:
    """Draw the overlay's badge as a pill centred on the shape's top-right corner."""
    text = overlay.badge or ""
    width = text_width(text, BADGE_SIZE) + 12
    height = BADGE_SIZE + 7
    x = shape.bounds.right - width / 2 - 4 if shape.kind in sem.ACTIVITIES else shape.bounds.right - 6
    y = shape.bounds.y - height / 2
    cls = "bpmn-badge" + (f" badge-{overlay.state}" if overlay.state else "")
    badge = sub(g, "g", cls=cls)
    sub(badge, "rect", x=x, y=y, width=width, height=height, rx=height / 2, ry=height / 2, fill="#1565c0",
        stroke="#ffffff", stroke_width=1)
    sub(badge, "text", text, x=x + width / 2, y=y + height / 2 + BADGE_SIZE * 0.36, text_anchor="middle",
        font_size=f"{BADGE_SIZE:g}px", font_weight="bold", fill="#ffffff")
    return Bounds(x, y, width, height)


def _group(parent: etree._Element, classes: list[str], element_id: str, overlay: Overlay | None,
           highlighted: bool, highlight_class: str) -> etree._Element:
    """Create an element's group with its classes, id attribute and tooltip."""
    if overlay is not None and overlay.state:
        if not _STATE.match(overlay.state):
            raise ValueError(f"overlay state {overlay.state!r} is not a simple class name")
        classes = [*classes, f"state-{overlay.state}"]
    if highlighted:
        classes = [*classes, highlight_class]
    g = sub(parent, "g", cls=" ".join(classes), data_element_id=element_id)
    if overlay is not None and overlay.title:
        sub(g, "title", overlay.title)
    return g


def _extent(boxes: list[Bounds]) -> Bounds:
    """Return the box around all boxes."""
    left = min(b.x for b in boxes)
    top = min(b.y for b in boxes)
    return Bounds(left, top, max(b.right for b in boxes) - left, max(b.bottom for b in boxes) - top)


def build_svg(diagram: Diagram, overlay: Mapping[str, Overlay] | None = None,
              highlight: HighlightSpec | None = None) -> etree._Element:
    """Draw the diagram and return the <svg> element."""
    overlay = overlay or {}
    highlight = highlight or HighlightSpec()
    flows, visited = set(highlight.flows), set(highlight.elements)
    root = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
    root.set("class", "bpmn-diagram")
    root.set("data-diagram-id", diagram.id)
    root.set("role", "img")
    if diagram.name:
        root.set("aria-label", diagram.name)
    sub(root, "style", STYLE)
    background = sub(root, "rect", cls="bpmn-background", fill="#ffffff")
    boxes: list[Bounds] = []
    layers = {name: sub(root, "g", cls=f"bpmn-layer bpmn-layer-{name}") for name in LAYERS}
    for shape in sorted(diagram.shapes, key=_order):  # sorted() is stable: the file's order within a layer
        extra = overlay.get(shape.element_id)
        g = _group(layers[_layer(shape)], shapes.shape_classes(shape), shape.element_id, extra,
                   shape.element_id in visited, "visited")
        boxes.append(shape.bounds)
        if (label := _drawer(shape.kind)(g, shape, diagram)) is not None:
            boxes.append(label)
        if extra is not None and extra.badge:
            boxes.append(_badge(g, shape, extra))
    for edge in diagram.edges:
        extra = overlay.get(edge.element_id)
        g = _group(layers["edges"], edge_classes(edge, diagram), edge.element_id, extra, edge.element_id in flows,
                   "taken")
        xs, ys = [p[0] for p in edge.waypoints], [p[1] for p in edge.waypoints]
        boxes.append(Bounds(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
        if (label := draw_edge(g, edge, diagram)) is not None:
            boxes.append(label)
    view = _extent(boxes)
    view = Bounds(view.x - MARGIN, view.y - MARGIN, view.width + 2 * MARGIN, view.height + 2 * MARGIN)
    for key, value in (("x", view.x), ("y", view.y), ("width", view.width), ("height", view.height)):
        background.set(key, fmt(value))
    root.set("viewBox", f"{fmt(view.x)} {fmt(view.y)} {fmt(view.width)} {fmt(view.height)}")
    root.set("width", fmt(view.width))
    root.set("height", fmt(view.height))
    return root
