"""Export personnel ledgers to .xlsx in the layout of 附件7: one sheet per point."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from app.accounts.ledger import HEADERS, NOTE, TITLE, PointLedger
from app.spreadsheets import put, workbook_bytes

_WIDTHS = (6, 12, 12, 26, 16, 15, 16, 12, 14, 12)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _sheet(workbook: Workbook, ledger: PointLedger, first: bool) -> None:
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = ledger.point.code[:31]  # codes are unique and short; names may repeat across towns
    last = get_column_letter(len(HEADERS))
    for row, text, size in ((1, TITLE, 16), (2, ledger.heading, 13)):
        sheet.merge_cells(f"A{row}:{last}{row}")
        put(sheet, row, 1, text).font = Font(bold=True, size=size)
        sheet.cell(row, 1).alignment = _CENTRE
    sheet.merge_cells(f"A3:{last}3")
    put(sheet, 3, 1, NOTE)
    for column, header in enumerate(HEADERS, start=1):
        cell = put(sheet, 4, column, header)
        cell.font, cell.alignment, cell.border = Font(bold=True), _CENTRE, _BOX
        sheet.column_dimensions[get_column_letter(column)].width = _WIDTHS[column - 1]
    for offset, line in enumerate(ledger.rows):
        for column, value in enumerate(line.cells(), start=1):
            cell = put(sheet, 5 + offset, column, value)
            cell.border, cell.alignment = _BOX, Alignment(vertical="center", wrap_text=True)
    sheet.print_title_rows = "4:4"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def ledger_workbook(ledgers: list[PointLedger]) -> bytes:
    """Return an .xlsx file with one 附件7 sheet per point (an empty table for a point with no staff)."""
    workbook = Workbook()
    for index, ledger in enumerate(ledgers):
        _sheet(workbook, ledger, first=index == 0)
    if not ledgers:
        workbook.active.title = "人员台账"
        put(workbook.active, 1, 1, TITLE)
    return workbook_bytes(workbook)
