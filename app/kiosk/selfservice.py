"""What a citizen can do alone at a kiosk, and running such a case from one citizen step to the next.

Every user task of the items is a clerk's (candidate_role clerk). At a kiosk the citizen stands where the
clerk would, so the kiosk takes three kinds of task on the citizen's behalf, as actor ``kiosk:<id>``:

- ``verify_identity``: the kiosk records the document the citizen presented (the ID number typed or read
  from an ID card, or a social-security card), which is how the citizen identified at the kiosk;
- forms the citizen fills in: a query's criteria, a registration, a choice among offered matches;
- tasks that only tell the result (read-only fields): the kiosk shows them and records them as shown.

An item is self-service when every user task its case can reach is one of these (the overdue branch and
the home-visit/proxy branch never happen on a kiosk case). That leaves the queries and registrations;
applications whose materials a clerk must check or the county must review are not self-service: the kiosk
offers 帮办 for them instead. A case that meets any other task stops there and waits for the point's clerk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.catalog import Catalog, Item
from engine.errors import EngineError
from engine.forms import form_fields_for_render
from engine.models import AuditEvent, InboxTask, ProcessInstance, ProcessVersion
from engine.queries import get_case, open_tasks
from engine.runtime import Engine
from engine.specs import spec_from_json

KIOSK_NOTE = "自助机自助办理：结果已在自助机屏幕上显示，可打印凭条。"
VERIFY_TASK = "verify_identity"
CITIZEN_TASKS = frozenset({
    "item01_register", "item04_register", "item07_posting",  # registrations
    "item02_pick", "item05_pick", "item08_choose", "item08_pick",  # choices among the offered matches
    "item03_criteria", "item06_criteria", "item09_criteria", "item12_criteria", "item14_criteria",  # criteria
})
_SHOWN = {"result_told": True, "query_note": KIOSK_NOTE}
# Result tasks and what the kiosk submits once their read-only fields are on the screen.
RESULT_TASKS: dict[str, dict[str, Any]] = {
    **{task: {} for task in ("item03_results", "item06_results", "item09_results", "item12_results",
                             "item13_results", "item14_results", "item15_results")},
    **{task: _SHOWN for task in ("item25_result", "item26_result", "item27_result", "item33_result")},
    # 当面告知: the citizen reads the result on the kiosk's screen in person.
    "notify_applicant": {"notify_method": "in_person", "notify_note": KIOSK_NOTE},
}
# Items whose first citizen step is a form needing nothing but the applicant. The kiosk shows it before the case
# exists and starts the case only when the citizen submits it: a citizen who walks away leaves no open case in
# the clerk's inbox (nor, that evening, an overdue one for the supervisor). A test keeps this list true.
FIRST_FORMS = {"1": "item01_register", "3": "item03_criteria", "4": "item04_register", "6": "item06_criteria",
               "7": "item07_posting", "9": "item09_criteria", "12": "item12_criteria", "14": "item14_criteria"}
# Never on a kiosk case's path: the deadline's supervisor branch, and home visits / proxies.
OFF_PATH = frozenset({"supervise_overdue", "record_home_visit"})
KIOSK_TASKS = CITIZEN_TASKS | RESULT_TASKS.keys() | {VERIFY_TASK}
MAX_AUTOMATIC = 20  # automatic steps in a row; more means a loop in a process, not progress

_user_tasks_by_version: dict[int, frozenset[str]] = {}


@dataclass(frozen=True)
class Step:
    """Where a kiosk case stands for the citizen.

    kind: "form" (the citizen fills task `task_id`), "done" (finished), "staff" (waits for a clerk at
    task `title`), "auto" (a step the kiosk takes itself is pending), "error" (parked by the engine).
    """

    kind: str
    task_id: str | None = None
    bpmn_id: str | None = None
    title: str = ""


@dataclass(frozen=True)
class Shown:
    """A result the kiosk showed: its task's title and the (label, text) pairs of its read-only fields."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)


