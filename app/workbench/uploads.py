"""Receive an uploaded process file: check it, keep it pending, deploy it only when the analyst confirms."""

from __future__ import annotations

import json
import re
from pathlib import Path

from lxml import etree
from sqlalchemy import select

from app.checking import check
from app.workbench.models import PendingUpload
from engine import audit
from engine.bpmn_diff import BpmnDiff, diff_bpmn
from engine.deploy import DeployResult
from engine.errors import DeployError, EngineError
from engine.findings import Finding
from engine.models import ProcessVersion
from engine.runtime import Engine
from engine.settings import Settings
from engine.specs import BPMN_NS
from engine.xml_encoding import utf8_xml

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+\.bpmn$")


class UploadRefused(EngineError):
    """The upload cannot even be kept for checking (name, size)."""

    code = "upload_refused"


def _process_ids(content: bytes) -> list[str]:
    try:
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError:
        return []
    return [p.get("id") for p in root.iterfind(f"{{{BPMN_NS}}}process")]


def _clashes(filename: str, content: bytes, library: dict[str, bytes]) -> list[Finding]:
    """Report process ids the upload shares with another file: one process, one source file."""
    owners = {pid: name for name, data in library.items() if name != filename for pid in _process_ids(data)}
    return [Finding(filename, None, pid, f"流程编号 {pid} 已由文件 {owners[pid]} 定义；请改用新的流程编号，"
                    f"或上传同名文件 {owners[pid]} 以更新它") for pid in _process_ids(content) if pid in owners]


def library(settings: Settings) -> dict[str, bytes]:
    """Return the deployed source files, by name."""
    return {p.name: p.read_bytes() for p in sorted(settings.processes_dir.glob("*.bpmn"))}


def findings_for(engine: Engine, settings: Settings, filename: str, content: bytes) -> list[Finding]:
    """Run every rule on the upload, plus the process-id clash rule."""
    files = library(settings)
    return _clashes(filename, content, files) + check(engine, settings, {filename: content})


def receive(engine: Engine, settings: Settings, filename: str, content: bytes, actor: str) -> PendingUpload:
    """Check an upload and keep it pending; refuse bad names and sizes at once, changing nothing."""
    name = Path(filename or "").name
    if not SAFE_NAME.match(name):
        raise UploadRefused("文件名只能包含英文字母、数字、下划线、点和短横线，并以 .bpmn 结尾。", f"bad name {name!r}")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"文件过大（上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）。", f"{len(content)} bytes")
    try:
        content = utf8_xml(name, content)  # a GBK file is kept and compared as UTF-8
    except DeployError as exc:
        raise UploadRefused(exc.findings[0].message, "unreadable encoding") from exc
    findings = findings_for(engine, settings, name, content)
    stored = [{"line": f.line, "element": f.element, "message": f.message, "severity": f.severity} for f in findings]
    with engine.store.session(write=True) as session:
        upload = PendingUpload(filename=name, content=content, findings=json.dumps(stored, ensure_ascii=False),
                               uploaded_by=actor, uploaded_at=engine.clock())
        session.add(upload)
        session.flush()
        audit.record(session, at=engine.clock(), actor=actor, action="upload", filename=name,
                     errors=sum(1 for f in findings if f.is_error))
    return upload


def get_upload(engine: Engine, upload_id: int) -> PendingUpload | None:
    """Return a pending upload."""
    with engine.store.session() as session:
        return session.get(PendingUpload, upload_id)


def diffs(engine: Engine, content: bytes) -> dict[str, tuple[ProcessVersion | None, BpmnDiff | None]]:
    """Compare each process of the upload with its current version (None when the process is new)."""
    result = {}
    with engine.store.session() as session:
        for pid in _process_ids(content):
            current = session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == pid,
                                                                   ProcessVersion.is_current)).one_or_none()
            result[pid] = (current, diff_bpmn(current.bpmn_xml, content) if current else None)
    return result


def deploy(engine: Engine, settings: Settings, upload_id: int, actor: str) -> list[DeployResult]:
    """Deploy a pending upload after checking it again; write it into the processes directory, the source."""
    upload = get_upload(engine, upload_id)
    if upload is None:
        raise EngineError("没有找到待部署的文件。", f"upload {upload_id} not found")
    if any(f.is_error for f in findings_for(engine, settings, upload.filename, upload.content)):
        raise EngineError("文件未通过检查，不能部署。", f"upload {upload_id} has errors")
    target = settings.processes_dir / upload.filename
    previous = target.read_bytes() if target.exists() else None
    _write(target, upload.content)  # the directory is the source start-up deploys from: it must hold the new file
    try:
        results = engine.deploy_files({**library(settings), upload.filename: upload.content}, actor)
    except Exception:
        if previous is None:
            target.unlink()
        else:
            _write(target, previous)
        raise
    with engine.store.session(write=True) as session:
        session.delete(session.get(PendingUpload, upload_id))
    return results


def _write(path: Path, content: bytes) -> None:
    """Replace a file atomically."""
    temporary = path.with_suffix(".bpmn.tmp")
    temporary.write_bytes(content)
    temporary.replace(path)
