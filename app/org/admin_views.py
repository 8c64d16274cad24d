"""Organisation admin pages: a county admin lists, adds and renames its towns and points, closes a point, binds
county-level accounts; plus the point search every point filter uses."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.policy import is_admin, require, scope_of
from app.auth.roles import role_label
from app.org import queries, services
from app.org.models import AREA_LABELS, KIND_LABELS, County
from app.org.views import _engine, bp


def _admin_county() -> str:
    """Return the admin's county (403 for anyone else, or an admin bound to none)."""
    require(is_admin(current_user))
    county = scope_of(current_user).county_code
    require(county is not None)
    return county


def _overview(county: str, form: dict | None = None, error: str | None = None, status: int = 200):
    with _engine().store.session() as session:
        towns = queries.county_towns(session, county)
        row = session.get(County, county)
    return render_template("org/admin.html", county=row, towns=towns, form=form or {}, error=error), status


def _save(change):
    """Run one organisation change in a write transaction: return (its result, None), or (None, the refusal)."""
    engine = _engine()
    try:
        with engine.store.session(write=True) as session:
            return change(session, dict(actor=current_user.username, at=engine.clock())), None
    except services.OrgError as exc:
        return None, str(exc)


@bp.get("/org")
@login_required
def admin():
    """Show the county's towns with their open and closed points, and the form to add a town."""
    return _overview(_admin_county())


@bp.post("/org/towns")
@login_required
def add_town():
    """Add a town to the admin's county."""
    county = _admin_county()

    def add(session, who) -> tuple[str, str]:
        town = services.add_town(session, county, request.form.get("code", ""), request.form.get("name", ""), **who)
        return town.code, town.name

    added, error = _save(add)
    if error:
        return _overview(county, request.form, error, 422)
    code, name = added
    flash(f"已新增乡镇“{name}”（{code}）。", "info")
    return redirect(url_for("org.admin"))


@bp.route("/org/towns/<code>/rename", methods=["GET", "POST"])
@login_required
def rename_town(code: str):
    """Show the form to rename one of the county's towns, or rename it."""
    county, engine = _admin_county(), _engine()
    with engine.store.session() as session:
        town = queries.town_in_county(session, code, county) or abort(404)
    error, status = None, 200
    if request.method == "POST":
        _, error = _save(lambda session, who: services.rename_town(session, code, request.form.get("name", ""),
                                                                  county_code=county, **who))
        if error:
            status = 422
        else:
            flash(f"乡镇 {code} 已更名为“{' '.join(request.form.get('name', '').split())}”。", "info")
            return redirect(url_for("org.admin"))
    return render_template("org/town_rename.html", town=town, error=error,
                           name=request.form.get("name", town.name)), status


@bp.route("/org/points/new", methods=["GET", "POST"])
@login_required
def add_point():
    """Show the form to add a service point to one of the county's towns, or add it."""
    county, engine = _admin_county(), _engine()
    form = request.form if request.method == "POST" else {"town": request.args.get("town", ""),
                                                          "area": "village", "kind": "basic"}
    error, status = None, 200
    if request.method == "POST":
        def add(session, who) -> tuple[str, str, str]:
            point = services.add_point(session, request.form, county_code=county, **who)
            return point.code, point.name, point.town_code

        try:
            added, error = _save(add)
        except LookupError:
            abort(404)
        if error:
            status = 422
        else:
            code, name, town = added
            flash(f"已新增网点“{name}”（{code}），自今日起计入报表。", "info")
            return redirect(url_for("org.points", town=town))
    with engine.store.session() as session:
        towns = [t for t, _, _ in queries.county_towns(session, county)]
    return render_template("org/point_new.html", towns=towns, form=form, error=error, areas=AREA_LABELS,
                           kinds=KIND_LABELS), status


@bp.route("/points/<code>/close", methods=["GET", "POST"])
@login_required
def close_point(code: str):
    """Show what closing a point means, or mark it closed (it is never deleted: cases refer to it)."""
    county, engine = _admin_county(), _engine()
    with engine.store.session() as session:
        found = queries.point_in_county(session, code, county) or abort(404)
        open_cases = queries.open_cases_at(session, code)
    point, town = found
    error, status = None, 200
    if request.method == "POST":
        _, error = _save(lambda session, who: services.close_point(session, code, request.form.get("reason", ""),
                                                                  county_code=county, **who))
        if error:
            status = 422
        else:
            flash(f"网点“{point.name}”（{code}）已停用，此后的报表不再计入。", "info")
            return redirect(url_for("org.points", town=town.code))
    return render_template("org/close.html", point=point, town=town, open_cases=open_cases, error=error,
                           reason=request.form.get("reason", "")), status


@bp.route("/org/accounts", methods=["GET", "POST"])
@login_required
def accounts():
    """List the county-level accounts of the county (and those bound to none), and bind one to the county."""
    county, engine = _admin_county(), _engine()
    error, status = None, 200
    if request.method == "POST":
        username = request.form.get("username", "")
        _, error = _save(lambda session, who: services.bind_county(session, username, county, own_county=county,
                                                                  **who))
        if error:
            status = 422
        else:
            flash(f"{username.strip()} 已绑定到本县。", "info")
            return redirect(url_for("org.accounts"))
    with engine.store.session() as session:
        rows = services.county_accounts(session, county)
        row = session.get(County, county)
    return render_template("org/accounts.html", county=row, rows=rows, error=error, role_label=role_label,
                           username=request.form.get("username", "")), status


@bp.get("/points/search")
@login_required
def search_points():
    """Return up to 20 points of the user's scope whose code starts with, or name contains, the text (JSON)."""
    town = request.args.get("town", "").strip() or None
    with _engine().store.session() as session:
        rows = queries.search_points(session, scope_of(current_user), request.args.get("q", ""), town_code=town,
                                     open_only=request.args.get("open") == "1")
    return jsonify(points=[{"code": p.code, "name": p.name, "town": t.code, "town_name": t.name, "open": p.active}
                           for p, t in rows])
