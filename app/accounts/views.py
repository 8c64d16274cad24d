"""Account request pages (file, list, print 附件8, first password) and the personnel ledger (附件7)."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.accounts import labels, queries, services, vocab
from app.accounts.ledger import HEADERS, NOTE, TITLE, point_ledger, town_ledger, towns_in
from app.accounts.ledger_xlsx import ledger_workbook
from app.accounts.policy import may_file, may_issue_password, may_see_request
from app.accounts.rules import Filer, Refused
from app.auth.passwords import PasswordRules
from app.auth.policy import can_see, require, scope_of
from app.cases.snapshots import case_data
from app.downloads import attachment
from engine.clock import CHINA
from engine.forms import form_fields_for_render, validate
from engine.queries import get_case

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
FILING_FORM = "account_request"


def _engine():
    return current_app.extensions["cuncun.engine"]


def _today():
    return _engine().clock().astimezone(CHINA).date()


@bp.app_template_filter("china_date")
def china_date(moment) -> str:
    """Show a moment's Beijing date as the paper forms write it (2026年11月23日)."""
    return moment.astimezone(CHINA).strftime("%Y年%m月%d日") if moment else ""


@bp.get("/requests")
@login_required
def requests():
    """List the account requests of the user's scope and the user's own, newest first."""
    with _engine().store.session() as session:
        rows = queries.list_requests(session, scope_of(current_user), current_user.username)
    return render_template("accounts/requests.html", rows=rows, can_file=may_file(current_user), vocab=vocab,
                           statuses=queries.STATUS_LABELS)


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new_request():
    """Show the 用户申请（变更）单 form, or file it once (a double click files one request)."""
    require(may_file(current_user))
    engine = _engine()
    form = engine.forms.get(FILING_FORM)
    filer = Filer.of(current_user)
    with engine.store.session() as session:
        context = {"role_choices": labels.role_choices(filer),
                   "binding_choices": labels.binding_choices(session, filer)}
    result, refusal = None, None
    if request.method == "POST":
        result = validate(form, request.form, context, today=_today())
        if not result.errors:
            try:
                case_id = services.file_request(engine, current_user, result.data,
                                                request_key=request.form.get("request_key") or None)
            except Refused as refused:
                refusal = refused.message
            else:
                flash("申请已提交，等待县人社部门审核。", "info")
                return redirect(url_for("accounts.request_form", instance_id=case_id))
    initial = {"contact_person": current_user.display_name, "account_binding": current_user.point_code or ""}
    fields = form_fields_for_render(form, context, result, initial=initial, today=_today())
    key = request.form.get("request_key") or uuid.uuid4().hex
    failed = result is not None and (result.errors or refusal)
    return render_template("accounts/new.html", form=form, fields=fields, request_key=key, refusal=refusal,
                           errors=bool(result and result.errors)), (422 if failed else 200)


def _visible_request(instance_id: int):
    with _engine().store.session() as session:
        row = queries.get_request(session, instance_id)
    if row is None:
        abort(404)
    require(may_see_request(current_user, row))
    return row


@bp.get("/requests/<int:instance_id>")
@login_required
def request_form(instance_id: int):
    """Print the request as 附件8 (用户申请（变更）单) with the county's opinion."""
    engine = _engine()
    row = _visible_request(instance_id)
    case = get_case(engine.store, instance_id)
    data = case_data(engine, case)
    with engine.store.session() as session:
        sheet = queries.printout(session, row, data)
    can_issue = row.kind == vocab.NEW and row.status == "approved" and may_issue_password(current_user, row)
    return render_template("accounts/form.html", row=row, case=case, data=data, sheet=sheet, vocab=vocab,
                           statuses=queries.STATUS_LABELS, can_issue=can_issue)


@bp.post("/requests/<int:instance_id>/password")
@login_required
def issue_password(instance_id: int):
    """Generate the new account's one-time password and show it on this response only."""
    engine = _engine()
    row = _visible_request(instance_id)
    try:
        with engine.store.session(write=True) as session:
            rules = PasswordRules.from_settings(current_app.extensions["cuncun.settings"])
            user, password = services.issue_initial_password(session, instance_id, current_user, engine.clock(),
                                                             rules)
            username, display_name = user.username, user.display_name
    except PermissionError:
        abort(403)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("accounts.request_form", instance_id=instance_id))
    page = render_template("accounts/password.html", row=row, username=username, display_name=display_name,
                           password=password)
    # The password lives in this response only: no browser or proxy may keep a copy.
    return Response(page, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@bp.get("/ledger")
@login_required
def ledger_index():
    """Open the ledger of the user's point, or list the towns whose ledgers they may see."""
    scope = scope_of(current_user)
    if scope.point_code is not None:
        return redirect(url_for("accounts.point_ledger_page", code=scope.point_code))
    with _engine().store.session() as session:
        towns = towns_in(session, scope)
    if len(towns) == 1:
        return redirect(url_for("accounts.town_ledger_page", code=towns[0].code))
    return render_template("accounts/ledger_index.html", towns=towns)


def _point_ledger(code: str):
    engine = _engine()
    with engine.store.session() as session:
        ledger = point_ledger(session, code, engine.clock())
    if ledger is None:
        abort(404)
    require(can_see(current_user, ledger.point.code, ledger.point.town_code))
    return ledger


def _town_ledger(code: str):
    scope = scope_of(current_user)
    require(scope.point_code is None and scope.town_code in (None, code) and can_see(current_user, None, code))
    engine = _engine()
    with engine.store.session() as session:
        found = town_ledger(session, code, engine.clock())
    if found is None:
        abort(404)
    return found


def _page(title: str, ledgers, export_url: str, town=None):
    return render_template("accounts/ledger.html", title=title, ledgers=ledgers, export_url=export_url, town=town,
                           headers=HEADERS, note=NOTE, ledger_title=TITLE, vocab=vocab)


@bp.get("/ledger/points/<code>")
@login_required
def point_ledger_page(code: str):
    """Show one point's personnel ledger."""
    ledger = _point_ledger(code)
    return _page(ledger.heading, [ledger], url_for("accounts.point_ledger_xlsx", code=code))


@bp.get("/ledger/towns/<code>")
@login_required
def town_ledger_page(code: str):
    """Show the personnel ledgers of every point of a town."""
    town, ledgers = _town_ledger(code)
    return _page(f"{town.name}就业社保服务点人员台账", ledgers, url_for("accounts.town_ledger_xlsx", code=code), town)


def _xlsx(ledgers, filename: str) -> Response:
    return attachment(ledger_workbook(ledgers), filename)


@bp.get("/ledger/points/<code>/export.xlsx")
@login_required
def point_ledger_xlsx(code: str):
    """Download one point's ledger as .xlsx (附件7)."""
    ledger = _point_ledger(code)
    return _xlsx([ledger], f"人员台账-{ledger.point.name}.xlsx")


@bp.get("/ledger/towns/<code>/export.xlsx")
@login_required
def town_ledger_xlsx(code: str):
    """Download a town's ledgers as .xlsx, one sheet per point (附件7)."""
    town, ledgers = _town_ledger(code)
    return _xlsx(ledgers, f"人员台账-{town.name}.xlsx")
