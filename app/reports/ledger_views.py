"""The milestones page (set by hand what no process sets; undo a mistake) and the subsidy ledger page."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.accounts.vocab import MILESTONES
from app.auth.policy import require, scope_of
from app.auth.roles import ADMIN, SUPERVISOR
from app.org.models import Point
from app.reports import milestones, subsidy
from app.reports.policy import may_edit_milestones, may_enter_subsidy, may_view
from app.reports.settings import ReportSettings
from app.reports.tables import yuan
from app.reports.views import _county, _engine, _today, _town, _towns, _year, bp
from app.reports.vocab import ENTRY_KINDS, MANUAL_MILESTONES, PROCESS_MILESTONES


@bp.get("/milestones")
@login_required
def milestone_page():
    """Show every point's milestones (who set each, when, from what); let an authorised user set or undo some."""
    require(may_view(current_user))
    town = _town()
    with _engine().store.session() as session:
        rows = milestones.matrix(session, town, _county())
    return render_template("reports/milestones.html", rows=rows, milestones=MILESTONES, manual=MANUAL_MILESTONES,
                           process_milestones=PROCESS_MILESTONES, sources=milestones.SOURCES, towns=_towns(),
                           town=town, can_edit=bool(town) and may_edit_milestones(current_user, town))


def _edit_town() -> str:
    town = request.form.get("town", "").strip()
    require(bool(town) and may_edit_milestones(current_user, town))
    return town


@bp.post("/milestones")
@login_required
def milestone_set():
    """Set a milestone on the ticked points of one town."""
    town = _edit_town()
    engine = _engine()
    try:
        with engine.store.session(write=True) as session:
            count = milestones.set_manual(session, request.form.getlist("points"), request.form.get("milestone", ""),
                                          actor=current_user.username, at=engine.clock(),
                                          note=request.form.get("note", "").strip(), town_code=town)
    except milestones.MilestoneRefused as exc:
        flash(str(exc), "error")
    else:
        label = MILESTONES.get(request.form.get("milestone", ""), "")
        flash(f"已为{count}个网点设置“{label}”。" if count else "所选网点均已达到该里程碑。", "info")
    return redirect(url_for("reports.milestone_page", town=town))


@bp.post("/milestones/unset")
@login_required
def milestone_unset():
    """Undo a milestone set by hand by mistake, with a reason."""
    town = _edit_town()
    engine = _engine()
    try:
        with engine.store.session(write=True) as session:
            milestones.unset_manual(session, request.form.get("point", ""), request.form.get("milestone", ""),
                                    actor=current_user.username, at=engine.clock(),
                                    reason=request.form.get("reason", ""), town_code=town)
    except milestones.MilestoneRefused as exc:
        flash(str(exc), "error")
    else:
        flash("已撤销该里程碑，原因已记入操作记录。", "info")
    return redirect(url_for("reports.milestone_page", town=town))


def _day(text: str) -> date | None:
    """Read a date input's value (YYYY-MM-DD); anything else is no date."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _entry_kinds(town: str | None) -> dict[str, str]:
    """Return the ledger entry kinds the user may record (for a town)."""
    return {k: v for k, v in ENTRY_KINDS.items() if may_enter_subsidy(current_user, k, town)}


@bp.route("/subsidies", methods=["GET", "POST"])
@login_required
def subsidies():
    """Show the subsidy ledger of a year; record money allocated to or arrived at a point."""
    require(may_view(current_user))
    engine, year, town = _engine(), _year(), _town()
    error, form = None, {}
    if request.method == "POST":
        form = request.form
        kind = form.get("kind", "")
        with engine.store.session() as session:
            point = session.get(Point, form.get("point", ""))
        require(may_enter_subsidy(current_user, kind, point.town_code if point else town))
        try:
            with engine.store.session(write=True) as session:
                subsidy.add_entry(session, year=form.get("year", type=int) or year, point_code=form.get("point", ""),
                                  kind=kind, amount=form.get("amount", ""), on=_day(form.get("on_date", "")),
                                  note=form.get("note", "").strip(), actor=current_user.username, at=engine.clock(),
                                  today=_today(), town_code=scope_of(current_user).town_code)
        except subsidy.SubsidyRefused as exc:
            error = str(exc)
        else:
            flash(f"已记录{ENTRY_KINDS[kind]}金额{form.get('amount')}元。", "info")
            return redirect(url_for("reports.subsidies", year=year, town=town or ""))
    per_point = ReportSettings.from_env().subsidy_per_point
    with engine.store.session() as session:
        rows = subsidy.ledger(session, year, per_point, town, _county())
        entries = subsidy.entries(session, year, town, _county())
    county = current_user.role in (ADMIN, SUPERVISOR)
    kinds = ENTRY_KINDS if county else _entry_kinds(town)
    return render_template("reports/subsidies.html", rows=rows, entries=entries, year=year, town=town,
                           towns=_towns(), per_point=per_point, yuan=yuan, kinds=kinds, error=error, form=form,
                           entry_kinds=ENTRY_KINDS, today=_today(), years=range(_today().year + 1, 2023, -1),
                           points={r.point.code: r.point.name for r in rows}), 422 if error else 200

