"""Counter pages: the inbox, starting a case, task forms, the case page and its printouts."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.accounts.policy import may_work
from app.auth.policy import can_see, can_work, inbox_kwargs, require, scope_kwargs
from app.cases import casefile, snapshots
from app.cases.marks import deadline_mark
from app.cases.start_form import start_form
from app.cases.starting import start_item_case
from app.faults.queries import case_attachments
from app.org.queries import get_point
from app.province import queries as province_queries
from app.workbench.diagrams import case_diagram
from engine.clock import CHINA
from engine.errors import ConflictError, EngineError, TaskStateError
from engine.forms import form_fields_for_render, validate
from engine.idcard import mask_id_number
from engine.queries import case_history, find_cases, finished_task, get_case, open_tasks
from engine.runtime import CaseContext

bp = Blueprint("cases", __name__)


def _engine():
    return current_app.extensions["cuncun.engine"]


def _catalog():
    return current_app.extensions["cuncun.catalog"]


def _today():
    return _engine().clock().astimezone(CHINA).date()


@bp.app_template_filter("masked")
def masked(id_number: str | None) -> str:
    """Mask an ID number for lists."""
    return mask_id_number(id_number) if id_number else ""


@bp.get("/inbox")
@login_required
def inbox():
    """List my tasks and my scope's unclaimed tasks for my role, soonest due first; search cases."""
    engine, user = _engine(), current_user
    now = engine.clock()
    cutoff = engine.due_soon_cutoff(now)
    search = request.args.get("q", "").strip()
    kwargs = inbox_kwargs(user)
    mine = open_tasks(engine.store, **kwargs, assignee=user.username, search=search or None)
    queue = open_tasks(engine.store, **kwargs, unassigned=True, search=search or None)
    found = find_cases(engine.store, search, **scope_kwargs(user)) if search else []
    def rows(pairs):
        return [(task, case, deadline_mark(task.due_at, task.overdue, now, cutoff)) for task, case in pairs]

    return render_template("cases/inbox.html", mine=rows(mine), queue=rows(queue), found=found, search=search,
                           catalog=_catalog())


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str):
    """Take a task from the queue."""
    inbox_row, _, _ = _workable(task_id)
    _try(lambda: _engine().claim(task_id, current_user.username))
    return redirect(request.form.get("next") or url_for("cases.task", task_id=task_id))


@bp.post("/tasks/<task_id>/release")
@login_required
def release(task_id: str):
    """Give a task back to the point's queue."""
    _workable(task_id)
    if _try(lambda: _engine().unclaim(task_id, current_user.username)):
        flash("任务已退回队列。", "info")
    return redirect(url_for("cases.inbox"))


def _try(action) -> bool:
    try:
        action()
        return True
    except EngineError as exc:
        flash(exc.message, "error")
        return False


def _workable(task_id: str):
    try:
        inbox_row, case, data = snapshots.task_context(_engine(), task_id)
    except TaskStateError:
        # Done tasks in the user's scope say so on their case page; unknown or out-of-scope ids are not found.
        found = finished_task(_engine().store, task_id)
        if found is None or not can_see(current_user, found.case.point_code, found.case.town_code,
                                        found.case.county_code):
            abort(404)
        flash(snapshots.finished_message(found), "error")
        abort(redirect(url_for("cases.case", instance_id=found.case.id)))
    require(can_work(current_user, inbox_row.candidate_role, inbox_row.point_code, inbox_row.town_code,
                     inbox_row.county_code))
    require(may_work(current_user, inbox_row.bpmn_id, data))  # four eyes on account requests
    return inbox_row, case, data


