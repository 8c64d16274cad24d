"""The supervisors' SLA page, its export, and retrying parked cases."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.policy import can_see, require, scope_kwargs, scope_of
from app.auth.roles import ADMIN, SUPERVISOR, TOWN_STAFF, role_level
from app.cases.marks import deadline_mark
from app.downloads import attachment
from app.org.queries import list_towns, names_of, resolve_point
from app.sla.chart import weekly_chart
from app.sla.export import sla_workbook
from app.sla.queries import SlaFilters, attention_counts, attention_rows, parked_cases, weekly
from engine.queries import get_case

bp = Blueprint("sla", __name__)
RETRY_ROLES = {SUPERVISOR, ADMIN}
PER_PAGE = 100
EXPORT_LIMIT = 20000  # an .xlsx beyond this is no longer read by anyone; the page says so


def _engine():
    return current_app.extensions["cuncun.engine"]


def _allowed() -> bool:
    """County roles and town staff (their town) may watch deadlines."""
    return role_level(current_user.role) == "county" or current_user.role == TOWN_STAFF


def _filters() -> SlaFilters:
    args = request.args
    filters = {k: args.get(k, "").strip() for k in ("town", "point", "item", "process", "assignee")}
    if filters["point"]:  # typed without the suggestions: a code in any case, or a point's exact name
        with _engine().store.session() as session:
            filters["point"] = resolve_point(session, scope_of(current_user), filters["point"])
    return SlaFilters(**filters)


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _places(filters: SlaFilters, point_codes: set[str]):
    """Return the scope's towns and the names of the listed points and the chosen one (never every point)."""
    with _engine().store.session() as session:
        towns = {t.code: t.name for t in list_towns(session, scope_of(current_user))}
        return towns, names_of(session, point_codes | {filters.point})


@bp.get("/sla")
@login_required
def sla():
    """List overdue, due-today and due-within-a-working-day tasks with counts, a weekly chart and parked cases."""
    require(_allowed())
    engine, filters, scope = _engine(), _filters(), scope_kwargs(current_user)
    now = engine.clock()
    cutoff = engine.due_soon_cutoff(now)
    page = _page()
    counts = attention_counts(engine.store, scope, filters, now, cutoff)
    rows = [(t, c, deadline_mark(t.due_at, t.overdue, now, cutoff))
            for t, c in attention_rows(engine.store, scope, filters, cutoff, limit=PER_PAGE,
                                       offset=(page - 1) * PER_PAGE)]
    parked = parked_cases(engine.store, scope, filters)
    towns, points = _places(filters, {c.point_code for _, c, _ in rows} | {c.point_code for c in parked})
    weeks = weekly(engine.store, scope, filters, now)
    pages = max(1, -(-counts.total // PER_PAGE))
    return render_template("sla/sla.html", rows=rows, filters=filters, towns=towns, points=points, counts=counts,
                           page=page, pages=pages,
                           by_town=counts.by_town, by_item=counts.by_item, chart=weekly_chart(weeks), weeks=weeks,
                           parked=parked, export_limit=EXPORT_LIMIT,
                           catalog=current_app.extensions["cuncun.catalog"], now=now,
                           can_retry=current_user.role in RETRY_ROLES)


@bp.get("/sla/export.xlsx")
@login_required
def export():
    """Download the filtered list as .xlsx."""
    require(_allowed())
    engine, filters = _engine(), _filters()
    now = engine.clock()
    rows = attention_rows(engine.store, scope_kwargs(current_user), filters, engine.due_soon_cutoff(now),
                          limit=EXPORT_LIMIT)
    towns, points = _places(filters, {c.point_code for _, c in rows})
    content = sla_workbook(rows, current_app.extensions["cuncun.catalog"], towns, points, now)
    return attachment(content, "sla.xlsx")


@bp.post("/cases/<int:instance_id>/retry")
@login_required
def retry(instance_id: int):
    """Run a parked case's failed step again after its cause was fixed."""
    require(current_user.role in RETRY_ROLES)
    case = get_case(_engine().store, instance_id)
    require(case is not None and can_see(current_user, case.point_code, case.town_code, case.county_code))
    if _engine().retry(instance_id, current_user.username):
        flash(f"案件 {case.case_no} 已重新运行。", "info")
    else:
        flash(f"案件 {case.case_no} 仍然出错：{get_case(_engine().store, instance_id).error_message}", "error")
    return redirect(request.form.get("next") or url_for("sla.sla"))
