"""Diagrams for pages: a version with where its cases wait, a case with its path and where it waits now."""

from __future__ import annotations

import logging

from lxml import etree
from markupsafe import Markup
from SpiffWorkflow.util.task import TaskState

from engine.diagram import DiagramError, HighlightSpec, Overlay, render_svg
from engine.models import ProcessInstance, ProcessVersion
from engine.runtime import Engine
from engine.specs import BPMN_NS

log = logging.getLogger(__name__)
LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def _svg(source: bytes | str, **kwargs) -> Markup | None:
    """Render, or log and show nothing: a page must not fail because its picture does."""
    try:
        svg = render_svg(source, **kwargs)
        return Markup(svg[svg.index("<svg"):])  # inline in HTML: no XML declaration
    except (DiagramError, ValueError) as exc:
        log.warning("diagram not rendered: %s", exc)
        return None


def preview(content: bytes) -> Markup | None:
    """Render an uploaded file as it is."""
    return _svg(content)


def version_diagram(version: ProcessVersion, waiting: dict[str, tuple[int, int]]) -> Markup | None:
    """Badge each step with how many open cases wait there and how many of them are overdue."""
    overlay = {bpmn_id: Overlay(badge=f"{n} 等待" + (f" / {late} 超期" if late else ""),
                                state="overdue" if late else "active", title=f"{n} 件等待，其中 {late} 件超期")
               for bpmn_id, (n, late) in waiting.items()}
    return _svg(version.bpmn_xml, overlay=overlay)


def _flows(xml: str) -> dict[tuple[str, str], str]:
    """Map (source, target) to the sequence flow between them."""
    root = etree.fromstring(xml.encode())
    return {(f.get("sourceRef"), f.get("targetRef")): f.get("id")
            for f in root.iter(f"{{{BPMN_NS}}}sequenceFlow")}


def case_diagram(engine: Engine, row: ProcessInstance) -> Markup | None:
    """Mark the steps a case has done, the flows it took, and where it waits now."""
    with engine.store.session() as session:
        version = session.get(ProcessVersion, row.version_id)
        workflow = engine.load_workflow(session, row)
    flows = _flows(version.bpmn_xml)
    overlay: dict[str, Overlay] = {}
    taken: set[str] = set()
    for task in workflow.get_tasks():
        bpmn_id = task.task_spec.bpmn_id
        if bpmn_id is None:
            continue
        if task.state & LIVE:
            overlay[bpmn_id] = Overlay(state="overdue" if row.overdue else "active", badge="当前")
        elif task.state == TaskState.COMPLETED and bpmn_id not in overlay:
            overlay[bpmn_id] = Overlay(state="done")
        if task.state in (TaskState.COMPLETED, TaskState.READY, TaskState.WAITING) and task.parent is not None:
            flow = flows.get((task.parent.task_spec.bpmn_id, bpmn_id))
            if flow:
                taken.add(flow)
    return _svg(version.bpmn_xml, overlay=overlay, highlight=HighlightSpec(flows=taken))
