"""The sandbox rule: every piece of Python in a BPMN file must be what the sandbox runs, or the file is refused."""

from __future__ import annotations

from lxml import etree

from engine.findings import Finding
from engine.sandbox_policy import refusal

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

# (namespace, tag) -> (what it is called on the page, compile mode)
PYTHON_TEXTS = {
    (BPMN_NS, "script"): ("脚本", "exec"),
    (SPIFF_NS, "preScript"): ("前置脚本", "exec"),
    (SPIFF_NS, "postScript"): ("后置脚本", "exec"),
    (BPMN_NS, "conditionExpression"): ("条件表达式", "eval"),
    (BPMN_NS, "timeDate"): ("定时器表达式", "eval"),
    (BPMN_NS, "timeDuration"): ("定时器表达式", "eval"),
    (BPMN_NS, "timeCycle"): ("定时器表达式", "eval"),
    (BPMN_NS, "loopCardinality"): ("多实例表达式", "eval"),
    (BPMN_NS, "completionCondition"): ("多实例表达式", "eval"),
}


def _element(node: etree._Element) -> etree._Element:
    """Return the BPMN element (task, flow, event) that holds a piece of Python."""
    for ancestor in node.iterancestors():
        qname = etree.QName(ancestor)
        if qname.namespace == BPMN_NS and ancestor.get("id") and not qname.localname.endswith("EventDefinition"):
            return ancestor
    return node


def _texts(tree: etree._ElementTree):
    """Yield (node, kind, mode, text) for each piece of Python in a file."""
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        qname = etree.QName(node)
        if (qname.namespace, qname.localname) in PYTHON_TEXTS:
            kind, mode = PYTHON_TEXTS[(qname.namespace, qname.localname)]
            yield node, kind, mode, node.text or ""
        elif qname.namespace == SPIFF_NS and qname.localname == "parameter" and node.get("value"):
            yield node, "服务参数", "eval", node.get("value")


def sandbox_findings(filename: str, tree: etree._ElementTree) -> list[Finding]:
    """Name file, line, element and the Chinese reason for every text the sandbox refuses."""
    findings = []
    for node, kind, mode, text in _texts(tree):
        if not text.strip():
            continue
        refused = refusal(text.strip() if mode == "eval" else text, mode)
        if refused is None:
            continue
        element = _element(node)
        name = element.get("name")
        label = f"{kind}（{element.get('id')}{'「' + name + '」' if name else ''}）"
        line = node.sourceline + (refused.line or 1) - 1 if node.sourceline else None
        findings.append(Finding(filename, line, element.get("id"), f"{label}被安全沙箱拒绝：{refused.reason}"
                                f"（{kind}第 {refused.line or 1} 行）"))
    return findings
