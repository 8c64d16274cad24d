"""Render BPMN diagrams (their diagram interchange) to SVG on the server, without a browser.

    svg = render_svg(path_or_xml, overlay={"review": Overlay(badge="3 等待 / 1 超期", state="overdue")},
                     highlight=HighlightSpec(flows={"flow_1"}))

Every element's group carries `data-element-id` and the classes `bpmn-shape bpmn-<type>` (edges:
`bpmn-edge bpmn-<type>`), so pages and tests can find and style them.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from engine.diagram.model import Diagram, DiagramError, Source, diagram_ids, load_diagram, parse_definitions
from engine.diagram.render import HighlightSpec, Overlay, build_svg

__all__ = ["Diagram", "DiagramError", "HighlightSpec", "Overlay", "list_diagrams", "load_diagram", "render_svg"]


def render_svg(source: Source, *, diagram_id: str | None = None, overlay: Mapping[str, Overlay] | None = None,
               highlight: HighlightSpec | None = None) -> str:
    """Render one diagram of a BPMN file (bytes, XML text or a path) to an SVG document string.

    The first BPMNDiagram is drawn unless diagram_id names a diagram, its plane, or the process or
    collaboration the plane shows. Raises DiagramError for input that is not XML, not BPMN or has no DI.
    """
    diagram = load_diagram(source, diagram_id)
    return etree.tostring(build_svg(diagram, overlay, highlight), encoding="unicode")


def list_diagrams(source: Source) -> list[str]:
    """Return the ids of the file's diagrams, in file order."""
    return diagram_ids(parse_definitions(source))
