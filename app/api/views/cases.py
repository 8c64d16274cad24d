"""Cases: start one, see its status and history."""

from __future__ import annotations

from app.api import presenters
from app.api.auth import citizen, principal
from app.api.errors import ApiError, invalid
from app.api.pagination import envelope, offset
from app.api.queries import history_page
from app.api.routing import load_body, load_query, route
from app.api.schemas import CaseSchema, HistoryPage, PageArgs, StartCaseSchema
from app.api.views.common import catalog, engine, point, today, visible_case
from app.cases import snapshots
from app.cases.start_form import start_form
from app.cases.starting import start_item_case
from app.kiosk import flow, selfservice
from engine.errors import FormInvalid
from engine.forms import validate
from engine.models import ProcessInstance
from engine.queries import get_case, open_tasks
from engine.runtime import CaseContext

_STAFF_ONLY = ("applicant_id_number", "applicant_name", "ss_card_number", "channel")


def case_status(row: ProcessInstance) -> dict:
    """Describe a case for the API: open steps, the kiosk citizen's next step and the results told."""
    eng = engine()
    tasks = [t for t, _ in open_tasks(eng.store, instance_id=row.id)]
    results = selfservice.shown_results(eng, row.id, snapshots.case_data(eng, row))
    return CaseSchema().dump(presenters.case(row, tasks, selfservice.where(eng, row.id), results))


def _request_key(body: dict) -> str | None:
    key = body.get("request_key")
    return f"api:{principal().subject}:{key}" if key else None


def _start_at_kiosk(body: dict, item) -> int:
    caller, who = principal(), citizen()
    if body.get("point_code", caller.point_code) != caller.point_code:
        raise ApiError(403, "point_forbidden", f"本自助机只能为所在网点（{caller.point_code}）办理事项。")
    if any(key in body for key in _STAFF_ONLY) and body.get("applicant_id_number", who.id_number) != who.id_number:
        raise ApiError(403, "citizen_mismatch", "自助机只能为已识别身份的群众本人办理。")
    if body.get("channel"):
        raise ApiError(403, "channel_forbidden", "自助机只能以自助方式办理。")
    if "kiosk" not in item.channels:
        raise ApiError(403, "channel_forbidden", f"“{item.name}”不能在自助机上办理。")
    here = point(caller.point_code)
    demo = bool(here and here.kind == "demo")
    if "data" not in body:
        return flow.start(engine(), catalog(), item.code, caller, who, point_is_demo=demo,
                          request_key=_request_key(body))[0]
    if flow.first_form(engine(), item.code) is None:
        raise invalid({"data": "该事项没有需预先填写的表单，请不要提交 data"})
    rejected, case_id, _ = flow.start_with_form(engine(), catalog(), item.code, caller, who, body["data"],
                                                today=today(), point_is_demo=demo, request_key=_request_key(body))
    if rejected is not None:
        raise FormInvalid(rejected.errors)
    return case_id


def _start_at_counter(body: dict, item) -> int:
    user = principal().user
    if user.role != "clerk":
        raise ApiError(403, "role_forbidden", "只有窗口经办人可以受理案件。")
    here = point(user.point_code)
    if here is None:
        raise ApiError(403, "point_forbidden", "您的账号没有绑定服务网点。")
    if body.get("point_code", here.code) != here.code:
        raise ApiError(403, "point_forbidden", f"只能在您所在的网点（{here.code}）受理案件。")
    if "data" in body:
        raise invalid({"data": "仅自助机可用"})
    raw = {key: body.get(key, "") for key in _STAFF_ONLY}
    raw["channel"] = raw["channel"] or "counter"
    result = validate(start_form(item), raw, today=today())
    if result.errors:
        raise invalid(result.errors)
    context = CaseContext(point_code=here.code, town_code=here.town_code, item_code=item.code,
                          applicant_id_number=result.data["applicant_id_number"],
                          applicant_name=result.data["applicant_name"], channel=result.data["channel"])
    return start_item_case(engine(), item, context, actor=user.username, point_is_demo=here.kind == "demo",
                           request_key=_request_key(body),
                           data={"ss_card_number": result.data.get("ss_card_number") or ""})


@route("/cases", "POST", summary="受理（开始）一个案件", tag="案件", body=StartCaseSchema, response=CaseSchema,
       status=201, citizen=True,
       description="自助机：为已识别的群众在本网点办理可自助办完的自助机事项，身份核验由自助机按群众出示的证件记录，"
                   "案件运行到群众需填写的第一步（next_step）。工作人员令牌：窗口经办人在本网点受理，与柜面相同。")
def start_case():
    """Start a case for the kiosk's citizen or, with a clerk's token, for a named applicant."""
    body = load_body(StartCaseSchema)
    item = catalog().get(body["item_code"])
    if item is None:
        raise invalid({"item_code": "没有这个服务事项"})
    case_id = _start_at_kiosk(body, item) if principal().is_kiosk else _start_at_counter(body, item)
    row = visible_case(case_id)  # a reused request key of someone else's case must not show it
    return case_status(row), 201


@route("/cases/<int:case_id>", summary="案件状态", tag="案件", response=CaseSchema, citizen=True,
       description="自助机只能查看已识别群众本人的案件；工作人员只能查看其范围内的案件。")
def get_case_status(case_id: int):
    """Show a case's status, deadline, open steps and results."""
    return case_status(visible_case(case_id))


@route("/cases/<int:case_id>/history", summary="案件办理记录", tag="案件", query=PageArgs, response=HistoryPage,
       citizen=True)
def get_case_history(case_id: int):
    """List a case's history, oldest first; a citizen sees roles instead of staff usernames."""
    row = visible_case(case_id)
    args = load_query(PageArgs)
    eng = engine()
    with eng.store.session() as session:
        events, total = history_page(session, row.id, offset=offset(args)[0], limit=offset(args)[1])
    kiosk = principal().is_kiosk
    return HistoryPage().dump(envelope([presenters.history(e, eng.forms, kiosk) for e in events], total, args))


def fresh(case_id: int) -> ProcessInstance:
    """Reload a case row after a change."""
    return get_case(engine().store, case_id)
