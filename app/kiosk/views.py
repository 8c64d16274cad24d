"""The kiosk's touch pages: identify, choose an item, fill it in, see and print the result, ask for help.

The device proves it is a registered kiosk with its token in a long-lived cookie (set once at /kiosk/enroll);
the citizen's session token lives in the Flask session and is checked, and expired when idle, on every
request. Nothing of the citizen is kept in the browser beyond that token.
"""

from __future__ import annotations

import dataclasses
import os
import uuid

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, session, url_for

from app.cases import snapshots
from app.cases.starting import StartRefused
from app.kiosk import access, cardread, citizens, flow, queries, selfservice
from app.kiosk.services import TokenRefused
from app.org.queries import get_point
from engine.clock import CHINA
from engine.errors import EngineError, NotFound
from engine.forms import form_fields_for_render
from engine.idcard import mask_id_number
from engine.queries import get_case

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
COOKIE = "cuncun_kiosk"
CITIZEN_KEY = "kiosk_citizen"
PER_PAGE = 8
OPEN = {"kiosk.enroll", "kiosk.static"}
# Pages a kiosk shows before (or without) an identified citizen; every other page needs one.
NO_CITIZEN = {"kiosk.start", "kiosk.identify", "kiosk.help_request", "kiosk.reset", "kiosk.demo_reader"}


def current_engine():
    """Return the app's engine."""
    return current_app.extensions["cuncun.engine"]


def _today():
    return current_engine().clock().astimezone(CHINA).date()


def _blocked(title: str, message: str, status: int, headers: dict | None = None):
    return render_template("kiosk/blocked.html", title=title, message=message), status, headers or {}


@bp.before_request
def admit_kiosk():
    """Admit only a registered, unrevoked kiosk within its rate limit; find the citizen it serves."""
    if request.endpoint in OPEN:
        return None
    engine = current_engine()
    bucket = "identify" if request.endpoint == "kiosk.identify" else "request"
    try:
        admission = access.admit(engine.store, engine.clock(), current_app.config, request.cookies.get(COOKIE),
                                 session.get(CITIZEN_KEY), bucket)
    except TokenRefused as exc:
        session.pop(CITIZEN_KEY, None)
        return _blocked("本机暂停服务", f"{exc.message}（本机未登记或已停用）", 401)
    if not admission.principal.is_kiosk:
        return _blocked("本机暂停服务", "该令牌不是自助机令牌。", 401)
    if not admission.verdict.allowed:
        wait = admission.verdict.retry_after
        return _blocked("请稍候", f"操作过于频繁，请{wait}秒后再试。", 429, {"Retry-After": str(wait)})
    g.kiosk, g.citizen = admission.principal, admission.citizen
    g.timed_out = admission.citizen is None and bool(session.pop(CITIZEN_KEY, None))
    if g.citizen is None and request.endpoint is not None and request.endpoint not in NO_CITIZEN:
        return redirect(url_for("kiosk.start", timeout=1 if g.timed_out else None))
    return None


@bp.context_processor
def kiosk_context():
    """Give every kiosk page the kiosk, the citizen and the idle limit."""
    return {"kiosk": g.get("kiosk"), "citizen": g.get("citizen"),
            "idle_seconds": access.idle_seconds(current_app.config), "demo_reader": demo_reader_enabled()}


def own_case(case_id: int):
    """Return the case if it is the kiosk citizen's own, else None."""
    row = get_case(current_engine().store, case_id) if case_id < 2**53 else None
    return row if flow.owns(row, g.citizen) else None


def _not_yours():
    """Refuse a case that is not the citizen's own."""
    return render_template("kiosk/message.html", title="无法查看", message="只能查看您本人的办件。"), 403


def _point():
    with current_engine().store.session() as s:
        return get_point(s, g.kiosk.point_code)


@bp.get("/")
def start():
    """Show the start page: read or type an ID number or social-security card number."""
    if g.citizen is not None:
        return redirect(url_for("kiosk.items"))
    return render_template("kiosk/start.html", timed_out=bool(request.args.get("timeout")) or g.timed_out)