def _user_tasks(engine: Engine, process_id: str) -> frozenset[str]:
    """Return the BPMN ids of the user tasks in a process's current version and everything it calls."""
    with engine.store.session() as session:
        version_id = session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == process_id,
                                                                    ProcessVersion.is_current))
        if version_id is None:
            return frozenset({"(not deployed)"})
        cached = _user_tasks_by_version.get(version_id)
        if cached is None:  # versions never change, so each spec is read once per process
            spec, subs = spec_from_json(session.scalar(select(ProcessVersion.spec_json)
                                                       .where(ProcessVersion.id == version_id)))
            cached = frozenset(t.bpmn_id for s in (spec, *subs.values()) for t in s.task_specs.values()
                               if getattr(t, "manual", False) and t.bpmn_id)
            _user_tasks_by_version[version_id] = cached
    return cached


def is_self_service(engine: Engine, item: Item) -> bool:
    """Tell whether a citizen can do an item alone at a kiosk (kiosk channel, every reachable task kiosk-able)."""
    if "kiosk" not in item.channels or item.demo_only:
        return False
    return _user_tasks(engine, item.process) - OFF_PATH <= KIOSK_TASKS


def kiosk_items(engine: Engine, catalog: Catalog, point_is_demo: bool) -> list[tuple[Item, bool]]:
    """Return the kiosk-channel items a point offers, each with whether it is self-service."""
    return [(item, is_self_service(engine, item)) for item in catalog.items
            if "kiosk" in item.channels and (point_is_demo or not item.demo_only)]


def advance(engine: Engine, case_id: int, *, actor: str, document: str) -> Step:
    """Run the kiosk's own steps of a case until the citizen must act, a clerk must, or it is finished."""
    for _ in range(MAX_AUTOMATIC):
        step = where(engine, case_id)
        if step.kind != "auto":
            return step
        if step.bpmn_id == VERIFY_TASK:
            submitted: dict[str, Any] = {"identity_document": document, "identity_confirmed": True}
        else:
            submitted = dict(RESULT_TASKS[step.bpmn_id])
        try:
            engine.complete(step.task_id, actor, submitted)
        except EngineError:  # the form changed or a clerk took the task: leave it to the clerk
            return Step("staff", step.task_id, step.bpmn_id, step.title)
    return Step("error")


def where(engine: Engine, case_id: int) -> Step:
    """Say where a case stands for the kiosk citizen, without moving it."""
    row = get_case(engine.store, case_id)
    if row is None or row.status == "error":
        return Step("error")
    task = _first_task(engine, case_id)
    if task is None:
        return Step("done")
    if row.channel != "kiosk":  # a case started at the counter (even the citizen's own) is the clerks'
        kind = "staff"
    else:
        kind = "form" if task.bpmn_id in CITIZEN_TASKS else "auto" if task.bpmn_id in KIOSK_TASKS else "staff"
    return Step(kind, task.task_id, task.bpmn_id, task.title)


def _first_task(engine: Engine, case_id: int) -> InboxTask | None:
    tasks = [t for t, _ in open_tasks(engine.store, instance_id=case_id) if t.bpmn_id not in OFF_PATH]
    return tasks[0] if tasks else None


def citizen_fills(case: ProcessInstance, task: InboxTask) -> bool:
    """Tell whether a kiosk citizen may fill in this task: a form step of a self-service case."""
    return case.channel == "kiosk" and task.bpmn_id in CITIZEN_TASKS


def shown_results(engine: Engine, case_id: int, data: dict[str, Any]) -> list[Shown]:
    """Return the results a case's result tasks showed, in order, from the case's latest data."""
    with engine.store.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == case_id,
                                                          AuditEvent.action == "complete_task")
                                 .order_by(AuditEvent.id)).all()
    shown = []
    for event in events:
        bpmn_id = _detail(event).get("bpmn_id")
        form = engine.forms.get(bpmn_id) if bpmn_id in RESULT_TASKS else None
        if form is None:
            continue
        lines = [(f.label, f.display) for f in form_fields_for_render(form, data) if f.readonly and f.display]
        shown.append(Shown(form.title, lines))
    return shown


def _detail(event: AuditEvent) -> dict[str, Any]:
    try:
        return json.loads(event.detail or "{}")
    except ValueError:
        return {}
