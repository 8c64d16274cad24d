"""Serialize a workflow's state without its spec, and restore it onto a cached spec."""

from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from engine.specs import SERIALIZER

STATE_FORMAT = 1


class _StateConverter(BpmnWorkflowConverter):
    """Spiff's workflow converter minus the spec, which lives once per version row."""

    def state_to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def state_from_dict(
        self, dct: dict, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
    ) -> BpmnWorkflow:
        workflow = BpmnWorkflow(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_CONVERTER = _StateConverter(BpmnWorkflow, SERIALIZER.registry)


def dump_state(workflow: BpmnWorkflow) -> str:
    """Return the instance's state as compact JSON."""
    dct = _CONVERTER.state_to_dict(workflow)
    dct["format"] = STATE_FORMAT
    return json.dumps(dct, ensure_ascii=False, separators=(",", ":"))


def load_state(
    text: str,
    spec: BpmnProcessSpec,
    subprocess_specs: dict[str, BpmnProcessSpec],
    script_engine: PythonScriptEngine,
) -> BpmnWorkflow:
    """Rebuild a workflow from stored state; a restored workflow needs its script engine re-attached."""
    dct = json.loads(text)
    dct.pop("format", None)
    workflow = _CONVERTER.state_from_dict(dct, spec, subprocess_specs)
    workflow.script_engine = script_engine
    return workflow
