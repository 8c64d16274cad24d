"""Parse and check BPMN files into process specs; serialize specs for storage once per version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.errors import DeployError
from engine.findings import Finding
from engine.script_check import sandbox_findings
from engine.timer_check import KINDS, check_timer, deadline_days
from engine.xml_encoding import utf8_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS, "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}

# The serializer's config must match the parser family (spiff).
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


@dataclass
class ParsedProcess:
    """One executable process ready to deploy: its spec, its dependencies and its deadline."""

    process_id: str
    name: str
    filename: str
    xml: str
    content_hash: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    limit_days: int | None = None
    deadline_timer_id: str | None = None
    depends_on: list[str] = field(default_factory=list)
    _spec_json: str | None = field(default=None, repr=False)

    @property
    def spec_json(self) -> str:
        """Return the serialized spec, computed once."""
        if self._spec_json is None:
            self._spec_json = spec_to_json(self.spec, self.subprocess_specs)
        return self._spec_json


def _read_xml(filename: str, content: bytes) -> etree._ElementTree:
    """Parse XML, naming file and line when it is not well-formed or not BPMN."""
    try:
        tree = etree.ElementTree(etree.fromstring(content, etree.XMLParser(resolve_entities=False)))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else "?")
        raise DeployError([Finding(filename, line, None, f"not well-formed XML: {exc.msg}")]) from exc
    root = tree.getroot()
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise DeployError([Finding(filename, root.sourceline, None, f"not a BPMN file (root element {root.tag})")])
    return tree


def _finding(exc: ValidationException, fallback_file: str) -> Finding:
    message = str(exc).replace(f"{{{BPMN_NS}}}", "bpmn:").strip()
    return Finding(exc.file_name or fallback_file, exc.line_number or None, getattr(exc, "id", "") or None, message)


def _process_of(element: etree._Element) -> str | None:
    for ancestor in element.iterancestors(f"{{{BPMN_NS}}}process"):
        return ancestor.get("id")
    return None


def _timer_findings(
    filename: str, tree: etree._ElementTree, helpers: Mapping[str, Callable[..., Any]], sample: Mapping
) -> tuple[list[str], dict[str, list[tuple[str, int]]]]:
    """Check every timer; return findings and, per process, its statutory deadline timers."""
    findings: list[str] = []
    deadlines: dict[str, list[tuple[str, int]]] = {}
    for definition in tree.iterfind(".//bpmn:timerEventDefinition", NS):
        event = definition.getparent()
        for kind in KINDS:
            node = definition.find(f"bpmn:{kind}", NS)
            if node is None:
                continue
            text = (node.text or "").strip()
            reason = check_timer(kind, text, helpers, sample)
            if reason:
                findings.append(Finding(filename, node.sourceline, event.get("id"), f"timer {text!r} {reason}"))
            days = deadline_days(text) if kind == "timeDate" else None
            if days is not None:
                deadlines.setdefault(_process_of(event) or "", []).append((event.get("id"), days))
    return findings, deadlines


def _content_hash(process_id: str, files_of: Mapping[str, str], contents: Mapping[str, bytes],
                  deps: list[str]) -> str:
    digest = hashlib.sha256()
    for pid in [process_id, *sorted(deps)]:
        digest.update(pid.encode() + b"\0" + contents[files_of[pid]] + b"\0")
    return digest.hexdigest()


def _operator_findings(filename: str, tree: etree._ElementTree, operators: set[str]) -> list[str]:
    """Report service tasks naming an operator the engine does not have."""
    findings = []
    for node in tree.iterfind(".//spiffworkflow:serviceTaskOperator", NS):
        if node.get("id") not in operators:
            task = node.getparent().getparent()
            findings.append(Finding(filename, node.sourceline, task.get("id"), f"service operator {node.get('id')!r} "
                                    f"does not exist; known: {', '.join(sorted(operators)) or 'none'}"))
    return findings


# Parsing with XSD validation is the slow part of a deploy; files that parsed cleanly once parse the same again.
_PARSED: dict[tuple, dict[str, ParsedProcess]] = {}
_PARSED_MAX = 8


def parse_files(
    contents: Mapping[str, bytes],
    helpers: Mapping[str, Callable[..., Any]],
    sample: Mapping[str, Any],
    operators: set[str] = frozenset(),
) -> dict[str, ParsedProcess]:
    """Parse and check a set of files that together resolve every call activity; raise DeployError."""
    key = (tuple(sorted((name, hashlib.sha256(data).hexdigest()) for name, data in contents.items())),
           tuple(sorted(helpers)), tuple(sorted(operators)))
    if key not in _PARSED:
        parsed = _parse_files(contents, helpers, sample, operators)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = parsed
    return _PARSED[key]


def _parse_files(
    contents: Mapping[str, bytes],
    helpers: Mapping[str, Callable[..., Any]],
    sample: Mapping[str, Any],
    operators: set[str],
) -> dict[str, ParsedProcess]:
    parser = SpiffBpmnParser(validator=VALIDATOR)  # XSD validation, with the spiffworkflow extensions
    findings: list[str] = []
    trees: dict[str, etree._ElementTree] = {}
    deadlines: dict[str, list[tuple[str, int]]] = {}
    readable: dict[str, bytes] = {}
    for filename, content in contents.items():
        try:
            readable[filename] = content = utf8_xml(filename, content)
            tree = _read_xml(filename, content)
            parser.add_bpmn_xml(tree, filename)
        except DeployError as exc:
            findings.extend(exc.findings)
            continue
        except ValidationException as exc:
            findings.append(_finding(exc, filename))
            continue
        trees[filename] = tree
        timer_findings, file_deadlines = _timer_findings(filename, tree, helpers, sample)
        findings.extend(timer_findings)
        findings.extend(sandbox_findings(filename, tree))
        findings.extend(_operator_findings(filename, tree, set(operators)))
        deadlines.update(file_deadlines)
    if findings:
        raise DeployError(findings)

    files_of = {pid: p.filename for pid, p in parser.process_parsers.items()}
    for filename, tree in trees.items():
        for call in tree.iterfind(".//bpmn:callActivity", NS):
            target = call.get("calledElement")
            if target not in files_of:
                findings.append(Finding(filename, call.sourceline, call.get("id"),
                                        f"calls process {target!r}, which is in none of the files; "
                                        "add its file or fix calledElement"))
    if findings:
        raise DeployError(findings)
    parsed: dict[str, ParsedProcess] = {}
    for process_id in parser.get_process_ids():
        filename = files_of[process_id]
        try:
            spec = parser.get_spec(process_id)
            subs = parser.get_subprocess_specs(process_id)
        except ValidationException as exc:
            findings.append(_finding(exc, filename))
            continue
        found = deadlines.get(process_id, [])
        if len(found) > 1:
            ids = ", ".join(i for i, _ in found)
            findings.append(Finding(filename, None, process_id, f"more than one statutory deadline timer ({ids})"))
            continue
        deps = [pid for pid in subs if pid in files_of]
        parsed[process_id] = ParsedProcess(
            process_id=process_id,
            name=spec.description or process_id,
            filename=filename,
            xml=readable[filename].decode("utf-8"),
            content_hash=_content_hash(process_id, files_of, readable, deps),
            spec=spec,
            subprocess_specs=subs,
            limit_days=found[0][1] if found else None,
            deadline_timer_id=found[0][0] if found else None,
            depends_on=deps,
        )
    if findings:
        raise DeployError(findings)
    return parsed


def spec_to_json(spec: BpmnProcessSpec, subprocess_specs: Mapping[str, BpmnProcessSpec]) -> str:
    """Serialize a spec and its subprocess specs for the version row."""
    registry = SERIALIZER.registry
    return json.dumps(
        {
            "spec": registry.convert(spec),
            "subprocess_specs": {name: registry.convert(s) for name, s in subprocess_specs.items()},
        },
        ensure_ascii=False,
    )


def spec_from_json(text: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """Restore a spec and its subprocess specs from a version row."""
    registry = SERIALIZER.registry
    data = json.loads(text)
    subs = {name: registry.restore(s) for name, s in data["subprocess_specs"].items()}
    return registry.restore(data["spec"]), subs
