"""Acceptance inspection pages: schedule one, follow it, print the completed sheet; the analysts' sheet check."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.policy import can_see, require, scope_of
from app.auth.roles import role_level
from app.inspection import queries, services
from app.inspection.formgen import stale_forms
from app.inspection.models import STATUSES
from app.inspection.settings import InspectionSettings
from app.inspection.sheets import SheetError, check_sheet, pass_mark, show_mark
from app.org.queries import list_towns, names_of, point_town, resolve_point
from engine.clock import CHINA
from engine.errors import EngineError
from engine.queries import open_tasks

bp = Blueprint("inspection", __name__, url_prefix="/inspections")


def _engine():
    return current_app.extensions["cuncun.engine"]


def _today() -> date:
    return _engine().clock().astimezone(CHINA).date()


def _may_schedule() -> bool:
    return current_user.role in services.SCHEDULER_ROLES


def _may_list() -> bool:
    return role_level(current_user.role) == "county" or current_user.role == "town_staff"


def _render_index(error: str | None = None, status: int = 200):
    scope = scope_of(current_user)
    town, state = request.args.get("town", "").strip(), request.args.get("status", "").strip()
    with _engine().store.session() as session:
        rows = queries.list_inspections(session, scope, town=town, status=state)
        towns = {t.code: t.name for t in list_towns(session, scope)}
        points = names_of(session, {request.form.get("point", "")})
        inspectors = services.inspectors(session) if _may_schedule() else []
    return render_template("inspection/index.html", rows=rows, towns=towns, town=town, state=state,
                           statuses=STATUSES, points=points, inspectors=inspectors, error=error,
                           form=request.form, request_key=request.form.get("request_key") or uuid.uuid4().hex,
                           today=_today(), can_schedule=_may_schedule()), status


@bp.get("")
@login_required
def index():
    """List inspections in the user's scope; schedulers also get the form to schedule one."""
    require(_may_list())
    return _render_index()


@bp.post("")
@login_required
def schedule():
    """Schedule an inspection: point, inspector, date."""
    require(_may_schedule())
    form = request.form
    try:
        on = date.fromisoformat(form.get("inspection_on", "").strip())
    except ValueError:
        return _render_index("请填写验收日期。", 422)
    scope = scope_of(current_user)
    with _engine().store.session() as session:  # typed without the suggestions: a code, or a point's exact name
        point_code = resolve_point(session, scope, form.get("point", ""))
        town_code = point_town(session, point_code)
        in_scope = town_code is not None and scope.contains(point_code, town_code)
    if not in_scope:
        return _render_index(f"网点 {point_code or '（未填写）'} 不存在或不在您的管辖范围内。", 422)
    try:
        case = services.schedule_inspection(_engine(), point_code=point_code,
                                            inspector=form.get("inspector", ""), on=on,
                                            actor=current_user.username, request_key=form.get("request_key") or None)
    except EngineError as exc:
        return _render_index(exc.message, 422)
    flash("已安排验收，评分任务已交给验收人。", "info")
    return redirect(url_for("inspection.detail", instance_id=case))


def _visible(instance_id: int):
    with _engine().store.session() as session:
        found = queries.get_inspection(session, instance_id)
        if found is None:
            abort(404)
        record, point, town = found
        require(can_see(current_user, record.point_code, record.town_code))
        return record, point, town, queries.rounds_of(session, instance_id)


@bp.get("/<int:instance_id>")
@login_required
def detail(instance_id: int):
    """Show an inspection: its rounds, scores, rectifications and the open task."""
    record, point, town, rounds = _visible(instance_id)
    tasks = [t for t, _ in open_tasks(_engine().store, instance_id=instance_id)]
    with _engine().store.session() as session:
        inspectors = services.inspectors(session) if _may_schedule() else []
    return render_template("inspection/detail.html", record=record, point=point, town=town, rounds=rounds,
                           tasks=tasks, inspectors=inspectors, lines=queries.round_lines,
                           can_assign=_may_schedule() and any(t.bpmn_id.startswith("inspection_score_")
                                                              for t in tasks))


@bp.post("/<int:instance_id>/assign")
@login_required
def assign(instance_id: int):
    """Give the open scoring task to an inspector (e.g. for the re-inspection)."""
    require(_may_schedule())
    _visible(instance_id)
    try:
        services.assign_inspector(_engine(), instance_id, request.form.get("inspector", ""))
    except EngineError as exc:
        flash(exc.message, "error")
    else:
        flash("已指派验收人。", "info")
    return redirect(url_for("inspection.detail", instance_id=instance_id))


@bp.get("/<int:instance_id>/sheet")
@login_required
def sheet(instance_id: int):
    """Print a round's completed score sheet (the latest by default) with the inspector, date and scores."""
    record, point, town, rounds = _visible(instance_id)
    wanted = request.args.get("round", type=int)
    chosen = next((r for r in rounds if r.round_no == wanted), rounds[-1] if rounds else None)
    if chosen is None:
        flash("该验收尚未评分。", "error")
        return redirect(url_for("inspection.detail", instance_id=instance_id))
    try:
        paper = InspectionSettings.from_env().sheets().get(chosen.sheet_kind)
    except SheetError:
        paper = None  # the printout still shows the round as scored; only the paper's wording is missing
    lines = queries.round_lines(chosen)
    groups: list[tuple[str, list[dict]]] = []
    for line in lines:
        if not groups or groups[-1][0] != line["group"]:
            groups.append((line["group"], []))
        groups[-1][1].append(line)
    stated = {g.label: g.stated_total for g in paper.groups} if paper else {}
    return render_template("inspection/sheet.html", record=record, point=point, town=town, round=chosen,
                           groups=groups, paper=paper, stated=stated,
                           points_total=sum(line["points"] for line in lines))


@bp.get("/sheets")
@login_required
def sheets():
    """Show each score sheet with its arithmetic, what does not add up, the pass mark and whether forms are current."""
    require(role_level(current_user.role) == "county")
    settings = InspectionSettings.from_env()
    try:
        loaded = settings.sheets()
    except SheetError as exc:
        return render_template("inspection/sheets.html", error=str(exc), sheets={}, settings=settings), 200
    forms_dir = current_app.extensions["cuncun.settings"].forms_dir
    return render_template("inspection/sheets.html", error=None, sheets=loaded, settings=settings,
                           findings={k: check_sheet(s) for k, s in loaded.items()},
                           marks={k: show_mark(pass_mark(s, settings.pass_percent)) for k, s in loaded.items()},
                           stale=stale_forms(loaded, forms_dir))
