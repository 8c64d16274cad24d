"""The one way our .xlsx exports write cells and save: user text stays text, never a live formula.

Clerks, citizens and staff type the text we export (fault descriptions, names, task titles). Text such as
`=HYPERLINK(...)` or `@SUM(A1)` must reach Excel as text: it is stored as a string cell with Excel's
quote prefix, so it is neither evaluated on opening nor turned into a formula when someone edits the cell.
Our exports write no formulas of their own, so every formula-looking cell is user text.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# What Excel, LibreOffice and WPS read as the start of a formula when a cell is typed or edited.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def clean(value: Any) -> Any:
    """Return a value a cell can hold: text loses the control characters .xlsx cannot store."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def neutralise(cell: Cell) -> Cell:
    """Make a text cell plain text: a string cell, quote-prefixed when it looks like a formula."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl made "=..." a formula on assignment
        cell.quotePrefix = True
    return cell


def put(sheet: Worksheet, row: int, column: int, value: Any = None) -> Cell:
    """Write one cell safely and return it."""
    cell = sheet.cell(row=row, column=column)
    cell.value = clean(value)
    return neutralise(cell)


def append(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append a row safely; numbers and dates stay typed."""
    sheet.append([clean(v) for v in values])
    for cell in sheet[sheet.max_row]:
        neutralise(cell)


def workbook_bytes(book: Workbook) -> bytes:
    """Return the workbook as .xlsx bytes, checking every cell once more so no written text is a formula."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                neutralise(cell)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
