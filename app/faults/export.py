"""Export the filtered problem ledger and its counts to .xlsx (openpyxl)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from app.auth.roles import role_label
from app.catalog import Catalog
from app.faults import vocab
from app.faults.queries import Counts, LedgerRow
from app.filters import china_time
from app.spreadsheets import append, workbook_bytes

HEADERS = ("案件编号", "提交时间", "乡镇", "网点", "提交人", "问题分类", "业务类别", "涉及事项", "问题描述", "意见建议",
           "当前层级", "责任岗位", "办理人", "本级时限", "本级超期", "已用天数", "状态", "升级次数", "重新提出次数",
           "办结时间")
WIDTHS = (18, 17, 10, 22, 14, 14, 10, 20, 40, 30, 14, 14, 12, 17, 8, 8, 14, 8, 10, 17)


def _header(sheet: Worksheet, headers: tuple[str, ...]) -> None:
    append(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def _ledger_sheet(sheet: Worksheet, rows: list[LedgerRow], catalog: Catalog, towns: dict[str, str],
                  points: dict[str, str]) -> None:
    sheet.title = "问题台账"
    _header(sheet, HEADERS)
    for row in rows:
        f = row.fault
        item = catalog.get(f.item_code or "")
        append(sheet, (
            f.case_no, china_time(f.filed_at), towns.get(f.town_code or "", f.town_code or ""),
            points.get(f.point_code or "", f.point_code or "（乡镇）"), f.reporter_name,
            vocab.label(vocab.CATEGORIES, f.category), vocab.label(vocab.LINES, f.line),
            f"{item.code}. {item.name}" if item else "", f.description, f.suggestion,
            vocab.label(vocab.LEVELS, f.level), role_label(f.holder_role) if f.holder_role else "",
            "、".join(row.holders), china_time(row.level_due), "是" if row.level_overdue else "",
            row.age_days, row.state_label, f.escalations, f.reopens, china_time(f.closed_at),
        ))
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    for cells in sheet.iter_rows(min_row=2, min_col=9, max_col=10):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _counts_sheet(sheet: Worksheet, counts: Counts, catalog: Catalog, towns: dict[str, str], period: str) -> None:
    sheet.title = "分类统计"
    append(sheet, (f"统计期间：{period}", f"问题总数：{counts.total}"))
    tables = (
        ("问题分类", {vocab.label(vocab.CATEGORIES, k): v for k, v in counts.by_category.items()}),
        ("业务类别", {vocab.label(vocab.LINES, k): v for k, v in counts.by_line.items()}),
        ("乡镇", {towns.get(k, k or "—"): v for k, v in counts.by_town.items()}),
        ("涉及事项", {(f"{i.code}. {i.name}" if (i := catalog.get(k)) else k): v for k, v in counts.by_item.items()}),
    )
    for title, table in tables:
        append(sheet, ())
        append(sheet, (title, "问题数"))
        sheet[sheet.max_row][0].font = sheet[sheet.max_row][1].font = Font(bold=True)
        for key, value in table.items():
            append(sheet, (key, value))
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 14


def ledger_workbook(rows: list[LedgerRow], counts: Counts, catalog: Catalog, towns: dict[str, str],
                    points: dict[str, str], period: str) -> bytes:
    """Return the ledger and its counts as an .xlsx file's bytes."""
    book = Workbook()
    _ledger_sheet(book.active, rows, catalog, towns, points)
    _counts_sheet(book.create_sheet(), counts, catalog, towns, period)
    return workbook_bytes(book)
