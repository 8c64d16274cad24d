"""The personnel ledger (附件7): scoped pages per point and per town, kept in step with account requests,
exported to .xlsx in the layout of 附件7."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.accounts import services
from app.accounts.ledger import HEADERS, NOTE, TITLE, point_ledger
from app.auth.models import User
from engine.idcard import check_character
from tests.factories import do
from tests.web import logged_in

PERSON_ID = "14052119920815003"
PERSON_ID += check_character(PERSON_ID)
NEW = {"request_kind": "new", "account_username": "sunmei", "account_role": "clerk", "account_binding": "LG-V01",
       "staff_type": "full_time", "person_name": "孙梅", "person_unit": "龙港镇第01村村民委员会",
       "person_post": "就业社保专干", "person_id_number": PERSON_ID, "person_phone": "13935600021",
       "system_name": "", "request_reason": "配备专职人员", "contact_person": "联系人",
       "contact_phone": "13935600022"}


@pytest.fixture
def approved(web, engine, store):
    """A new full-time operator at LG-V01, filed by the town and approved."""
    with store.session() as s:
        filer = s.scalar(select(User).where(User.username == "townstaff1"))
    case = services.file_request(engine, filer, NEW)
    do(engine, case, "account_review", {"account_decision": "approve", "account_opinion": "同意。"}, "reviewer1")
    return case


def test_point_ledger_is_kept_in_step_with_requests(approved, store, clock):
    with store.session() as s:
        ledger = point_ledger(s, "LG-V01", clock())
    rows = {r.username: r for r in ledger.rows}
    assert set(rows) == {"clerk1", "sunmei"}
    assert rows["sunmei"].cells()[1:] == ("孙梅", "专职人员", "龙港镇第01村村民委员会", "就业社保专干", "13935600021",
                                         "sunmei", "业务操作员", "窗口经办人", "待首次改密")
    assert rows["clerk1"].staff_type == "未登记" and rows["clerk1"].state == "正常"  # seeded without a request
    assert ledger.authorised is not None and ledger.authorised.instance_id == approved
    assert ledger.authorised.note == "账号 sunmei；此前已有未经账号申请开通的在用账号：clerk1"


def test_point_ledger_page_is_scoped(web, approved):
    clerk = logged_in(web, "clerk1")
    assert clerk.get("/accounts/ledger").headers["Location"] == "/accounts/ledger/points/LG-V01"
    page = clerk.get("/accounts/ledger/points/LG-V01").get_data(as_text=True)
    assert "孙梅" in page and "专职人员" in page and "工作人员授权：已完成" in page and NOTE in page
    assert clerk.get("/accounts/ledger/points/ZZ-V01").status_code == 403
    assert clerk.get("/accounts/ledger/towns/LG").status_code == 403
    assert clerk.get("/accounts/ledger/points/LG-V01/export.xlsx").status_code == 200
    assert logged_in(web, "clerk2").get("/accounts/ledger/points/LG-V01").status_code == 403


def test_town_ledger_page_and_county_index(web, approved):
    town = logged_in(web, "townstaff1")
    assert town.get("/accounts/ledger").headers["Location"] == "/accounts/ledger/towns/LG"
    page = town.get("/accounts/ledger/towns/LG").get_data(as_text=True)
    assert "龙港镇各网点概况" in page and "孙梅" in page and "演示经办人（龙港镇示范网点）" in page
    assert "演示经办人（郑庄镇第01村）" not in page
    assert town.get("/accounts/ledger/towns/ZZ").status_code == 403
    assert town.get("/accounts/ledger/points/LG-V02").status_code == 200
    county = logged_in(web, "supervisor1")
    index = county.get("/accounts/ledger").get_data(as_text=True)
    assert "龙港镇" in index and "张村乡" in index
    assert county.get("/accounts/ledger/towns/ZZ").status_code == 200


def test_xlsx_export_has_the_layout_headers_and_rows(web, approved):
    response = logged_in(web, "townstaff1").get("/accounts/ledger/towns/LG/export.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.data))
    assert len(workbook.sheetnames) == 36 and workbook.sheetnames[0] == "LG-D"  # one sheet per point of 龙港镇
    sheet = workbook["LG-V01"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == TITLE and rows[1][0] == "龙港镇 龙港镇第01村（待更名） 就业社保服务点人员台账"
    assert rows[2][0] == NOTE and rows[3] == HEADERS
    assert [r[6] for r in rows[4:]] == ["clerk1", "sunmei"]
    assert rows[5] == (2, "孙梅", "专职人员", "龙港镇第01村村民委员会", "就业社保专干", "13935600021", "sunmei",
                       "业务操作员", "窗口经办人", "待首次改密")
    point = load_workbook(BytesIO(logged_in(web, "clerk1").get("/accounts/ledger/points/LG-V01/export.xlsx").data))
    assert point.sheetnames == ["LG-V01"] and point["LG-V01"].max_row == 6


def test_frozen_and_cancelled_accounts_show_their_state(web, engine, store, clock, approved):
    with store.session() as s:
        admin = s.scalar(select(User).where(User.username == "admin1"))
    for kind in ("freeze", "cancel"):
        case = services.file_request(engine, admin, {"request_kind": kind, "account_username": "sunmei",
                                                     "request_reason": "调离", "contact_person": "联系人",
                                                     "contact_phone": "13935600023"})
        do(engine, case, "account_review", {"account_decision": "approve", "account_opinion": "同意。"}, "reviewer1")
        with store.session() as s:
            state = {r.username: r.state for r in point_ledger(s, "LG-V01", clock()).rows}["sunmei"]
        assert state == ("已冻结" if kind == "freeze" else "已注销")
