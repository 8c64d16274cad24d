"""Export the report tables to .xlsx (openpyxl) with the attachments' titles, headers and numbered columns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.org.profiles import PROFILE_FIELDS
from app.reports.tables import DetailTown, FundsRow, ProgressRow, SummaryRow
from app.reports.vocab import (
    DETAIL_GROUPS,
    DETAIL_HEADERS,
    DETAIL_MILESTONES,
    DETAIL_NOTES,
    DETAIL_TITLE,
    FUNDS_HEADERS,
    PROGRESS_HEADERS,
    SIGNATURE,
    SUMMARY_HEADERS,
    SUMMARY_MILESTONES,
    SUMMARY_NOTE,
    SUMMARY_TITLE,
)
from app.spreadsheets import append, put, workbook_bytes

PERCENT = "0.0%"
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _title(sheet: Worksheet, title: str, width: int, period: str) -> None:
    append(sheet, (title,))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font, sheet["A1"].alignment = Font(bold=True, size=14), CENTER
    append(sheet, (SIGNATURE, *[""] * (width - 3), "填报期间：", period))


def _bold(sheet: Worksheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font, cell.alignment = Font(bold=True), CENTER


def _rate(sheet: Worksheet, row: int, column: int, value) -> None:
    cell = put(sheet, row, column, None if value is None else float(value))
    cell.number_format = PERCENT


def _widths(sheet: Worksheet, widths: Iterable[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def summary_workbook(rows: Sequence[SummaryRow], total: SummaryRow, period: str, county: str) -> bytes:
    """Return 附件4 (调度汇总表) as .xlsx: one line per town, each milestone's count and rate, the county total."""
    book = Workbook()
    sheet = book.active
    sheet.title = "调度汇总表"
    _title(sheet, SUMMARY_TITLE.format(county=county), len(SUMMARY_HEADERS), period)
    append(sheet, SUMMARY_HEADERS)
    append(sheet, tuple(range(1, len(SUMMARY_HEADERS) + 1)))
    _bold(sheet, 3)
    for line in (*rows, total):
        append(sheet, (line.name, line.points))
        at = sheet.max_row
        for n, (milestone, _) in enumerate(SUMMARY_MILESTONES):
            put(sheet, at, 3 + 2 * n, line.done.get(milestone, 0))
            _rate(sheet, at, 4 + 2 * n, line.rate(milestone))
    append(sheet, ("备注", SUMMARY_NOTE))
    sheet.merge_cells(start_row=sheet.max_row, start_column=2, end_row=sheet.max_row, end_column=len(SUMMARY_HEADERS))
    _widths(sheet, (10, 10, *[9] * 14))
    return workbook_bytes(book)


def detail_workbook(blocks: Sequence[DetailTown], period: str, county: str) -> bytes:
    """Return 附件5 (调度明细表) as .xlsx: a line per town (counts) and a line per village or community point."""
    book = Workbook()
    sheet = book.active
    sheet.title = "调度明细表"
    width = len(DETAIL_HEADERS)
    _title(sheet, DETAIL_TITLE.format(county=county), width, period)
    column = 1
    group_row = [""] * width
    for label, span in DETAIL_GROUPS:
        group_row[column - 1] = label
        column += span
    append(sheet, group_row)
    append(sheet, DETAIL_HEADERS)
    append(sheet, tuple(range(1, width + 1)))
    sheet.merge_cells("A3:A4")
    column = 2
    for _, span in DETAIL_GROUPS[1:]:
        sheet.merge_cells(start_row=3, start_column=column, end_row=3, end_column=column + span - 1)
        column += span
    for row in (3, 4, 5):
        _bold(sheet, row)
    for block in blocks:
        append(sheet, (block.town.name, block.total, block.villages or None, block.communities or None))
        for line in block.points:
            p = line.point
            profile = [line.profile.get(name) or None for name, _, _ in PROFILE_FIELDS]  # columns 6-10
            append(sheet, (block.town.name, None, None, None, p.name, *profile,
                          *(line.flag(m) for m, _ in DETAIL_MILESTONES)))
    append(sheet, ("备注",))
    for note in DETAIL_NOTES:
        append(sheet, (note,))
    _widths(sheet, (10, 6, 8, 8, 26, 10, 10, 14, 14, 16, *[9] * 6))
    return workbook_bytes(book)


def progress_workbook(rows: Sequence[ProgressRow], title: str, period: str) -> bytes:
    """Return the progress report (附件3's tasks and how far the points are) as .xlsx."""
    book = Workbook()
    sheet = book.active
    sheet.title = "工作任务进度表"
    _title(sheet, title, len(PROGRESS_HEADERS), period)
    append(sheet, PROGRESS_HEADERS)
    _bold(sheet, 3)
    for r in rows:
        append(sheet, (r.no, r.task, r.team, r.limit, r.points, r.done, None, r.points - r.done))
        _rate(sheet, sheet.max_row, 7, r.rate)
    _widths(sheet, (6, 44, 12, 16, 10, 10, 10, 10))
    return workbook_bytes(book)


def funds_workbook(rows: Sequence[FundsRow], total: FundsRow, title: str, period: str) -> bytes:
    """Return the funds execution report (subsidy due, allocated and arrived per town) as .xlsx."""
    book = Workbook()
    sheet = book.active
    sheet.title = "资金执行情况"
    _title(sheet, title, len(FUNDS_HEADERS), period)
    append(sheet, FUNDS_HEADERS)
    _bold(sheet, 3)
    for r in (*rows, total):
        append(sheet, (r.name, r.points, r.operating, r.due_fen / 100, r.allocated_fen / 100, r.arrived_fen / 100,
                      None, r.arrived_points))
        _rate(sheet, sheet.max_row, 7, r.rate)
        for column in (4, 5, 6):
            sheet.cell(row=sheet.max_row, column=column).number_format = "#,##0.00"
    _widths(sheet, (10, 10, 12, 14, 14, 14, 10, 14))
    return workbook_bytes(book)
