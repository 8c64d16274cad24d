"""Fault reporting pages: file a problem, the problem ledger with its responsibility list and export,
a problem with all its answers and attachments, the fault queue by desk, and backbone desks."""

from __future__ import annotations

import uuid
from datetime import date
from io import BytesIO

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from app.auth.policy import can_see, can_work, is_admin, require, scope_of
from app.auth.roles import COUNTY_BACKBONE
from app.downloads import attachment
from app.faults import queries, services, vocab
from app.faults.export import ledger_workbook
from app.faults.settings import FaultSettings
from app.faults.uploads import ALLOWED_LABEL, UploadRefused, check_uploads
from app.org.queries import list_points, list_towns, names_of, resolve_point
from engine.clock import CHINA
from engine.forms import form_fields_for_render, validate
from engine.queries import open_tasks

bp = Blueprint("faults", __name__, url_prefix="/faults")
FORM_ID = "fault_file"


def _engine():
    return current_app.extensions["cuncun.engine"]


def _catalog():
    return current_app.extensions["cuncun.catalog"]


def _today() -> date:
    return _engine().clock().astimezone(CHINA).date()


def _may_file() -> bool:
    return current_user.role in vocab.REPORTER_ROLES


def _places(point_codes: set[str | None]) -> tuple[dict[str, str], dict[str, str]]:
    """Return the scope's towns and the names of the given points (never every point: a province has 30k)."""
    scope = scope_of(current_user)
    with _engine().store.session() as session:
        return {t.code: t.name for t in list_towns(session, scope)}, names_of(session, point_codes)


# -- filing --------------------------------------------------------------------------------------------
def _item_choices() -> list[dict[str, str]]:
    return [{"value": i.code, "label": f"{i.code}. {i.name}"} for i in _catalog().items]


def _render_new(result=None, upload_error: str | None = None, status: int = 200, key: str | None = None):
    form = _engine().forms.get(FORM_ID)
    settings = FaultSettings.from_env()
    fields = form_fields_for_render(form, {"catalog_items": _item_choices()}, result, today=_today())
    key = key or uuid.uuid4().hex
    return render_template("faults/new.html", form=form, fields=fields, request_key=key, upload_error=upload_error,
                           allowed=ALLOWED_LABEL, max_mb=settings.max_file_bytes // (1024 * 1024),
                           max_files=settings.max_files, errors=bool(result and result.errors) or bool(upload_error)
                           ), status


def _reporter_place() -> tuple[str | None, str | None, str]:
    """Return the point, town and the place's name the problem is filed from."""
    with _engine().store.session() as session:
        towns = {t.code: t.name for t in list_towns(session, scope_of(current_user))}
        if current_user.point_code:
            points = {p.code: p.name for p, _ in list_points(session, scope_of(current_user))}
            point = points.get(current_user.point_code) or abort(403)
            return current_user.point_code, current_user.town_code, f"{towns.get(current_user.town_code, '')} {point}"
    town = current_user.town_code or abort(403)
    return None, town, f"{towns.get(town, town)}（乡镇）"


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """File a problem; the case starts only once the form and every attachment are accepted."""
    require(_may_file())
    if request.method == "GET":
        return _render_new()
    form = _engine().forms.get(FORM_ID)
    result = validate(form, request.form, {"catalog_items": _item_choices()}, today=_today())
    upload_error = None
    try:
        uploads = check_uploads([(f.filename or "", f.read()) for f in request.files.getlist("attachments")],
                                FaultSettings.from_env())
    except UploadRefused as exc:
        upload_error, uploads = exc.message, []
    if result.errors or upload_error:
        return _render_new(result, upload_error, 422, request.form.get("request_key"))
    point, town, place = _reporter_place()
    item = _catalog().get(result.data.get("fault_item") or "")
    data = services.start_data(result.data, reporter_role=current_user.role, reporter_name=current_user.display_name,
                               place=place, item_label=f"{item.code}. {item.name}" if item else "", uploads=uploads)
    case_id = services.file_problem(_engine(), username=current_user.username, point_code=point, town_code=town,
                                    data=data, uploads=uploads, request_key=request.form.get("request_key") or None)
    with _engine().store.session() as session:
        fault = queries.fault_for_case(session, case_id)
    if fault is None:  # the case parked before recording the problem: show the case and its reason
        flash("问题未能登记，请联系管理员处理。", "error")
        return redirect(url_for("cases.case", instance_id=case_id))
    flash(f"问题已提交（案件编号 {fault.case_no}），已转{vocab.label(vocab.LEVELS, fault.level)}处理。", "info")
    return redirect(url_for("faults.detail", fault_id=fault.id))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """Refuse a post larger than the app's request limit, before anything is read or saved."""
    limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
    message = f"上传内容合计超过{limit_mb}MB，未保存任何内容。请减少或压缩附件后重新提交。"
    if request.endpoint == "faults.new":  # the body is unread: render afresh, never touch request.form
        return _render_new(upload_error=message, status=413)
    return render_template("auth/error.html", title="上传内容过大", message=message), 413


# -- ledger --------------------------------------------------------------------------------------------
def _date_arg(name: str) -> date | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        flash(f"日期“{text}”格式不正确，应为 年-月-日，已忽略。", "error")
        return None


