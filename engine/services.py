"""Service tasks: BPMN `serviceTask`s call operators that change the county's own data in the case's transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.orm import Session

from engine import sandbox
from engine.models import ProcessInstance
from engine.sandbox_policy import ScriptRefused


@dataclass(frozen=True)
class ServiceCall:
    """What an operator gets: the open transaction, the case, the moment and the task's data."""

    session: Session
    instance: ProcessInstance
    now: datetime
    data: Mapping[str, Any]


Operator = Callable[..., Any]  # operator(call: ServiceCall, **params) -> JSON-friendly result
# guard(call) -> None or a Chinese reason why the user task may not be completed yet (e.g. towns still to confirm)
Guard = Callable[[ServiceCall], "str | None"]


class ServiceRegistry:
    """The operators a process may name in `spiffworkflow:serviceTaskOperator id=…`."""

    def __init__(self) -> None:
        self._operators: dict[str, Operator] = {}
        self._guards: dict[str, Guard] = {}

    def register(self, name: str, operator: Operator) -> None:
        """Add an operator under a name; a name is registered once."""
        if name in self._operators:
            raise ValueError(f"service operator {name!r} is registered twice")
        self._operators[name] = operator

    def register_guard(self, bpmn_id: str, guard: Guard) -> None:
        """Add a check that must pass before a user task with this BPMN id is completed."""
        if bpmn_id in self._guards:
            raise ValueError(f"task guard {bpmn_id!r} is registered twice")
        self._guards[bpmn_id] = guard

    def refusal(self, bpmn_id: str, call: ServiceCall) -> str | None:
        """Return why a user task may not be completed now, or None when it may (or has no guard)."""
        guard = self._guards.get(bpmn_id)
        return guard(call) if guard else None

    def names(self) -> set[str]:
        """Return the registered operator names."""
        return set(self._operators)

    def call(self, name: str, call: ServiceCall, params: Mapping[str, Any]) -> Any:
        """Run one operator."""
        operator = self._operators.get(name)
        if operator is None:
            raise LookupError(f"no service operator named {name!r}")
        return operator(call, **params)


class OutsideTransaction(RuntimeError):
    """A service task ran where no case transaction is open (e.g. a trial run by the checker)."""


@dataclass(frozen=True)
class _Scope:
    session: Session
    instance: ProcessInstance
    now: datetime


_scope: ContextVar[_Scope | None] = ContextVar("service_scope", default=None)


@contextmanager
def service_scope(session: Session, instance: ProcessInstance, now: datetime) -> Iterator[None]:
    """Let service tasks run while the engine holds this case's transaction."""
    token = _scope.set(_Scope(session, instance, now))
    try:
        yield
    finally:
        _scope.reset(token)


class CaseEnvironment(TaskDataEnvironment):
    """Spiff's task-data environment, run in our sandbox, plus our service operators."""

    def __init__(self, helpers: dict[str, Callable[..., Any]], services: ServiceRegistry) -> None:
        super().__init__(dict(helpers))
        self.services = services

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        """Evaluate a condition, timer or parameter expression in the sandbox (never Spiff's plain eval)."""
        return sandbox.evaluate(expression, {**self.globals, **(external_context or {}), **context})

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        """Run a script task in the sandbox; keep the data it leaves, drop helpers and functions."""
        self.check_for_overwrite(context, external_context or {})
        names = sandbox.execute(script, {**self.globals, **(external_context or {}), **context})
        hidden = set(self.globals) | set(external_context or {})
        context.clear()
        context.update({k: v for k, v in names.items() if k not in hidden and not callable(v)})
        return True

    def call_service(self, context: dict, operation_name: str, operation_params: dict, **_: Any) -> str:
        """Dispatch a service task to its operator inside the case's transaction; return JSON."""
        scope = _scope.get()
        if scope is None:
            raise OutsideTransaction(f"service task {operation_name} ran outside an engine transaction")
        params = {name: spec["value"] for name, spec in operation_params.items()}
        call = ServiceCall(scope.session, scope.instance, scope.now, context)
        # A savepoint per call: a failing operator leaves none of its writes behind in the parked case.
        with scope.session.begin_nested():
            result = self.services.call(operation_name, call, params)
        return json.dumps(result, ensure_ascii=False, default=str)


def refused_message(task: Any, exc: ScriptRefused) -> str:
    """Say in Chinese which element the sandbox stopped, where and why."""
    spec = task.task_spec
    name = f"「{spec.bpmn_name}」" if getattr(spec, "bpmn_name", None) else ""
    return f"元素 {getattr(spec, 'bpmn_id', spec.name)}{name} 的 Python 被安全沙箱拒绝：{exc}"


class CaseScriptEngine(PythonScriptEngine):
    """Spiff's script engine, reporting a failing operator or a sandbox refusal with its own message."""

    def evaluate(self, task, expression: str, external_context: dict | None = None) -> Any:
        """Evaluate in the sandbox; a refusal names the element and the reason."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except ScriptRefused as exc:
            raise WorkflowTaskException(refused_message(task, exc), task=task, exception=exc) from exc
        except SpiffWorkflowException as exc:
            exc.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as exc:  # Spiff's own wording for the rest
            raise WorkflowTaskException(f"Error evaluating expression '{expression}'", task=task,
                                        exception=exc) from exc

    def execute(self, task, script: str, external_context: dict | None = None) -> bool:
        """Run a script in the sandbox; a refusal names the element, the script line and the reason."""
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except ScriptRefused as exc:
            raise WorkflowTaskException(refused_message(task, exc), task=task, exception=exc,
                                        line_number=exc.line) from exc
        except Exception as exc:
            raise self.create_task_exec_exception(task, script, exc) from exc

    def call_service(self, task, **kwargs: Any) -> str:
        """Run a service task's operator; wrap its failure so the case parks with a readable reason."""
        try:
            return self.environment.call_service(task.data, **kwargs)
        except Exception as exc:  # Spiff 3.2's own handler here fails with a NameError of its own
            name = kwargs.get("operation_name")
            raise WorkflowTaskException(f"service {name} failed: {exc}", task=task, exception=exc) from exc


def make_script_engine(helpers: dict[str, Callable[..., Any]], services: ServiceRegistry) -> PythonScriptEngine:
    """Build the Spiff script engine with our helpers and service operators."""
    return CaseScriptEngine(environment=CaseEnvironment(helpers, services))