@bp.route("/tasks/<task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: str):
    """Show a task's form; on submit validate it, complete the task and go to what comes next."""
    engine = _engine()
    inbox_row, case, data = _workable(task_id)
    form = engine.forms.get(inbox_row.bpmn_id)
    result = None
    if request.method == "POST":
        result = validate(form, request.form, data, today=_today()) if form else None
        if result is None or not result.errors:
            try:
                engine.complete(task_id, current_user.username, request.form,
                                expected_version=request.form.get("lock_version", type=int))
            except ConflictError as exc:
                flash(exc.message, "error")
                return redirect(url_for("cases.task", task_id=task_id))
            except TaskStateError as exc:
                flash(exc.message, "error")
                return redirect(url_for("cases.case", instance_id=case.id))
            except EngineError as exc:  # e.g. the database stayed busy through every retry: nothing was saved
                flash(exc.message, "error")
                return redirect(url_for("cases.task", task_id=task_id))
            flash(f"“{inbox_row.title}”已提交。", "info")
            return redirect(_next_page(case.id))
    fields = form_fields_for_render(form, data, result, today=_today()) if form else []
    item = _catalog().get(case.item_code or "")
    return render_template("cases/task.html", task=inbox_row, case=case, form=form, fields=fields, item=item,
                           file=_case_file(case, data, item), errors=bool(result and result.errors)), (
        422 if result is not None and result.errors else 200)


def _case_file(row, data: dict, item, history=None) -> casefile.CaseFile:
    """Build the case file shown on task pages and the case page; its documents are links the viewer may open."""
    engine = _engine()
    documents = [casefile.Document("受理回执", "cases.receipt", {"instance_id": row.id})]
    if data.get("materials_missing"):
        documents.append(casefile.Document("一次性告知书", "cases.notice", {"instance_id": row.id}))
    with engine.store.session() as session:
        documents += [casefile.Document(f"{info.filename}（{-(-info.size // 1024)} KB）", "faults.download",
                                        {"fault_id": fault_id, "attachment_id": info.id})
                      for fault_id, info in case_attachments(session, row.id)]
        handoffs = [casefile.handoff(sent, row.due_at, item.limit_label if item else "")
                    for sent in province_queries.for_case(session, row.id)]
    filed_with = start_form(item) if item else engine.forms.get(casefile.START_FORMS.get(row.process_id, ""))
    return casefile.build(row, data, history if history is not None else case_history(engine.store, row.id),
                          engine.forms, item, documents, filed_with, handoffs)


def _next_page(instance_id: int) -> str:
    """Go straight to the case's next task when this user may do it, else to the case page."""
    for task, _ in open_tasks(_engine().store, instance_id=instance_id):
        if can_work(current_user, task.candidate_role, task.point_code, task.town_code, task.county_code) and \
                task.assignee in (None, current_user.username):
            return url_for("cases.task", task_id=task.task_id)
    return url_for("cases.case", instance_id=instance_id)


@bp.get("/cases/new")
@login_required
def new_case():
    """Find the item to start, by name."""
    require(current_user.role == "clerk")
    point = _point()
    items = _catalog().search(request.args.get("q", ""), demo_point=point.kind == "demo")
    return render_template("cases/new.html", items=items, q=request.args.get("q", ""), point=point)


def _point():
    with _engine().store.session() as session:
        point = get_point(session, current_user.point_code)
    if point is None:
        abort(403)
    return point


@bp.route("/cases/new/<code>", methods=["GET", "POST"])
@login_required
def start(code: str):
    """Identify the applicant and choose the service mode; start the case once, even on a double click."""
    require(current_user.role == "clerk")
    item = _catalog().get(code) or abort(404)
    point = _point()
    form = start_form(item)
    result, refused = None, False
    if request.method == "POST":
        result = validate(form, request.form, today=_today())
        if not result.errors:
            context = CaseContext(point_code=point.code, town_code=point.town_code, item_code=item.code,
                                  applicant_id_number=result.data["applicant_id_number"],
                                  applicant_name=result.data["applicant_name"], channel=result.data["channel"])
            try:
                case_id = start_item_case(
                    _engine(), item, context, actor=current_user.username, point_is_demo=point.kind == "demo",
                    request_key=request.form.get("request_key") or None,
                    data={"ss_card_number": result.data.get("ss_card_number") or ""})
            except EngineError as exc:  # refused here, or the database stayed busy: the form stays filled in
                flash(exc.message, "error")
                refused = True
            else:
                return redirect(_next_page(case_id))
    fields = form_fields_for_render(form, {}, result, today=_today())
    key = request.form.get("request_key") or uuid.uuid4().hex
    return render_template("cases/start.html", item=item, fields=fields, request_key=key, point=point), (
        422 if refused or (result is not None and result.errors) else 200)


def _visible_case(instance_id: int):
    case = get_case(_engine().store, instance_id) or abort(404)
    require(can_see(current_user, case.point_code, case.town_code, case.county_code))
    return case


@bp.get("/cases/<int:instance_id>")
@login_required
def case(instance_id: int):
    """Show a case: its current step, deadline and full history."""
    engine = _engine()
    row = _visible_case(instance_id)
    now = engine.clock()
    tasks = [(t, deadline_mark(t.due_at, t.overdue, now, engine.due_soon_cutoff(now)),
              can_work(current_user, t.candidate_role, t.point_code, t.town_code, t.county_code))
             for t, _ in open_tasks(engine.store, instance_id=instance_id)]
    data, history, item = snapshots.case_data(engine, row), case_history(engine.store, row.id), \
        _catalog().get(row.item_code or "")
    return render_template("cases/case.html", case=row, tasks=tasks, history=history,
                           diagram=case_diagram(engine, row), file=_case_file(row, data, item, history),
                           item=item, data=data, forms=engine.forms,
                           mark=deadline_mark(row.due_at if row.status != "completed" else None, row.overdue, now,
                                              engine.due_soon_cutoff(now)))


@bp.get("/cases/<int:instance_id>/receipt")
@login_required
def receipt(instance_id: int):
    """Print the acceptance receipt (受理回执)."""
    return _printout(instance_id, "cases/receipt.html")


@bp.get("/cases/<int:instance_id>/notice")
@login_required
def notice(instance_id: int):
    """Print the one-time notice (一次性告知书) of every missing material."""
    return _printout(instance_id, "cases/notice.html")


def _printout(instance_id: int, template: str):
    engine = _engine()
    row = _visible_case(instance_id)
    with engine.store.session() as session:
        point = get_point(session, row.point_code) if row.point_code else None
    return render_template(template, case=row, item=_catalog().get(row.item_code or ""), point=point,
                           data=snapshots.case_data(engine, row), today=_today())
