"""The engine: start cases, work user tasks, fire timers; every change persisted in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any, TypeVar

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import audit
from engine.calendar_service import CalendarService
from engine.clock import CHINA, Clock, china_iso, system_clock
from engine.deploy import DeployResult, current_version, deploy_parsed, read_directory
from engine.errors import ConflictError, NotFound
from engine.forms import FormRegistry
from engine.models import ProcessInstance, ProcessVersion, Timer
from engine.projection import sync_inbox, sync_timers
from engine.retry import RetryPolicy, is_unique_violation, retrying
from engine.script_env import build_helpers
from engine.services import ServiceRegistry, make_script_engine, service_scope
from engine.specs import parse_files, spec_from_json
from engine.spiff_clock import spiff_clock
from engine.state import dump_state, load_state
from engine.store import Store
from engine.task_actions import TaskActions

log = logging.getLogger(__name__)
T = TypeVar("T")
SYSTEM = "system"


def _request_case(session: Session, key: str) -> int | None:
    return session.scalar(select(ProcessInstance.id).where(ProcessInstance.request_key == key))


@dataclass(frozen=True)
class LoadedSpec:
    """A version's restored spec and what the engine needs to know of it on every save."""

    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    deadline_timer_id: str | None
    has_timers: bool


def has_timers(spec: BpmnProcessSpec, subprocess_specs: Mapping[str, BpmnProcessSpec]) -> bool:
    """Tell whether any task of the process or what it calls waits on a timer."""
    return any(isinstance(getattr(task_spec, "event_definition", None), TimerEventDefinition)
               for s in (spec, *subprocess_specs.values()) for task_spec in s.task_specs.values())


@dataclass(frozen=True)
class CaseContext:
    """The business context a case starts with."""

    point_code: str | None = None
    town_code: str | None = None
    county_code: str | None = None  # the town's county; for a case without a town, the county it is for
    item_code: str | None = None
    applicant_id_number: str | None = None
    applicant_name: str | None = None
    channel: str = "counter"


