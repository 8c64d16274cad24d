"""Facts about semantic BPMN elements that decide how they are drawn (markers, definitions, names)."""

from __future__ import annotations

from lxml import etree

from engine.diagram.model import MODEL_NS, flag, local

TASK_ICONS = {"userTask": "user", "serviceTask": "service", "scriptTask": "script", "sendTask": "send",
              "receiveTask": "receive", "manualTask": "manual", "businessRuleTask": "businessRule"}
GLOBAL_TASK_ICONS = {"globalUserTask": "user", "globalScriptTask": "script", "globalManualTask": "manual",
                     "globalBusinessRuleTask": "businessRule"}
ACTIVITIES = {"task", "callActivity", "subProcess", "adHocSubProcess", "transaction", *TASK_ICONS}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
          "implicitThrowEvent"}
GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
            "gateway"}
THROWING = {"endEvent", "intermediateThrowEvent", "implicitThrowEvent"}


def children(node: etree._Element, name: str) -> list[etree._Element]:
    """Return the BPMN-namespace children with a local name."""
    return node.findall(f"{{{MODEL_NS}}}{name}")


def name_of(node: etree._Element | None, index: dict[str, etree._Element]) -> str:
    """Return the text to show for an element (annotation text, group category, data state included)."""
    if node is None:
        return ""
    kind = local(node)
    if kind == "textAnnotation":
        text = node.find(f"{{{MODEL_NS}}}text")
        return (text.text or "").strip() if text is not None else ""
    if kind == "group":
        value = index.get(node.get("categoryValueRef", ""))
        return (value.get("value") or "") if value is not None else (node.get("name") or "")
    name = node.get("name") or ""
    if kind in ("dataObjectReference", "dataStoreReference") and not name:
        target = index.get(node.get("dataObjectRef") or node.get("dataStoreRef") or "")
        name = (target.get("name") or "") if target is not None else ""
    state = node.find(f"{{{MODEL_NS}}}dataState")
    shown = f"[{state.get('name')}]" if state is not None and state.get("name") else ""
    if shown and shown not in name:  # some tools already put the state in the name
        name = f"{name}\n{shown}" if name else shown
    return name.strip()


def event_definitions(node: etree._Element, index: dict[str, etree._Element]) -> list[str]:
    """Return the kinds of an event's definitions ("message", "timer", …), own and referenced."""
    kinds = []
    for child in node:
        name = local(child)
        if name.endswith("EventDefinition"):
            kinds.append(name.removesuffix("EventDefinition"))
        elif name == "eventDefinitionRef":
            target = index.get((child.text or "").strip())
            if target is not None and local(target).endswith("EventDefinition"):
                kinds.append(local(target).removesuffix("EventDefinition"))
    return kinds


def event_symbol(node: etree._Element, index: dict[str, etree._Element]) -> str | None:
    """Return the one symbol drawn inside an event: a definition kind, multiple, parallelMultiple or None."""
    kinds = event_definitions(node, index)
    if not kinds:
        return None
    if len(kinds) == 1:
        return kinds[0]
    return "parallelMultiple" if flag(node, "parallelMultiple") else "multiple"


def is_interrupting(node: etree._Element) -> bool:
    """Return whether a start or boundary event interrupts (non-interrupting ones are drawn dashed)."""
    if local(node) == "boundaryEvent":
        return flag(node, "cancelActivity") is not False
    if local(node) == "startEvent":
        return flag(node, "isInterrupting") is not False
    return True


def loop_marker(node: etree._Element) -> str | None:
    """Return "loop", "mi-parallel", "mi-sequential" or None from an activity's loop characteristics."""
    if children(node, "standardLoopCharacteristics"):
        return "loop"
    multi = children(node, "multiInstanceLoopCharacteristics")
    if multi:
        return "mi-sequential" if flag(multi[0], "isSequential") else "mi-parallel"
    return None


def task_icon(node: etree._Element, index: dict[str, etree._Element]) -> str | None:
    """Return the task-type icon name; a call activity shows the icon of the global task it calls."""
    kind = local(node)
    if kind == "callActivity":
        called = index.get(node.get("calledElement", ""))
        return GLOBAL_TASK_ICONS.get(local(called)) if called is not None else None
    return TASK_ICONS.get(kind)


def calls_global_task(node: etree._Element, index: dict[str, etree._Element]) -> bool:
    """Return whether a call activity calls a global task (drawn like a task, without the "+" marker)."""
    called = index.get(node.get("calledElement", ""))
    return called is not None and local(called).startswith("global") and local(called).endswith("Task")


def is_default_flow(flow: etree._Element, index: dict[str, etree._Element]) -> bool:
    """Return whether a sequence flow is its source's default flow."""
    source = index.get(flow.get("sourceRef", ""))
    return source is not None and source.get("default") == flow.get("id") and bool(flow.get("id"))


def is_conditional_from_activity(flow: etree._Element, index: dict[str, etree._Element]) -> bool:
    """Return whether a sequence flow has a condition and leaves an activity (drawn with a diamond)."""
    if not children(flow, "conditionExpression"):
        return False
    source = index.get(flow.get("sourceRef", ""))
    return source is not None and local(source) in ACTIVITIES


def is_collection(node: etree._Element, index: dict[str, etree._Element]) -> bool:
    """Return whether a data object (or its reference, input or output) is a collection."""
    if flag(node, "isCollection"):
        return True
    target = index.get(node.get("dataObjectRef", ""))
    return target is not None and bool(flag(target, "isCollection"))


def has_multiplicity(node: etree._Element) -> bool:
    """Return whether a participant is multi-instance (its multiplicity maximum is above one)."""
    mult = children(node, "participantMultiplicity")
    if not mult:
        return False
    try:
        return int(mult[0].get("maximum", "2")) > 1
    except ValueError:
        return True
