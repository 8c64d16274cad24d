"""Symbols drawn inside events, one per event definition kind (catching outlined, throwing filled)."""

from __future__ import annotations

from lxml import etree

from engine.diagram.svg import FILL, STROKE, cross, points_attr, regular_polygon, rotate, sub

# All symbols are designed inside a 36×36 event circle centred on (18, 18).
_ERROR = [(10.5, 26.5), (14.5, 11.5), (20, 19.5), (25.5, 9.5), (21.5, 24.5), (16, 16.5)]
_ESCALATION = [(18, 8.5), (25, 26.5), (18, 20), (11, 26.5)]
_LINK = [(9.5, 15), (19, 15), (19, 10.5), (27, 18), (19, 25.5), (19, 21), (9.5, 21)]
_SIGNAL = [(18, 8.5), (27, 25), (9, 25)]
_COMPENSATE = ([(8.5, 18), (17.5, 12), (17.5, 24)], [(17.5, 18), (26.5, 12), (26.5, 24)])


def draw_event_symbol(parent: etree._Element, symbol: str, bounds_x: float, bounds_y: float, size: float,
                      filled: bool) -> None:
    """Draw an event definition's symbol in the event whose bounds start at (bounds_x, bounds_y)."""
    transform = f"translate({bounds_x:.2f} {bounds_y:.2f}) scale({size / 36:.3f})"
    g = sub(parent, "g", cls=f"bpmn-event-def bpmn-event-def-{symbol}" + (" throw" if filled else " catch"),
            transform=transform)
    ink = STROKE if filled else FILL
    body = {"fill": ink, "stroke": STROKE, "stroke_width": 1.2, "stroke_linejoin": "round"}
    if symbol == "message":
        sub(g, "rect", x=9.5, y=12.0, width=17.0, height=12.0, **body)
        sub(g, "polyline", points="9.5,12 18,18.5 26.5,12", fill="none", stroke=FILL if filled else STROKE,
            stroke_width=1.2)
    elif symbol == "timer":
        sub(g, "circle", cx=18.0, cy=18.0, r=10.0, fill=FILL, stroke=STROKE, stroke_width=1.8)
        for hour in range(12):
            tick = rotate([(18, 9), (18, 11)], hour * 30, (18, 18))
            sub(g, "line", x1=tick[0][0], y1=tick[0][1], x2=tick[1][0], y2=tick[1][1], stroke=STROKE,
                stroke_width=1)
        sub(g, "polyline", points="18,11.5 18,18 23,16", fill="none", stroke=STROKE, stroke_width=1.3)
    elif symbol == "error":
        sub(g, "polygon", points=points_attr(_ERROR), **body)
    elif symbol == "escalation":
        sub(g, "polygon", points=points_attr(_ESCALATION), **body)
    elif symbol == "cancel":
        sub(g, "polygon", points=points_attr(cross(18, 18, 10, 4.2, 45)), **body)
    elif symbol == "compensate":
        for triangle in _COMPENSATE:
            sub(g, "polygon", points=points_attr(triangle), **body)
    elif symbol == "conditional":
        sub(g, "rect", x=11.0, y=9.5, width=14.0, height=17.0, fill=FILL, stroke=STROKE, stroke_width=1.2)
        sub(g, "path", d="M13,13.5 L23,13.5 M13,17 L23,17 M13,20.5 L23,20.5 M13,24 L23,24", stroke=STROKE,
            stroke_width=1)
    elif symbol == "link":
        sub(g, "polygon", points=points_attr(_LINK), **body)
    elif symbol == "signal":
        sub(g, "polygon", points=points_attr(_SIGNAL), **body)
    elif symbol == "terminate":
        sub(g, "circle", cx=18.0, cy=18.0, r=10.5, fill=STROKE, stroke=STROKE, stroke_width=1)
    elif symbol == "multiple":
        sub(g, "polygon", points=points_attr(regular_polygon(18, 18.8, 9.5, 5)), **body)
    elif symbol == "parallelMultiple":
        sub(g, "polygon", points=points_attr(cross(18, 18, 10, 5)), fill=FILL, stroke=STROKE, stroke_width=1.2)
