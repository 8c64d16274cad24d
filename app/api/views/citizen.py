"""The kiosk's citizen: identify, leave, see one's own cases; the kiosk itself; ask for help (帮办)."""

from __future__ import annotations

from flask import current_app, g, request

from app.api import presenters
from app.api.auth import CITIZEN_HEADER, bearer_token, citizen, kiosk
from app.api.errors import ApiError, invalid
from app.api.pagination import envelope, offset
from app.api.routing import load_body, load_query, route
from app.api.schemas import (
    CasePage,
    CitizenLoginSchema,
    CitizenSessionSchema,
    HelpRequestSchema,
    HelpSchema,
    KioskInfoSchema,
    PageArgs,
)
from app.api.views.common import catalog, engine, point, today, visible_case
from app.kiosk import cardread, citizens, flow, queries
from app.kiosk.access import idle_seconds
from engine.queries import get_case


@route("/citizen/session", "POST", summary="识别群众身份（开始群众会话）", tag="自助机", body=CitizenLoginSchema,
       response=CitizenSessionSchema, status=201,
       description="number：18位身份证号码/社会保障号码，或9位社会保障卡号。读卡器读卡时带 read_at 与 signature："
                   "查询本人参保、待遇、卡状态等个人记录的事项须刷卡，仅手工输入号码的会话查询个人记录将被拒绝。"
                   "县级数据中没有此人姓名时须同时提供 name。一台自助机同时只服务一位群众：新会话结束旧会话。")
def open_citizen_session():
    """Identify the citizen at the calling kiosk and return their session token."""
    caller = kiosk()
    body = load_body(CitizenLoginSchema)
    eng = engine()
    try:
        card_read = cardread.verify(bearer_token(), body["document"], body["number"], body.get("read_at"),
                                    body.get("signature"), eng.clock())
    except cardread.CardReadRefused as exc:
        raise ApiError(422, "card_read_invalid", str(exc), {"signature": str(exc)}) from None
    try:
        with eng.store.session(write=True) as session:
            try:
                presented = citizens.present(session, body["number"], body["document"], today())
            except citizens.NotIdentified as exc:
                raise invalid({"number": str(exc)}, str(exc)) from None
            name = presented.name or body.get("name", "").strip()
            if not name:  # the kiosk sends the same read again with the name: it is not spent yet
                raise ApiError(422, "name_required", "县级数据中没有您的姓名，请填写姓名。", {"name": "请填写姓名"})
            if card_read:
                cardread.consume(session, caller.kiosk_id, body["read_at"], body["signature"], eng.clock())
            token = citizens.open_session(session, caller.kiosk_id, presented, name, eng.clock(), card_read)
    except cardread.CardReadRefused as exc:  # a replayed read: raised inside, so nothing above is kept
        raise ApiError(422, "card_read_replayed", str(exc), {"signature": str(exc)}) from None
    who = citizens.Citizen(0, caller.kiosk_id, presented.id_number, name, presented.document, presented.card_number,
                           card_read)
    return CitizenSessionSchema().dump({
        "token": token, "name_masked": who.masked_name, "id_number_masked": who.masked_id,
        "document": who.document, "document_label": citizens.DOCUMENTS[who.document],
        "idle_seconds": idle_seconds(current_app.config)}), 201


@route("/citizen/session", "DELETE", summary="结束群众会话", tag="自助机", status=204)
def close_citizen_session():
    """End the citizen's session (退出); the kiosk forgets the citizen."""
    caller = kiosk()
    eng = engine()
    with eng.store.session(write=True) as session:
        citizens.end(session, caller.kiosk_id, request.headers.get(CITIZEN_HEADER), eng.clock())
    return "", 204


@route("/citizen/cases", summary="群众本人的办件", tag="自助机", query=PageArgs, response=CasePage, citizen=True)
def list_citizen_cases():
    """List the identified citizen's own cases, newest first."""
    who = citizen()
    args = load_query(PageArgs)
    start, limit = offset(args)
    with engine().store.session() as session:
        rows, total = queries.citizen_cases(session, who.id_number, offset=start, limit=limit)
    return CasePage().dump(envelope([presenters.case_brief(r) for r in rows], total, args))


@route("/kiosk", summary="本自助机", tag="自助机", response=KioskInfoSchema)
def kiosk_info():
    """Describe the calling kiosk and the citizen it serves (masked)."""
    caller = kiosk()
    here = point(caller.point_code)
    who = g.get("api_citizen")
    return KioskInfoSchema().dump({
        "kiosk_id": caller.kiosk_id, "name": caller.kiosk_name, "point_code": caller.point_code,
        "point_name": here.name if here else "", "idle_seconds": idle_seconds(current_app.config),
        "citizen": {"name_masked": who.masked_name, "id_number_masked": who.masked_id, "document": who.document}
        if who else None})


@route("/help", "POST", summary="请求帮办", tag="自助机", body=HelpRequestSchema, response=HelpSchema, status=201,
       description="在本网点窗口经办人的待办中生成“到自助机旁帮办”任务；同一人在本机未处理的请求不重复生成。")
def request_help():
    """Ask the point's clerk to come to the kiosk."""
    caller = kiosk()
    body = load_body(HelpRequestSchema)
    who = g.get("api_citizen")
    item_name = case_no = ""
    if body.get("item_code"):
        item = catalog().get(body["item_code"])
        if item is None:
            raise invalid({"item_code": "没有这个服务事项"})
        item_name = item.name
    if body.get("case_id"):
        case_no = visible_case(body["case_id"]).case_no or ""
    case_id, created = flow.request_help(engine(), caller, who, item_name=item_name, case_no=case_no)
    row = get_case(engine().store, case_id)
    message = "已通知工作人员，请在自助机旁稍候。" if created else "工作人员已收到您的帮办请求，请稍候。"
    return HelpSchema().dump({"case_id": case_id, "case_no": row.case_no if row else None, "created": created,
                              "message": message}), 201

