"""A case's open task: its form, and submitting it."""

from __future__ import annotations

from app.accounts.policy import work_refusal
from app.api import presenters
from app.api.auth import citizen, principal
from app.api.errors import ApiError
from app.api.routing import load_body, route
from app.api.schemas import CaseSchema, CompleteTaskSchema, TaskSchema
from app.api.views.cases import case_status, fresh
from app.api.views.common import engine, today
from app.auth.policy import can_see, can_work
from app.cases import snapshots
from app.kiosk import flow, selfservice
from app.kiosk.flow import owns
from engine.errors import FormInvalid, TaskStateError
from engine.queries import finished_task

_TASK_ID = {"task_id": {"type": "string", "minLength": 1, "maxLength": 36}}


def _workable(task_id: str):
    """Return an open task the caller may work: a kiosk only its citizen's own form steps."""
    try:
        inbox, row, data = snapshots.task_context(engine(), task_id)
    except TaskStateError:
        raise _not_open(task_id) from None
    caller = principal()
    if caller.is_kiosk:
        if not flow.owns(row, citizen()) or not selfservice.citizen_fills(row, inbox):
            raise ApiError(403, "task_forbidden", "自助机只能办理本人案件中由群众填写的步骤。")
    elif not can_work(caller.user, inbox.candidate_role, inbox.point_code, inbox.town_code, inbox.county_code):
        raise ApiError(403, "task_forbidden", "您的角色或范围不能办理该任务。")
    elif refusal := work_refusal(caller.user, inbox.bpmn_id, data):  # the task pages' four-eyes rule
        raise ApiError(403, "four_eyes", refusal)
    elif inbox.assignee not in (None, caller.user.username):
        raise ApiError(409, "task_state", f"该任务已由 {inbox.assignee} 认领。")
    return inbox, row, data


def _not_open(task_id: str) -> ApiError:
    """Answer for a task that is not open: 409 if it existed in the caller's view; 404 if it never existed or is
    outside it, so ids do not reveal other scopes' tasks."""
    found = finished_task(engine().store, task_id)
    if found is not None:
        caller = principal()
        case = found.case
        if owns(case, citizen()) if caller.is_kiosk else can_see(caller.user, case.point_code, case.town_code):
            return ApiError(409, "task_state", snapshots.finished_message(found, for_citizen=caller.is_kiosk))
    return ApiError(404, "task_not_found", "该任务已办结或不存在。")


@route("/tasks/<task_id>", summary="待办任务及其表单", tag="任务", response=TaskSchema, citizen=True,
       path_params=_TASK_ID)
def get_task(task_id: str):
    """Show an open task with its form fields and the JSON Schema of what to submit."""
    inbox, row, data = _workable(task_id)
    return TaskSchema().dump(presenters.task(inbox, engine().forms.get(inbox.bpmn_id), data, row.lock_version,
                                             mask_ids=principal().is_kiosk))


@route("/tasks/<task_id>", "POST", summary="提交任务表单", tag="任务", body=CompleteTaskSchema,
       response=CaseSchema, citizen=True, path_params=_TASK_ID,
       description="按任务表单校验（中文提示），完成任务并推进案件；返回案件状态。")
def complete_task(task_id: str):
    """Validate and complete a task, then return the case's status."""
    body = load_body(CompleteTaskSchema)
    inbox, row, data = _workable(task_id)
    if body.get("lock_version") not in (None, row.lock_version):
        raise ApiError(409, "conflict", "案件已被他人更新，请刷新后重试。")
    caller = principal()
    if caller.is_kiosk:
        rejected, _ = flow.submit(engine(), inbox, body["data"], data, caller, citizen(), today())
        if rejected is not None:
            raise FormInvalid(rejected.errors)
    else:
        engine().complete(task_id, caller.user.username, body["data"], expected_version=row.lock_version)
    return case_status(fresh(row.id))
