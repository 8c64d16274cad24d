"""Task-type icons, activity markers (loop, multi-instance, compensation, collapsed, ad-hoc) and gateway marks.

Each icon is drawn in its own small coordinate box and placed with a transform.
"""

from __future__ import annotations

import math

from lxml import etree

from engine.diagram.svg import FILL, STROKE, cross, path_d, points_attr, regular_polygon, sub

MARKER_SIZE = 14.0
MARKER_GAP = 4.0


def _frame(parent: etree._Element, cls: str, x: float, y: float, scale: float = 1.0) -> etree._Element:
    """Return a group placed at (x, y) with an optional scale."""
    transform = f"translate({x:.2f} {y:.2f})" + (f" scale({scale:.3f})" if abs(scale - 1) > 1e-3 else "")
    return sub(parent, "g", cls=cls, transform=transform)


def _gear(cx: float, cy: float, outer: float, inner: float, teeth: int) -> str:
    """Return the outline of a gear wheel as a path."""
    pts = []
    for i in range(teeth * 4):
        angle = 2 * math.pi * i / (teeth * 4)
        r = outer if i % 4 in (1, 2) else inner
        pts.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return path_d(pts, close=True)


def draw_task_icon(parent: etree._Element, icon: str, x: float, y: float) -> None:
    """Draw a task-type icon in a 20×20 box with its top-left at (x, y)."""
    g = _frame(parent, f"bpmn-icon bpmn-icon-{icon}", x, y)
    line = {"stroke": STROKE, "stroke_width": 1}
    if icon == "user":
        sub(g, "path", d="M3,19 L3,15.5 Q3,11 10,11 Q17,11 17,15.5 L17,19 Z", fill=FILL, **line)
        sub(g, "circle", cx=10.0, cy=6.5, r=4.0, fill=FILL, **line)
        sub(g, "path", d="M6,19 L6,16 M14,19 L14,16", fill="none", **line)
    elif icon == "service":
        sub(g, "path", d=_gear(8, 8, 7, 5, 8), fill=FILL, **line)
        sub(g, "circle", cx=8.0, cy=8.0, r=2.2, fill=FILL, **line)
        sub(g, "path", d=_gear(13, 13, 6, 4.3, 7), fill=FILL, **line)
        sub(g, "circle", cx=13.0, cy=13.0, r=1.9, fill=FILL, **line)
    elif icon == "script":
        sub(g, "path", d="M5,2 L16,2 C13,5 13,8 16,11 C19,14 18,17 15,19 L4,19 C7,16 7,13 4,10 C1,7 2,4 5,2 Z",
            fill=FILL, **line)
        sub(g, "path", d="M6.5,6 L13,6 M7.5,9 L14,9 M8,12.5 L14.5,12.5 M7,15.5 L13.5,15.5", fill="none", **line)
    elif icon in ("send", "receive"):
        filled = icon == "send"
        sub(g, "rect", x=1.0, y=4.0, width=18.0, height=12.0, fill=STROKE if filled else FILL, **line)
        sub(g, "polyline", points="1,4 10,10.5 19,4", fill="none",
            stroke=FILL if filled else STROKE, stroke_width=1)
    elif icon == "manual":
        sub(g, "path", d="M1,8 L6,8 L10,3.5 Q11.5,3 11.5,5 L10,8 L18,8 Q19.5,9 18,10 L12,10 L17,10 Q18.5,11 17,12 "
                         "L12,12 L16,12 Q17.5,13 16,14 L12,14 L15,14 Q16.5,15 15,16 L6,16 L1,16 Z",
            fill=FILL, **line)
    elif icon == "businessRule":
        sub(g, "rect", x=1.0, y=3.0, width=18.0, height=14.0, fill=FILL, **line)
        sub(g, "rect", x=1.0, y=3.0, width=18.0, height=4.0, fill="#8a8d93", **line)
        sub(g, "path", d="M1,12 L19,12 M6.5,7 L6.5,17", fill="none", **line)