def _filters() -> queries.LedgerFilters:
    args = request.args
    values = {k: args.get(k, "").strip() for k in ("category", "line", "town", "point", "state", "level", "q")}
    if values["point"]:  # typed without the suggestions: a code in any case, or a point's exact name
        with _engine().store.session() as session:
            values["point"] = resolve_point(session, scope_of(current_user), values["point"])
    return queries.LedgerFilters(**values, date_from=_date_arg("from"), date_to=_date_arg("to"),
                                 overdue=args.get("overdue") == "1")


def _ledger_data(filters: queries.LedgerFilters):
    engine = _engine()
    scope = scope_of(current_user)
    with engine.store.session() as session:
        rows = queries.ledger(session, engine.calendar.current(), scope, filters, engine.clock())
        counts = queries.counts(session, scope, filters)
    return rows, counts


def _period(filters: queries.LedgerFilters) -> str:
    start, end = filters.date_from, filters.date_to
    if start and end:
        return f"{start.isoformat()} 至 {end.isoformat()}"
    if start:
        return f"{start.isoformat()} 起至今"
    return f"截至 {end.isoformat()}" if end else "全部时间"


@bp.get("")
@login_required
def ledger():
    """List the problems in my scope (问题台账 / 责任清单) with filters and counts by category, line, town."""
    filters = _filters()
    rows, counts = _ledger_data(filters)
    towns, points = _places({r.fault.point_code for r in rows} | {filters.point})
    return render_template("faults/ledger.html", rows=rows, counts=counts, filters=filters, towns=towns,
                           points=points, vocab=vocab, catalog=_catalog(), period=_period(filters),
                           may_file=_may_file(), now=_engine().clock())


@bp.get("/export.xlsx")
@login_required
def export():
    """Download the filtered ledger and its counts as .xlsx."""
    filters = _filters()
    rows, counts = _ledger_data(filters)
    towns, points = _places({r.fault.point_code for r in rows})
    content = ledger_workbook(rows, counts, _catalog(), towns, points, _period(filters))
    return attachment(content, "fault-ledger.xlsx")


# -- one problem ---------------------------------------------------------------------------------------
def _visible_fault(fault_id: int):
    with _engine().store.session() as session:
        fault = queries.get_fault(session, fault_id) or abort(404)
    require(can_see(current_user, fault.point_code, fault.town_code))
    return fault


@bp.get("/<int:fault_id>")
@login_required
def detail(fault_id: int):
    """Show a problem with its attachments, every answer and move, and the step open now."""
    engine = _engine()
    fault = _visible_fault(fault_id)
    with engine.store.session() as session:
        entries = queries.thread(session, fault.id)
        files = queries.attachments(session, fault.id)
        due = queries.level_due(engine.calendar.current(), fault)
    tasks = [(t, can_work(current_user, t.candidate_role, t.point_code, t.town_code, t.county_code))
             for t, _ in open_tasks(engine.store, instance_id=fault.instance_id)]
    towns, points = _places({fault.point_code})
    return render_template("faults/detail.html", fault=fault, entries=entries, files=files, tasks=tasks,
                           level_due=due, now=engine.clock(), vocab=vocab, item=_catalog().get(fault.item_code or ""),
                           towns=towns, points=points)


@bp.get("/<int:fault_id>/files/<int:attachment_id>")
@login_required
def download(fault_id: int, attachment_id: int):
    """Download one attachment of a problem I may see."""
    fault = _visible_fault(fault_id)
    with _engine().store.session() as session:
        found = queries.attachment(session, fault.id, attachment_id) or abort(404)
        content, name, kind = found.content, found.filename, found.content_type
    response = send_file(BytesIO(content), mimetype=kind, as_attachment=True, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# -- queue and desks -----------------------------------------------------------------------------------
@bp.get("/queue")
@login_required
def queue():
    """List the open problems waiting for my role; a county backbone sees those of their desks."""
    engine = _engine()
    with engine.store.session() as session:
        desks = queries.desks_of(session, current_user.username) if current_user.role == COUNTY_BACKBONE else set()
        rows = queries.fault_tasks(session, current_user.role, scope_of(current_user), desks)
        calendar = engine.calendar.current()
        rows = [(task, fault, queries.level_due(calendar, fault)) for task, fault in rows]
    return render_template("faults/queue.html", rows=rows, desks=desks, vocab=vocab, now=engine.clock(),
                           is_backbone=current_user.role == COUNTY_BACKBONE)


@bp.route("/desks", methods=["GET", "POST"])
@login_required
def desks():
    """Assign county backbones to business lines and the province liaison desk."""
    require(is_admin(current_user))
    engine = _engine()
    if request.method == "POST":
        username = request.form.get("username", "")
        with engine.store.session(write=True) as session:
            known = {u.username for u, _ in queries.backbones(session)}
            require(username in known)
            services.set_desks(session, username, request.form.getlist("desk"), current_user.username, engine.clock())
        flash(f"已更新 {username} 的分工。", "info")
        return redirect(url_for("faults.desks"))
    with engine.store.session() as session:
        people = queries.backbones(session)
    return render_template("faults/desks.html", people=people, vocab=vocab)