class Engine(TaskActions):
    """Run BPMN cases on a store; handed its clock, calendar and forms, never reads web config."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock = system_clock,
        close_of_business: time = time(17, 30),
        forms: FormRegistry | None = None,
        services: ServiceRegistry | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.calendar = CalendarService(store, close_of_business)
        self.forms = forms
        self.helpers = build_helpers(self.calendar.current, clock)
        self.services = services or ServiceRegistry()
        self.script_engine = make_script_engine(self.helpers, self.services)
        self._specs: dict[int, LoadedSpec] = {}
        self.retry_policy = retry or RetryPolicy.from_env()

    # -- deploying ---------------------------------------------------------------------------
    def deploy_files(self, contents: Mapping[str, bytes], actor: str) -> list[DeployResult]:
        """Check and deploy a set of BPMN files; raise DeployError and change nothing if any is bad."""
        sample = {"accepted_at": china_iso(self.clock())}
        parsed = parse_files(contents, self.helpers, sample, self.services.names())
        with self.store.session(write=True) as session:
            return deploy_parsed(session, parsed, actor=actor, now=self.clock())

    def deploy_directory(self, directory: str | Path, actor: str = SYSTEM) -> list[DeployResult]:
        """Deploy every .bpmn file of a directory."""
        return self.deploy_files(read_directory(directory), actor)

    # -- instances ---------------------------------------------------------------------------
    def start_case(
        self,
        process_id: str,
        context: CaseContext,
        *,
        actor: str,
        data: Mapping[str, Any] | None = None,
        request_key: str | None = None,
    ) -> int:
        """Start a case on the process's current version and run it to its first wait; return its id."""
        try:
            return retrying(lambda: self._start(process_id, context, actor, dict(data or {}), request_key),
                            self.retry_policy, what=f"start {process_id}")
        except IntegrityError:
            if request_key is None:
                raise
            existing = self.case_by_request_key(request_key)  # a double click raced us: same case
            if existing is None:
                raise
            return existing

    def case_by_request_key(self, key: str) -> int | None:
        """Return the case started with this request key, if any."""
        with self.store.session() as session:
            return _request_case(session, key)

    def _start(self, process_id, context: CaseContext, actor, data, request_key) -> int:
        now = self.clock()
        with self.store.session(write=True) as session, spiff_clock(self.clock):
            found = _request_case(session, request_key) if request_key else None
            if found is not None:
                return found
            version = current_version(session, process_id)
            if version is None:
                raise NotFound("没有找到该流程。", f"process {process_id} is not deployed")
            due = self.calendar.current().due(now, version.limit_days) if version.limit_days is not None else None
            row = ProcessInstance(
                request_key=request_key, version_id=version.id, process_id=process_id,
                item_code=context.item_code, point_code=context.point_code, town_code=context.town_code,
                county_code=context.county_code, applicant_id_number=context.applicant_id_number,
                applicant_name=context.applicant_name,
                channel=context.channel, status="running", state="", accepted_at=now,
                limit_days=version.limit_days, due_at=due.at if due else None,
                due_provisional=due.provisional if due else False, created_by=actor,
                created_at=now, updated_at=now,
            )
            session.add(row)
            session.flush()
            row.case_no = f"QS{now.astimezone(CHINA):%Y%m%d}{row.id:06d}"
            loaded = self.loaded_spec(session, version.id)
            workflow = BpmnWorkflow(loaded.spec, loaded.subprocess_specs, script_engine=self.script_engine)
            start_data = {
                "accepted_at": china_iso(now), "case_no": row.case_no, **data,
                **{k: v for k, v in vars(context).items() if v is not None},
            }
            for task in workflow.get_tasks(state=TaskState.READY):
                task.set_data(**start_data)
            audit.record(session, at=now, actor=actor, action="start", instance_id=row.id,
                         point_code=row.point_code, process_id=process_id, version_id=version.id,
                         case_no=row.case_no)
            with service_scope(session, row, now):
                self.run_steps(session, row, workflow, actor)
            self._save(session, row, workflow)
            return row.id

    def loaded_spec(self, session: Session, version_id: int) -> LoadedSpec:
        """Return a version's parsed spec, restored once per process lifetime (versions never change)."""
        cached = self._specs.get(version_id)
        if cached is None:
            text, deadline = session.execute(select(ProcessVersion.spec_json, ProcessVersion.deadline_timer_id)
                                             .where(ProcessVersion.id == version_id)).one()
            spec, subs = spec_from_json(text)
            cached = self._specs[version_id] = LoadedSpec(spec, subs, deadline, has_timers(spec, subs))
        return cached

    def load_workflow(self, session: Session, row: ProcessInstance) -> BpmnWorkflow:
        """Restore an instance's workflow with our script engine attached."""
        loaded = self.loaded_spec(session, row.version_id)
        return load_state(row.state, loaded.spec, loaded.subprocess_specs, self.script_engine)

    def apply(self, session: Session, row: ProcessInstance,
              change: Callable[[Session, ProcessInstance, BpmnWorkflow], T]) -> T:
        """Restore the instance, apply `change`, and save state and projections in the caller's transaction."""
        workflow = self.load_workflow(session, row)
        # No autoflush: the row's changes reach the database in one UPDATE at commit, not one per query.
        with session.no_autoflush, spiff_clock(self.clock), service_scope(session, row, self.clock()):
            result = change(session, row, workflow)
            self._save(session, row, workflow)
        return result

    def mutate(self, instance_id: int, change: Callable[[Session, ProcessInstance, BpmnWorkflow], T],
               expected_version: int | None = None) -> T:
        """Apply `change` in its own transaction; a concurrent save surfaces as ConflictError."""
        return self._write(lambda session: instance_id, change, expected_version)

    def lock_instance(self, session: Session, instance_id: int) -> ProcessInstance | None:
        """Load an instance row and, on PostgreSQL, lock it until commit so racing saves queue behind us.

        Locking first means the loser of a race restores the winner's state and sees a clear conflict,
        instead of writing projection rows the winner already wrote (a unique-key error).
        """
        return session.get(ProcessInstance, instance_id, with_for_update=self.store.is_postgres)

    def _write(self, locate: Callable[[Session], int],
               change: Callable[[Session, ProcessInstance, BpmnWorkflow], T], expected_version: int | None,
               done: Callable[[Session], T | None] | None = None) -> T:
        def work(session: Session) -> T:
            earlier = done(session) if done is not None else None
            if earlier is not None:  # an earlier attempt committed: its outcome stands
                return earlier
            row = self.lock_instance(session, locate(session))
            if row is None:
                raise NotFound("没有找到该案件。", "instance not found")
            if expected_version is not None and row.lock_version != expected_version:
                raise ConflictError("案件已被他人更新，请刷新后重试。", f"instance {row.id} version moved")
            return self.apply(session, row, change)

        return self.in_transaction(work, what="case update")

    def in_transaction(self, work: Callable[[Session], T], what: str = "case updates") -> T:
        """Run `work` in one write transaction, again after a transient error; a racing save is a ConflictError.

        `work` may apply changes to several instances (lock each with lock_instance, then apply): they are
        saved together or not at all.
        """
        def attempt() -> T:
            with self.store.session(write=True) as session:
                return work(session)

        try:
            return retrying(attempt, self.retry_policy, what=what)
        except StaleDataError as exc:
            raise ConflictError("案件已被他人更新，请刷新后重试。", str(exc)) from exc
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            # Another save wrote the same projection row first (e.g. the next task's inbox row).
            raise ConflictError("案件已被他人更新，请刷新后重试。", str(exc)) from exc

    def run_steps(self, session: Session, row: ProcessInstance, workflow: BpmnWorkflow, actor: str) -> bool:
        """Run engine steps; a failing expression parks the case as an error instead of losing work."""
        try:
            # Timers that came due before this step fire first, so their branches run in this step too.
            workflow.refresh_timers()
            workflow.do_engine_steps()
        except Exception as exc:  # any failure inside a script, condition or timer expression
            log.warning("instance %s parked: %s", row.id, exc)
            row.status, row.error_message = "error", str(exc)
            audit.record(session, at=self.clock(), actor=actor, action="error", instance_id=row.id,
                         point_code=row.point_code, message=str(exc))
            return False
        if row.status == "error":
            row.status, row.error_message = "running", None
        return True

    def _save(self, session: Session, row: ProcessInstance, workflow: BpmnWorkflow) -> None:
        now = self.clock()
        loaded = self.loaded_spec(session, row.version_id)
        fired_timers = sync_timers(session, row, workflow, loaded.deadline_timer_id) if loaded.has_timers else []
        for fired in fired_timers:
            if fired.is_deadline and not row.overdue:
                row.overdue = True
            audit.record(session, at=now, actor="system:timer", action="timer_fired", instance_id=row.id,
                         point_code=row.point_code, bpmn_id=fired.bpmn_id, deadline=fired.is_deadline)
        if workflow.completed and row.status != "completed":
            row.status, row.completed_at = "completed", now
            audit.record(session, at=now, actor=SYSTEM, action="complete_case", instance_id=row.id,
                         point_code=row.point_code)
        row.state = dump_state(workflow)
        row.updated_at = now
        sync_inbox(session, row, workflow, now)

    # -- user tasks --------------------------------------------------------------------------
    def retry(self, instance_id: int, actor: str) -> bool:
        """Re-run the failed steps of a parked case after its cause is fixed; return whether it runs again."""

        def change(session: Session, row: ProcessInstance, workflow: BpmnWorkflow) -> bool:
            audit.record(session, at=self.clock(), actor=actor, action="retry", instance_id=row.id,
                         point_code=row.point_code, message=row.error_message)
            session.execute(update(Timer).where(Timer.instance_id == row.id).values(failed=False))
            try:
                for task in workflow.get_tasks(state=TaskState.ERROR):
                    task.run()
            except Exception as exc:
                row.status, row.error_message = "error", str(exc)
                return False
            return self.run_steps(session, row, workflow, actor)

        return self.mutate(instance_id, change)

    def due_soon_cutoff(self, now: datetime | None = None) -> datetime:
        """Return the end of the next working day: tasks due before it are "due within a working day"."""
        return self.calendar.current().next_working_day_end(now or self.clock())

