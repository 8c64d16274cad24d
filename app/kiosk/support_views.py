"""The kiosk's support pages: ask a clerk for help (帮办), leave (or time out), enrol the device."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, session, url_for

from app.kiosk import citizens, flow
from app.kiosk.services import TokenRefused, authenticate
from app.kiosk.views import CITIZEN_KEY, COOKIE, bp, current_engine, own_case


@bp.post("/help")
def help_request():
    """Put a 帮办 task in the point clerk's inbox and tell the citizen to wait."""
    catalog = current_app.extensions["cuncun.catalog"]
    item = catalog.get(request.form.get("item_code", ""))
    row = own_case(request.form.get("case_id", 0, type=int) or 0)
    _, created = flow.request_help(current_engine(), g.kiosk, g.citizen, item_name=item.name if item else "",
                                   case_no=row.case_no if row else "")
    return render_template("kiosk/help_sent.html", created=created, item=item)


@bp.post("/reset")
def reset():
    """End the citizen's session and return to the start page (退出, or the idle timer)."""
    engine = current_engine()
    with engine.store.session(write=True) as s:
        citizens.end(s, g.kiosk.kiosk_id, session.get(CITIZEN_KEY), engine.clock(),
                     "idle" if request.form.get("reason") == "idle" else "logout")
    session.clear()
    return redirect(url_for("kiosk.start", timeout=1 if request.form.get("reason") == "idle" else None))


@bp.route("/enroll", methods=["GET", "POST"])
def enroll():
    """Install a kiosk token in this browser (done once by the administrator setting the device up)."""
    error = None
    if request.method == "POST":
        raw = request.form.get("token", "").strip()
        engine = current_engine()
        try:
            with engine.store.session(write=True) as s:
                principal = authenticate(s, raw, engine.clock())
        except TokenRefused as exc:
            error = exc.message
        else:
            if principal.is_kiosk:
                response = redirect(url_for("kiosk.start"))
                days = current_app.extensions["cuncun.settings"].kiosk_cookie_days
                # Bounded (CUNCUN_KIOSK_COOKIE_DAYS; werkzeug adds Expires from Max-Age): a lost or stolen
                # device's browser stops being a kiosk on its own, not only when its token is revoked.
                response.set_cookie(COOKIE, raw, max_age=days * 86400, httponly=True, samesite="Strict", path="/kiosk",
                                    secure=request.is_secure or current_app.config["SESSION_COOKIE_SECURE"])
                session.clear()
                return response
            error = "该令牌不是自助机令牌。"
    return render_template("kiosk/enroll.html", error=error), 422 if error else 200
