"""The file exchange: export pending applications as an xlsx batch for keying in, import the results file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.employment.tabular import ImportFileError, read_table
from app.filters import china_time
from app.province.models import ProvinceOutbox
from app.province.queries import in_scope, scoped
from app.province.results import ResultError, check_result, deliver_in
from engine.errors import ConflictError
from engine.runtime import Engine

EXPORT_HEADERS = ("报送编号", "案件编号", "事项编号", "事项名称", "参保人身份证号", "参保人姓名", "申请人身份证号",
                  "受理网点", "受理时间", "县局审核人", "县局意见", "申请内容")
RESULT_HEADERS = ("报送编号", "办理结果", "说明")
RESULT_WORDS = {"通过": "approved", "不通过": "rejected", "approved": "approved", "rejected": "rejected"}


def _content(payload: dict) -> str:
    return "；".join(f"{k}：{v}" for k, v in payload.get("fields", {}).items() if v not in (None, ""))


def export_batch(session: Session, now: datetime, scope: dict, actor: str) -> tuple[bytes, int]:
    """Return an xlsx of the pending applications in scope and mark them as handed over (sent)."""
    rows = list(session.scalars(scoped(select(ProvinceOutbox).where(ProvinceOutbox.status == "pending"), scope)
                                .order_by(ProvinceOutbox.item_code, ProvinceOutbox.id)))
    book = Workbook()
    sheet = book.active
    sheet.title = "待录入申请"
    sheet.append(EXPORT_HEADERS)
    for row in rows:
        p = json.loads(row.payload)
        sheet.append((row.idempotency_key, row.case_no, row.item_code, p.get("item_name"), p.get("id_number"),
                      p.get("name"), p.get("applicant_id_number"), row.point_code, china_time(row.created_at),
                      p.get("county_reviewer") or "", p.get("county_opinion") or "", _content(p)))
        row.status, row.attempts, row.sent_at, row.updated_at = "sent", row.attempts + 1, now, now
        row.last_error = None
    results = book.create_sheet("结果回填")
    results.append(RESULT_HEADERS)
    for row in rows:
        results.append((row.idempotency_key, "", ""))
    for ws in (sheet, results):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.column_dimensions["A"].width = 26
    note = book.create_sheet("说明")
    note.append((f"{china_time(now)} 由 {actor} 导出，共 {len(rows)} 件。录入省社保经办系统后，在“结果回填”表填写"
                 "办理结果（通过/不通过）和说明，另存为 xlsx 后在“省级报送”页面导入。",))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue(), len(rows)


@dataclass
class ImportReport:
    """What a results file did: per-row errors (nothing changed), or how many results were delivered."""

    errors: list[str] = field(default_factory=list)
    delivered: int = 0
    already: int = 0


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _result_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Return the non-empty rows of the results sheet ("结果回填" when the file has it, else the first sheet)."""
    if path.suffix.lower() != ".xlsx":
        return read_table(path)  # a CSV of the same three columns is accepted too
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged or foreign file
        raise ImportFileError(f"{path.name}：不是有效的 Excel 文件（{exc}）") from exc
    sheet = book["结果回填"] if "结果回填" in book.sheetnames else book.worksheets[0]
    rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return [(n, row) for n, row in enumerate(rows, start=1) if any(row)]


def import_results(engine: Engine, path: Path, actor: str, scope: dict) -> ImportReport:
    """Check every row first; any bad row refuses the whole file; a good file delivers its results all at once.

    Every result goes to its case in one transaction: when any case cannot take its result (say it no longer
    waits for one) nothing is delivered, the row is named, and the corrected file can simply be imported again.
    """
    report = ImportReport()
    rows = _result_rows(path)
    if not rows or [h.strip() for h in rows[0][1][:3]] != list(RESULT_HEADERS):
        raise ImportFileError(f"{path.name}：表头应为“{'、'.join(RESULT_HEADERS)}”")
    wanted, seen = [], {}
    with engine.store.session() as session:
        for number, cells in rows[1:]:
            cells = [*cells, "", "", ""][:3]
            key, word, note = (c.strip() for c in cells)
            status = RESULT_WORDS.get(word)
            if not key:
                report.errors.append(f"第{number}行：报送编号不能为空")
            elif key in seen:
                report.errors.append(f"第{number}行：报送编号“{key}”与第{seen[key]}行重复")
            elif status is None:
                report.errors.append(f"第{number}行：办理结果“{word}”无法识别，应填“通过”或“不通过”")
            elif status == "rejected" and not note:
                report.errors.append(f"第{number}行：不通过须在“说明”中写明理由")
            else:
                try:
                    row = check_result(session, key, status)
                except ResultError as exc:
                    report.errors.append(f"第{number}行：{exc.message}")
                else:
                    if not in_scope(row, scope):
                        report.errors.append(f"第{number}行：报送编号“{key}”不在您的管辖范围内")
                    elif row.status == "dead":
                        report.errors.append(f"第{number}行：报送编号“{key}”报送失败尚未重试，不能回填结果")
                    else:
                        wanted.append((row.instance_id, number, key, status, note))
            seen.setdefault(key, number)
    if not rows[1:]:
        report.errors.append("文件只有表头，没有数据行")
    if report.errors:
        return report
    try:
        outcomes = engine.in_transaction(lambda session: _deliver_all(engine, session, wanted, actor),
                                         what="province results import")
    except (ResultError, ConflictError) as exc:
        report.errors.append(exc.message)
        return report
    report.delivered, report.already = outcomes.count(True), outcomes.count(False)
    return report


def _deliver_all(engine: Engine, session: Session, wanted: list[tuple], actor: str) -> list[bool]:
    """Deliver every checked row in the caller's transaction; the first failure names its row and undoes all."""
    outcomes = []
    # In case order, so two imports that share cases lock them in the same order (no deadlock on PostgreSQL).
    for _, number, key, status, note in sorted(wanted):
        try:
            outcomes.append(deliver_in(engine, session, key, status, note or None, actor))
        except ResultError as exc:
            raise ResultError(f"第{number}行：{exc.message}", str(exc)) from exc
    return outcomes

