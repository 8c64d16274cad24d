"""The provincial handoff pages: failing and dead letters with retry, batch export and results import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.policy import require, scope_kwargs
from app.auth.roles import ADMIN, COUNTY_BACKBONE, SUPERVISOR, role_level
from app.downloads import attachment
from app.province import outbox, queries
from app.province.exchange import ImportFileError, export_batch, import_results
from app.province.models import OUTBOX_STATUSES
from engine import audit
from engine.clock import CHINA

bp = Blueprint("province", __name__, url_prefix="/province")
RETRY_ROLES = {SUPERVISOR, ADMIN}
EXCHANGE_ROLES = {COUNTY_BACKBONE, ADMIN}  # the county's backbone keys batches into the provincial system


def _engine():
    return current_app.extensions["cuncun.engine"]


def _settings():
    return current_app.extensions["cuncun.province"]


@bp.get("")
@login_required
def index():
    """List dead letters and failing rows in the user's scope, with counts and the file exchange."""
    require(role_level(current_user.role) == "county")
    scope = scope_kwargs(current_user)
    with _engine().store.session() as session:
        rows, counts = queries.troubled(session, scope), queries.counts(session, scope)
    return render_template("province/index.html", rows=rows, counts=counts, statuses=OUTBOX_STATUSES,
                           adapter=_settings().adapter, can_retry=current_user.role in RETRY_ROLES,
                           can_exchange=current_user.role in EXCHANGE_ROLES)


@bp.post("/outbox/<int:outbox_id>/retry")
@login_required
def retry(outbox_id: int):
    """Put a dead or failing row back in the queue at once (audited)."""
    require(current_user.role in RETRY_ROLES)
    engine = _engine()
    with engine.store.session(write=True) as session:
        row = queries.row_in_scope(session, outbox_id, scope_kwargs(current_user))
        require(row is not None)
        if outbox.retry(session, outbox_id, engine.clock()) is None:
            flash(f"报送编号 {row.idempotency_key} 当前状态为“{OUTBOX_STATUSES[row.status]}”，无需重试。", "error")
        else:
            audit.record(session, at=engine.clock(), actor=current_user.username, action="province_retry",
                         instance_id=row.instance_id, point_code=row.point_code, key=row.idempotency_key)
            flash(f"报送编号 {row.idempotency_key} 已重新排队报送。", "info")
    return redirect(url_for("province.index"))


@bp.post("/export")
@login_required
def export():
    """Download the pending applications as an xlsx batch; they count as handed over from now on."""
    require(current_user.role in EXCHANGE_ROLES)
    engine = _engine()
    now = engine.clock()
    with engine.store.session(write=True) as session:
        content, count = export_batch(session, now, scope_kwargs(current_user), current_user.username)
        audit.record(session, at=now, actor=current_user.username, action="province_export", count=count)
    if not count:
        flash("没有待报送的申请。", "info")
        return redirect(url_for("province.index"))
    return attachment(content, f"省级报送批次_{now.astimezone(CHINA):%Y%m%d%H%M}.xlsx")


@bp.post("/import")
@login_required
def import_file():
    """Import the province's results file: refused whole with each bad row named, or every result delivered."""
    require(current_user.role in EXCHANGE_ROLES)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        flash("请选择要导入的结果文件（.xlsx）。", "error")
        return redirect(url_for("province.index"))
    suffix = Path(sent.filename).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"results{suffix}"
        sent.save(path)
        try:
            report = import_results(_engine(), path, current_user.username, scope_kwargs(current_user))
        except ImportFileError as exc:
            flash(str(exc).replace(path.name, sent.filename), "error")
            return redirect(url_for("province.index"))
    if report.errors:
        flash(f"文件“{sent.filename}”有 {len(report.errors)} 处错误，整个文件未导入，请改正后重新导入。", "error")
        for error in report.errors[:50]:
            flash(error, "error")
    else:
        flash(f"已导入 {report.delivered} 条省级结果" + (f"，{report.already} 条此前已导入" if report.already else "")
              + "。", "info")
    return redirect(url_for("province.index"))