@bp.post("/identify")
def identify():
    """Identify the citizen by the number presented; ask for a name only when the county has none on record."""
    number, document = request.form.get("number", ""), request.form.get("document", "id_card")
    read = {"read_at": request.form.get("read_at", ""), "signature": request.form.get("signature", "")}
    engine = current_engine()
    try:
        card_read = cardread.verify(request.cookies.get(COOKIE, ""), document, number, read["read_at"],
                                    read["signature"], engine.clock())
    except cardread.CardReadRefused as exc:
        return render_template("kiosk/start.html", error=str(exc)), 422
    try:
        with engine.store.session(write=True) as s:
            try:
                presented = citizens.present(s, number, document, _today())
            except citizens.NotIdentified as exc:
                return render_template("kiosk/start.html", error=str(exc), number=number), 422
            name = presented.name or request.form.get("name", "").strip()
            if not name:  # the read comes back with the name, so it is not spent yet
                status = 422 if "name" in request.form else 200
                return render_template("kiosk/start.html", need_name=True, number=number, document=document,
                                       read=read if card_read else None, masked=mask_id_number(presented.id_number),
                                       error="请填写您的姓名。" if status == 422 else None), status
            if card_read:
                cardread.consume(s, g.kiosk.kiosk_id, read["read_at"], read["signature"], engine.clock())
            token = citizens.open_session(s, g.kiosk.kiosk_id, presented, name[:40], engine.clock(), card_read)
    except cardread.CardReadRefused as exc:  # a replayed read: raised inside, so nothing above is kept
        return render_template("kiosk/start.html", error=str(exc)), 422
    session[CITIZEN_KEY] = token
    return redirect(url_for("kiosk.items"))


def demo_reader_enabled() -> bool:
    """Tell whether this server simulates the card reader (demo installations only, never production)."""
    return bool(current_app.config.get("KIOSK_DEMO_READER") or os.environ.get("CUNCUN_KIOSK_DEMO_READER") == "1")


@bp.post("/reader/demo")
def demo_reader():
    """Simulate the kiosk's card reader for a demo: sign a read as the reader's software would with the device token."""
    if not demo_reader_enabled():
        abort(404)
    number, document = request.form.get("number", "").strip().upper(), request.form.get("document", "id_card")
    read_at = current_engine().clock().isoformat()
    return jsonify(number=number, document=document, read_at=read_at,
                   signature=cardread.sign(request.cookies.get(COOKIE, ""), document, number, read_at))


@bp.get("/items")
def items():
    """List the kiosk items by category: self-service ones to do here, the others with help (帮办)."""
    point = _point()
    offered = selfservice.kiosk_items(current_engine(), current_app.extensions["cuncun.catalog"],
                                      point is not None and point.kind == "demo")
    groups: dict[str, list] = {}
    for item, self_service in offered:
        groups.setdefault(item.category, []).append((item, self_service))
    return render_template("kiosk/items.html", groups=groups, request_key=uuid.uuid4().hex,
                           first_forms=selfservice.FIRST_FORMS)


@bp.route("/items/<code>/new", methods=["GET", "POST"])
def first_form(code: str):
    """Show an item's first form before its case exists; start the case only when the citizen submits it."""
    engine, catalog = current_engine(), current_app.extensions["cuncun.catalog"]
    item, form = catalog.get(code), flow.first_form(engine, code)
    if item is None or form is None or not selfservice.is_self_service(engine, item):
        return redirect(url_for("kiosk.items"))
    result = None
    if request.method == "POST":
        point = _point()
        key = request.form.get("request_key", "")[:40]
        try:
            result, case_id, _ = flow.start_with_form(
                engine, catalog, code, g.kiosk, g.citizen, request.form, today=_today(),
                point_is_demo=point is not None and point.kind == "demo",
                request_key=f"kiosk:{g.kiosk.kiosk_id}:{key}" if key else None)
        except (StartRefused, NotFound) as exc:
            return render_template("kiosk/message.html", title="无法办理", message=exc.message, item_code=code), 403
        if case_id is not None:
            return redirect(url_for("kiosk.case", case_id=case_id))
    context = flow.form_context(g.kiosk, g.citizen)
    fields = _masked_fields(form_fields_for_render(form, context, result, today=_today()))
    return render_template("kiosk/form.html", item=item, title=form.title, form=form, fields=fields,
                           action=url_for("kiosk.first_form", code=code), errors=bool(result and result.errors),
                           request_key=request.form.get("request_key") or uuid.uuid4().hex), 422 if result else 200


