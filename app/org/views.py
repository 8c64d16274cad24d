"""List service points and let an admin rename one."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.policy import is_admin, require, scope_of
from app.auth.roles import TOWN_STAFF
from app.org import queries, services

bp = Blueprint("org", __name__)


def _engine():
    """Return the app's engine (its store and clock)."""
    return current_app.extensions["cuncun.engine"]


@bp.get("/points")
@login_required
def points():
    """List the points of the user's scope, optionally of one town."""
    scope = scope_of(current_user)
    town = request.args.get("town", "").strip() or None
    with _engine().store.session() as session:
        towns = queries.list_towns(session, scope)
        rows = queries.list_points(session, scope, town)
    can_profile = is_admin(current_user) or (getattr(current_user, "role", None) == TOWN_STAFF
                                             and scope.town_code is not None)
    return render_template("org/points.html", towns=towns, rows=rows, town=town, can_rename=is_admin(current_user),
                           can_profile=can_profile)


@bp.route("/points/<code>/rename", methods=["GET", "POST"])
@login_required
def rename(code: str):
    """Show the rename form, or rename the point (admin only)."""
    require(is_admin(current_user))
    county = scope_of(current_user).county_code
    engine = _engine()
    with engine.store.session() as session:
        if queries.point_in_county(session, code, county) is None:
            abort(404)  # no such point, or another county's
    error = None
    if request.method == "POST":
        try:
            with engine.store.session(write=True) as session:
                point = services.rename_point(session, code, request.form.get("name", ""),
                                              actor=current_user.username, at=engine.clock(), county_code=county)
                town_code, name = point.town_code, point.name
        except LookupError:
            abort(404)
        except services.OrgError as exc:
            error = str(exc)
        else:
            flash(f"网点 {code} 已更名为“{name}”。", "info")
            return redirect(url_for("org.points", town=town_code))
    with engine.store.session() as session:
        point = queries.get_point(session, code)
    if point is None:
        abort(404)
    return render_template("org/rename.html", point=point, error=error, name=request.form.get("name", point.name))


from app.org import admin_views, profile_views  # noqa: E402,F401 - these pages join this blueprint