def _draw_marker(g: etree._Element, marker: str) -> None:
    """Draw one activity marker in a 14×14 box."""
    line = {"stroke": STROKE, "stroke_width": 1.3, "fill": "none"}
    if marker == "loop":
        # A circle open at the bottom, its arrow head at the right end.
        sub(g, "path", d="M3.7,11.6 A5.4,5.4 0 1 1 10.3,11.6", **line)
        sub(g, "polyline", points="10.6,7.9 10.3,11.6 13.9,11.9", **line)
    elif marker == "mi-parallel":
        for x in (2.5, 6, 9.5):
            sub(g, "rect", x=x, y=1.0, width=2.0, height=12.0, fill=STROKE)
    elif marker == "mi-sequential":
        for y in (2.5, 6, 9.5):
            sub(g, "rect", x=1.0, y=y, width=12.0, height=2.0, fill=STROKE)
    elif marker == "compensation":
        sub(g, "polygon", points="0.5,7 6.8,2.5 6.8,11.5", **line)
        sub(g, "polygon", points="6.8,7 13.3,2.5 13.3,11.5", **line)
    elif marker == "collapsed":
        sub(g, "rect", x=0.0, y=0.0, width=14.0, height=14.0, fill=FILL, stroke=STROKE, stroke_width=1)
        sub(g, "path", d="M7,3 L7,11 M3,7 L11,7", stroke=STROKE, stroke_width=1.5, fill="none")
    elif marker == "adhoc":
        sub(g, "path", d="M0.5,8.5 C2.5,4 5,4 7,7 C9,10 11.5,10 13.5,5.5", **{**line, "stroke_width": 1.6})


def draw_activity_markers(parent: etree._Element, markers: list[str], cx: float, bottom: float) -> None:
    """Draw the activity's markers side by side, the group centred at the bottom of the shape."""
    if not markers:
        return
    total = len(markers) * MARKER_SIZE + (len(markers) - 1) * MARKER_GAP
    x = cx - total / 2
    for marker in markers:
        g = _frame(parent, f"bpmn-marker bpmn-marker-{marker}", x, bottom - MARKER_SIZE - 4)
        _draw_marker(g, marker)
        x += MARKER_SIZE + MARKER_GAP


def draw_gateway_mark(parent: etree._Element, mark: str, x: float, y: float, size: float,
                      instantiate: bool = False) -> None:
    """Draw the mark inside a gateway diamond whose bounds start at (x, y), designed on a 50×50 box."""
    g = _frame(parent, f"bpmn-marker bpmn-marker-{mark}", x, y, size / 50)
    if mark == "exclusive":
        sub(g, "polygon", points=points_attr(cross(25, 25, 12, 4.6, 45)), fill=STROKE)
    elif mark == "parallel":
        sub(g, "polygon", points=points_attr(cross(25, 25, 14, 4.6)), fill=STROKE)
    elif mark == "inclusive":
        sub(g, "circle", cx=25.0, cy=25.0, r=11.0, fill="none", stroke=STROKE, stroke_width=2.5)
    elif mark == "complex":
        for angle in (0, 45, 90, 135):
            sub(g, "polygon", points=points_attr(cross(25, 25, 13, 3.6, angle)), fill=STROKE)
    elif mark in ("eventBased", "parallelEventBased"):
        sub(g, "circle", cx=25.0, cy=25.0, r=11.5, fill="none", stroke=STROKE, stroke_width=1)
        if not instantiate:
            sub(g, "circle", cx=25.0, cy=25.0, r=9.0, fill="none", stroke=STROKE, stroke_width=1)
        if mark == "parallelEventBased":
            sub(g, "polygon", points=points_attr(cross(25, 25, 7, 3)), fill="none", stroke=STROKE, stroke_width=1)
        else:
            sub(g, "polygon", points=points_attr(regular_polygon(25, 25.6, 6, 5)), fill="none", stroke=STROKE,
                stroke_width=1.2)
