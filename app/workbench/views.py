"""Process pages: versions and their cases, download, upload → check → diff → confirm, and migration."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.policy import require
from app.auth.roles import ADMIN, ANALYST, SUPERVISOR
from app.downloads import attachment
from app.workbench import diagrams, queries, uploads
from engine.errors import EngineError
from engine.migration import migrate, plan_migration

bp = Blueprint("workbench", __name__, url_prefix="/processes")
VIEWERS = {ANALYST, ADMIN, SUPERVISOR}
EDITORS = {ANALYST, ADMIN}


def _engine():
    return current_app.extensions["cuncun.engine"]


def _settings():
    return current_app.extensions["cuncun.settings"]


def _may(roles: set[str]) -> None:
    require(current_user.role in roles)


@bp.app_errorhandler(413)
def too_large(_error):
    """Refuse an over-large request body in Chinese; nothing was stored."""
    limit = uploads.MAX_UPLOAD_BYTES // 1024 // 1024
    return render_template("auth/error.html", title="文件过大",
                           message=f"上传的文件超过上限（{limit} MB），未作任何处理。"), 413


@bp.get("/")
@login_required
def index():
    """List every deployed process."""
    _may(VIEWERS)
    return render_template("workbench/index.html", processes=queries.process_ids(_engine().store),
                           can_edit=current_user.role in EDITORS)


@bp.get("/<process_id>")
@login_required
def process(process_id: str):
    """Show a process's versions with open and finished case counts."""
    _may(VIEWERS)
    rows = queries.versions(_engine().store, process_id) or abort(404)
    return render_template("workbench/process.html", process_id=process_id, rows=rows,
                           can_edit=current_user.role in EDITORS)


@bp.get("/versions/<int:version_id>")
@login_required
def version(version_id: int):
    """Show one version: where its open cases wait and how many are overdue."""
    _may(VIEWERS)
    row = queries.get_version(_engine().store, version_id) or abort(404)
    waiting = queries.waiting_by_task(_engine().store, version_id)
    return render_template("workbench/version.html", version=row, waiting=waiting,
                           diagram=diagrams.version_diagram(row, waiting))


@bp.get("/versions/<int:version_id>/download")
@login_required
def download(version_id: int):
    """Download the file of any version."""
    _may(VIEWERS)
    row = queries.get_version(_engine().store, version_id) or abort(404)
    name = row.filename.removesuffix(".bpmn") + f".v{row.id}.bpmn"
    return attachment(row.bpmn_xml, name, "application/xml")


@bp.route("/upload", methods=["GET", "POST"])
@login_required
def upload():
    """Receive a file and check it; nothing is deployed yet."""
    _may(EDITORS)
    if request.method == "POST":
        sent = request.files.get("file")
        if sent is None or not sent.filename:
            flash("请选择要上传的 .bpmn 文件。", "error")
        else:
            try:
                pending = uploads.receive(_engine(), _settings(), sent.filename, sent.read(), current_user.username)
            except EngineError as exc:
                flash(exc.message, "error")
            else:
                return redirect(url_for("workbench.pending", upload_id=pending.id))
    return render_template("workbench/upload.html", limit_mb=uploads.MAX_UPLOAD_BYTES // 1024 // 1024)


@bp.get("/uploads/<int:upload_id>")
@login_required
def pending(upload_id: int):
    """Show an upload's findings and what it changes against the current versions."""
    _may(EDITORS)
    row = uploads.get_upload(_engine(), upload_id) or abort(404)
    findings = json.loads(row.findings)
    return render_template("workbench/pending.html", upload=row, findings=findings,
                           errors=[f for f in findings if f["severity"] == "error"],
                           diffs=uploads.diffs(_engine(), row.content), diagram=diagrams.preview(row.content))


@bp.post("/uploads/<int:upload_id>/deploy")
@login_required
def deploy(upload_id: int):
    """Deploy a checked upload on the analyst's confirmation; running cases stay on their versions."""
    _may(EDITORS)
    try:
        results = uploads.deploy(_engine(), _settings(), upload_id, current_user.username)
    except EngineError as exc:
        flash(exc.message, "error")
        return redirect(url_for("workbench.pending", upload_id=upload_id))
    created = [r.process_id for r in results if r.created]
    flash(f"已部署新版本：{'、'.join(created)}。" if created else "内容未变化，没有新版本。", "info")
    return redirect(url_for("workbench.process", process_id=created[0]) if created else url_for("workbench.index"))


@bp.route("/<process_id>/migrate", methods=["GET", "POST"])
@login_required
def migration(process_id: str):
    """Dry-run the move of waiting cases to the current version; move the chosen ones on confirm."""
    _may(EDITORS)
    engine = _engine()
    if request.method == "POST":
        chosen = [int(i) for i in request.form.getlist("instance")]
        results = migrate(engine, process_id, chosen, actor=current_user.username)
        moved = sum(1 for r in results if r.movable)
        flash(f"已迁移 {moved} 件，未迁移 {len(results) - moved} 件。", "info")
        return redirect(url_for("workbench.migration", process_id=process_id))
    try:
        checks = plan_migration(engine, process_id)
    except EngineError as exc:
        flash(exc.message, "error")
        return redirect(url_for("workbench.index"))
    return render_template("workbench/migrate.html", process_id=process_id, checks=checks)
