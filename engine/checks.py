"""Check process files the way analysts need: every rule names file, line, element and the fix."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from engine.errors import DeployError
from engine.findings import Finding
from engine.forms import FormRegistry
from engine.sandbox_policy import ScriptRefused
from engine.services import OutsideTransaction, ServiceRegistry, make_script_engine
from engine.specs import NS, ParsedProcess, parse_files
from engine.timer_check import deadline_days
from engine.trial import TrialAborted, isolated


@dataclass(frozen=True)
class CheckContext:
    """What the rules check against: helpers, operators, forms, roles and the catalog's limits."""

    helpers: Mapping[str, Callable[..., Any]]
    operators: set[str] = field(default_factory=set)
    forms: FormRegistry | None = None
    roles: set[str] = field(default_factory=set)
    limits: Mapping[str, int] = field(default_factory=dict)  # process id -> statutory limit in working days
    sample: Mapping[str, Any] = field(default_factory=dict)


def _trees(contents: Mapping[str, bytes]) -> dict[str, etree._ElementTree]:
    trees = {}
    for name, content in contents.items():
        try:
            trees[name] = etree.ElementTree(etree.fromstring(content, etree.XMLParser(resolve_entities=False)))
        except etree.XMLSyntaxError:
            continue  # parse_files reports it with its line
    return trees


def _user_task_rules(name: str, tree: etree._ElementTree, ctx: CheckContext) -> list[Finding]:
    findings = []
    for task in tree.iterfind(".//bpmn:userTask", NS):
        task_id = task.get("id")
        if ctx.forms is not None and task_id not in ctx.forms:
            findings.append(Finding(name, task.sourceline, task_id, f"user task has no form; add forms/{task_id}.toml"))
        roles = task.xpath(".//spiffworkflow:property[@name='candidate_role']/@value", namespaces=NS)
        if not roles:
            findings.append(Finding(name, task.sourceline, task_id, "user task names no candidate role; add a "
                                    "spiffworkflow property candidate_role, one of " + ", ".join(sorted(ctx.roles))))
        elif ctx.roles and roles[0] not in ctx.roles:
            findings.append(Finding(name, task.sourceline, task_id, f"unknown candidate role {roles[0]!r}; use one "
                                    "of " + ", ".join(sorted(ctx.roles))))
    return findings


def _condition_rules(name: str, tree: etree._ElementTree) -> list[Finding]:
    findings = []
    for condition in tree.iterfind(".//bpmn:conditionExpression", NS):
        text = (condition.text or "").strip()
        flow = condition.getparent().get("id")
        if not text:
            findings.append(Finding(name, condition.sourceline, flow, "empty condition; write a Python expression "
                                    "over the case data, or remove the condition and make the flow the default"))
            continue
        try:
            compile(text, "<condition>", "eval")
        except SyntaxError as exc:
            hint = "${…} is Camunda/JUEL syntax; " if "${" in text else ""
            findings.append(Finding(name, condition.sourceline, flow, f"condition {text!r} does not compile "
                                    f"({exc.msg}); {hint}write a Python expression such as decision == \"approve\""))
    return findings


def _deadline_rules(name: str, tree: etree._ElementTree, ctx: CheckContext) -> list[Finding]:
    findings = []
    for process in tree.iterfind("bpmn:process", NS):
        limit = ctx.limits.get(process.get("id"))
        if limit is None:
            continue
        timers = [(t, deadline_days(t.text)) for t in process.iterfind(".//bpmn:timeDate", NS)
                  if deadline_days(t.text) is not None]
        where = (name, process.sourceline, process.get("id"))
        if not timers:
            findings.append(Finding(*where, f"item process has no statutory deadline timer; add a non-interrupting "
                                    f"boundary timer with timeDate statutory_due(accepted_at, {limit})"))
            continue
        timer, days = timers[0]
        event = timer.getparent().getparent()
        if days != limit:
            findings.append(Finding(name, timer.sourceline, event.get("id"), f"deadline is {days} working days but "
                                    f"the catalog says {limit}; change one of them so they agree"))
        if not event.tag.endswith("boundaryEvent") or event.get("cancelActivity") != "false":
            findings.append(Finding(name, event.sourceline, event.get("id"), "the deadline timer must be a "
                                    "non-interrupting boundary event (cancelActivity=\"false\") so work goes on"))
    return findings


def _refused_in_trial(process: ParsedProcess, exc: Exception, refused: ScriptRefused) -> Finding:
    """Name file, line and element of a script the sandbox stopped during the trial run (a loop, a huge value)."""
    task = getattr(exc, "task", None)
    element = getattr(getattr(task, "task_spec", None), "bpmn_id", None) or process.process_id
    line = None
    tree = etree.fromstring(process.xml.encode(), etree.XMLParser(resolve_entities=False))
    for node in tree.iterfind(f".//*[@id='{element}']"):
        script = node.find("bpmn:script", NS)
        line = (script.sourceline + (refused.line or 1) - 1) if script is not None else node.sourceline
    return Finding(process.filename, line, element, f"试运行时{str(exc).rstrip('. ')}")


def _smoke_run(process: ParsedProcess, ctx: CheckContext) -> Finding | None:
    """Start the process in memory with sample data up to its first wait; a failure is worth a warning."""
    try:
        workflow = BpmnWorkflow(process.spec, process.subprocess_specs,
                                script_engine=make_script_engine(dict(ctx.helpers), ServiceRegistry()))
        for task in workflow.get_tasks():
            task.set_data(**ctx.sample)
            break
        workflow.do_engine_steps()
    except Exception as exc:  # any failure: report it, the analyst decides
        if isinstance(exc.__cause__, OutsideTransaction):
            return None  # the trial reached a service task, which needs a real case: as far as it can go
        if isinstance(exc.__cause__, ScriptRefused):
            return _refused_in_trial(process, exc, exc.__cause__)

        return Finding(process.filename, None, process.process_id, f"a trial run with sample data stopped: {exc}",
                       severity="warning")
    return None


def _trial_runs(processes: list[ParsedProcess], ctx: CheckContext) -> list[Finding]:
    """Trial-run each process in a resource-limited child: an upload can neither hang nor exhaust the server."""

    def work() -> list[tuple]:
        found = [_smoke_run(process, ctx) for process in processes]
        return [(f.file, f.line, f.element, f.message, f.severity) for f in found if f is not None]

    if not processes:
        return []
    try:
        return [Finding(*parts) for parts in isolated(work)]
    except TrialAborted as exc:
        files = sorted({p.filename for p in processes})
        return [Finding(name, None, None, f"{exc}；请检查脚本中的循环和大数据量运算") for name in files]


def check_files(contents: Mapping[str, bytes], ctx: CheckContext,
                library: Mapping[str, bytes] | None = None) -> list[Finding]:
    """Check `contents`, resolving call activities also against `library`; report only on `contents`."""
    everything = {**(library or {}), **contents}
    findings: list[Finding] = []
    parsed: dict[str, ParsedProcess] = {}
    try:
        parsed = parse_files(everything, ctx.helpers, ctx.sample, ctx.operators)
    except DeployError as exc:
        findings.extend(exc.findings)
    for name, tree in _trees(contents).items():
        findings += _user_task_rules(name, tree, ctx) + _condition_rules(name, tree) + _deadline_rules(name, tree, ctx)
    findings += _trial_runs([p for p in parsed.values() if p.filename in contents], ctx)
    return sorted((f for f in findings if f.file in contents), key=lambda f: (f.file, f.line or 0))
