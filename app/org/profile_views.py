"""Point profile pages (附件5 columns 6-10): town staff edit their town's points, the admin any; xlsx import."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.policy import UNBOUND, is_admin, require, scope_of
from app.auth.roles import TOWN_STAFF
from app.downloads import attachment
from app.org import profile_services, queries
from app.org.profiles import PROFILE_FIELDS
from app.org.services import OrgError
from app.org.views import _engine, bp

MAX_UPLOAD = 5 * 1024 * 1024


def _admin_county() -> str | None:
    """Return the county an admin's profile changes are confined to (None for town staff, bound by their town)."""
    return (scope_of(current_user).county_code or UNBOUND) if is_admin(current_user) else None  # fail closed


def _editable_town() -> tuple[bool, str | None]:
    """Return whether the user may edit profiles, and the one town they are bound to (None: all, for the admin)."""
    if is_admin(current_user):
        return True, None
    if getattr(current_user, "role", None) == TOWN_STAFF and scope_of(current_user).town_code:
        return True, scope_of(current_user).town_code
    return False, None


@bp.route("/points/<code>/profile", methods=["GET", "POST"])
@login_required
def profile(code: str):
    """Show a point's 附件5 profile, or save it (town staff of its town, or the admin)."""
    allowed, town = _editable_town()
    engine = _engine()
    with engine.store.session() as session:
        point = queries.get_point(session, code)
        if point is None or (is_admin(current_user) and not scope_of(current_user).contains(code, point.town_code)):
            abort(404)  # an admin of another county is told no more than that the point does not exist
        require(allowed and (town is None or point.town_code == town))
        values = profile_services.profiles_of(session, [code]).get(code, {})
    error = None
    if request.method == "POST":
        try:
            with engine.store.session(write=True) as session:
                changed = profile_services.save_profile(session, code, request.form, actor=current_user.username,
                                                        at=engine.clock(), town_code=town,
                                                        county_code=_admin_county())
        except OrgError as exc:
            error, values = str(exc), {name: request.form.get(name, "") for name, _, _ in PROFILE_FIELDS}
        else:
            flash(f"网点 {code} 的服务点情况已保存。" if changed else "没有修改。", "info")
            return redirect(url_for("org.points", town=point.town_code))
    return render_template("org/profile.html", point=point, fields=PROFILE_FIELDS, values=values, error=error)


@bp.get("/points/profiles.xlsx")
@login_required
def profiles_template():
    """Download the profile import template, filled with the current profiles of the user's town (or county)."""
    allowed, town = _editable_town()
    require(allowed)
    with _engine().store.session() as session:
        content = profile_services.template_workbook(session, town or request.args.get("town") or None,
                                                     _admin_county())
    return attachment(content, "point-profiles.xlsx")


@bp.route("/points/profiles/import", methods=["GET", "POST"])
@login_required
def profiles_import():
    """Show the import form, or import a filled template all or nothing."""
    allowed, town = _editable_town()
    require(allowed)
    engine = _engine()
    errors: list[str] = []
    if request.method == "POST":
        upload = request.files.get("file")
        content = upload.read(MAX_UPLOAD + 1) if upload else b""
        if not content:
            errors = ["请选择要导入的 .xlsx 文件。"]
        elif len(content) > MAX_UPLOAD:
            errors = ["文件超过 5 MB，请分批导入。"]
        else:
            try:
                with engine.store.session(write=True) as session:
                    changed, renamed = profile_services.import_workbook(
                        session, content, actor=current_user.username, at=engine.clock(), town_code=town,
                        county_code=_admin_county())
            except profile_services.ImportRefused as exc:
                errors = exc.errors
            else:
                flash(f"导入完成：{changed} 个网点的服务点情况有更新，{renamed} 个网点更名。", "info")
                return redirect(url_for("org.points"))
    return render_template("org/profiles_import.html", errors=errors, headers=profile_services.IMPORT_HEADERS), (
        422 if errors else 200)
