"""Small helpers for building SVG trees with lxml."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"

Point = tuple[float, float]

STROKE = "#22242a"
FILL = "#ffffff"

# Colours from DI (bioc:*, color:*) are copied into attributes, so accept only plain colour syntax.
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\([0-9.,%\s]+\))$")


@dataclass(frozen=True)
class Bounds:
    """A rectangle in diagram coordinates."""

    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        """Return the horizontal centre."""
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        """Return the vertical centre."""
        return self.y + self.height / 2

    @property
    def right(self) -> float:
        """Return the right edge."""
        return self.x + self.width

    @property
    def bottom(self) -> float:
        """Return the bottom edge."""
        return self.y + self.height

    def contains(self, other: Bounds, slack: float = 1.0) -> bool:
        """Return whether other lies inside this rectangle (with a little slack for rounding)."""
        return (other.x >= self.x - slack and other.y >= self.y - slack
                and other.right <= self.right + slack and other.bottom <= self.bottom + slack)


def fmt(value: float) -> str:
    """Format a coordinate compactly with at most two decimals."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: object) -> etree._Element:
    """Append an SVG child; `cls` becomes class and underscores in names become dashes."""
    node = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}")
    for key, value in attrs.items():
        if value is None:
            continue
        name = "class" if key == "cls" else key.replace("_", "-")
        node.set(name, fmt(value) if isinstance(value, float) else str(value))
    if text is not None:
        node.text = text
    return node


def points_attr(points: Iterable[Point]) -> str:
    """Return an SVG points list."""
    return " ".join(f"{fmt(x)},{fmt(y)}" for x, y in points)


def path_d(points: Sequence[Point], close: bool = False) -> str:
    """Return a polyline path definition through the points."""
    if not points:
        return ""
    head, *rest = points
    d = f"M{fmt(head[0])},{fmt(head[1])}" + "".join(f" L{fmt(x)},{fmt(y)}" for x, y in rest)
    return d + (" Z" if close else "")


def safe_colour(value: str | None) -> str | None:
    """Return the colour if it is plain colour syntax, else None."""
    if value and _COLOUR.match(value.strip()):
        return value.strip()
    return None


def rotate(points: Iterable[Point], angle_deg: float, centre: Point) -> list[Point]:
    """Rotate points around a centre."""
    a = math.radians(angle_deg)
    cos, sin = math.cos(a), math.sin(a)
    cx, cy = centre
    return [(cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos) for x, y in points]


def cross(cx: float, cy: float, half: float, arm: float, angle: float = 0.0) -> list[Point]:
    """Return the outline of a plus sign (arms `half` long from the centre, `arm` thick), optionally rotated."""
    a = arm / 2
    pts = [(-a, -half), (a, -half), (a, -a), (half, -a), (half, a), (a, a),
           (a, half), (-a, half), (-a, a), (-half, a), (-half, -a), (-a, -a)]
    return rotate([(cx + x, cy + y) for x, y in pts], angle, (cx, cy))


def regular_polygon(cx: float, cy: float, radius: float, sides: int, start_deg: float = -90.0) -> list[Point]:
    """Return the corners of a regular polygon, the first corner at start_deg (default: pointing up)."""
    return [(cx + radius * math.cos(math.radians(start_deg + 360 * i / sides)),
             cy + radius * math.sin(math.radians(start_deg + 360 * i / sides))) for i in range(sides)]


STYLE = """
.bpmn-diagram text { font-family: Arial, "Helvetica Neue", Helvetica, "PingFang SC", "Microsoft YaHei",
  "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; fill: #22242a; }
.bpmn-shape.state-done .bpmn-body { stroke: #2e7d32; fill: #e8f5e9; }
.bpmn-shape.state-active .bpmn-body { stroke: #1565c0; fill: #e3f2fd; }
.bpmn-shape.state-overdue .bpmn-body { stroke: #c62828; fill: #ffebee; }
.bpmn-shape.visited .bpmn-body { stroke: #2e7d32; }
.bpmn-edge.taken .bpmn-edge-line { stroke: #2e7d32; stroke-width: 2.5; }
.bpmn-edge.taken .bpmn-edge-head { stroke: #2e7d32; }
.bpmn-edge.taken .bpmn-edge-head.filled { fill: #2e7d32; }
.bpmn-badge rect { fill: #1565c0; stroke: #ffffff; }
.bpmn-badge.badge-overdue rect { fill: #c62828; }
.bpmn-badge.badge-done rect { fill: #2e7d32; }
.bpmn-badge text { fill: #ffffff; font-weight: bold; }
"""
