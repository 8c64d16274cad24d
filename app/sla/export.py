"""Export the filtered SLA list to .xlsx (openpyxl)."""

from __future__ import annotations

from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from app.catalog import Catalog
from app.filters import china_time
from app.spreadsheets import append, workbook_bytes
from engine.idcard import mask_id_number
from engine.models import InboxTask, ProcessInstance

HEADERS = ("案件编号", "事项", "当前任务", "乡镇", "网点", "申请人", "身份证号码", "办理人", "受理时间", "办结时限",
           "状态", "超期小时数")


def sla_workbook(rows: list[tuple[InboxTask, ProcessInstance]], catalog: Catalog, towns: dict[str, str],
                 points: dict[str, str], now: datetime) -> bytes:
    """Return the list as an .xlsx file's bytes; ID numbers stay masked, as in every list."""
    book = Workbook()
    sheet = book.active
    sheet.title = "超期及临期任务"
    append(sheet, HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for task, case in rows:
        item = catalog.get(case.item_code or "")
        late = (now - task.due_at).total_seconds() / 3600 if task.due_at and task.due_at < now else 0
        town, point = towns.get(case.town_code, case.town_code), points.get(case.point_code, case.point_code)
        append(sheet, (case.case_no, item.name if item else case.process_id, task.title, town, point,
                      case.applicant_name or "", mask_id_number(case.applicant_id_number or ""), task.assignee or "",
                      china_time(case.accepted_at), china_time(task.due_at),
                      "已超期" if late or task.overdue else "临期", round(late, 1)))
    for column, width in zip("ABCDEFGHIJKL", (18, 24, 16, 10, 22, 10, 20, 12, 17, 17, 8, 10), strict=True):
        sheet.column_dimensions[column].width = width
    return workbook_bytes(book)