@bp.post("/items/<code>/start")
def start_item(code: str):
    """Start a self-service item for the citizen and go to its first step."""
    point = _point()
    key = request.form.get("request_key", "")[:40]
    try:
        case_id, _ = flow.start(current_engine(), current_app.extensions["cuncun.catalog"], code, g.kiosk, g.citizen,
                                point_is_demo=point is not None and point.kind == "demo",
                                request_key=f"kiosk:{g.kiosk.kiosk_id}:{key}" if key else None)
    except (StartRefused, NotFound) as exc:
        return render_template("kiosk/message.html", title="无法办理", message=exc.message, item_code=code), 403
    return redirect(url_for("kiosk.case", case_id=case_id))


def _masked_fields(fields):
    """Mask ID numbers shown read-only on a public screen, and leave out read-only fields with nothing to show."""
    return [dataclasses.replace(f, display=mask_id_number(f.display))
            if f.readonly and len(f.display) == 18 and f.display[:17].isdigit() else f
            for f in fields if not (f.readonly and not f.display)]


def _form_page(row, task_id: str, result=None, status: int = 200):
    engine = current_engine()
    inbox, _, data = snapshots.task_context(engine, task_id)
    form = engine.forms.get(inbox.bpmn_id)
    fields = _masked_fields(form_fields_for_render(form, data, result, today=_today())) if form else []
    return render_template("kiosk/form.html", case=row, title=inbox.title, form=form, fields=fields,
                           action=url_for("kiosk.submit", case_id=row.id, task_id=inbox.task_id),
                           errors=bool(result and result.errors)), status


@bp.get("/cases/<int:case_id>")
def case(case_id: int):
    """Show where the citizen's case stands: their form, the result, or who has it now."""
    row = own_case(case_id)
    if row is None:
        return _not_yours()
    engine = current_engine()
    step = selfservice.where(engine, row.id)
    if step.kind == "form":
        return _form_page(row, step.task_id)
    results = selfservice.shown_results(engine, row.id, snapshots.case_data(engine, row))
    return render_template("kiosk/result.html", case=row, step=step, results=results)


@bp.post("/cases/<int:case_id>/continue")
def resume(case_id: int):
    """Take the kiosk's own pending steps of a case (after an interruption)."""
    if own_case(case_id) is not None:
        selfservice.advance(current_engine(), case_id, actor=g.kiosk.actor, document=g.citizen.document)
    return redirect(url_for("kiosk.case", case_id=case_id))


@bp.post("/cases/<int:case_id>/tasks/<task_id>")
def submit(case_id: int, task_id: str):
    """Check and submit the citizen's form, then run the case on to its next step."""
    row = own_case(case_id)
    step = selfservice.where(current_engine(), case_id) if row is not None else None
    if step is None or step.kind != "form" or step.task_id != task_id:
        return redirect(url_for("kiosk.case", case_id=case_id)) if row else redirect(url_for("kiosk.items"))
    engine = current_engine()
    try:
        inbox, _, data = snapshots.task_context(engine, task_id)
        rejected, _ = flow.submit(engine, inbox, request.form, data, g.kiosk, g.citizen, _today())
    except EngineError:  # a clerk or a second tap finished it first: show where it stands now
        return redirect(url_for("kiosk.case", case_id=case_id))
    if rejected is not None:
        return _form_page(row, task_id, rejected, 422)
    return redirect(url_for("kiosk.case", case_id=case_id))


@bp.get("/cases/<int:case_id>/slip")
def slip(case_id: int):
    """Show the printable slip (凭条) of a case."""
    row = own_case(case_id)
    if row is None:
        return _not_yours()
    engine = current_engine()
    results = selfservice.shown_results(engine, row.id, snapshots.case_data(engine, row))
    return render_template("kiosk/slip.html", case=row, results=results, point=_point(),
                           printed_at=engine.clock())


@bp.get("/my")
def my_cases():
    """List the citizen's own cases, newest first, a page at a time."""
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    with current_engine().store.session() as s:
        rows, total = queries.citizen_cases(s, g.citizen.id_number, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    return render_template("kiosk/my.html", rows=rows, page=page, pages=max(1, -(-total // PER_PAGE)), total=total)
