"""Headless Debian chromium walks item 11 through the real pages: clerk, reviewer, clerk; and a bad ID number."""

from __future__ import annotations

import pytest

from tests.e2e.browser import browser_page, require_chromium, serve
from tests.web import make_app

require_chromium()


@pytest.fixture
def server(engine, store, clock):
    with serve(make_app(store, clock)) as url:
        yield url


@pytest.fixture
def page(server):
    with browser_page() as page:
        yield page


def login(page, server, username):
    page.goto(f"{server}/login")
    page.fill("#username", username)
    page.fill("#password", "Cuncun@2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/inbox")


def logout(page):
    page.click("header form button")
    page.wait_for_url("**/login")


def open_task(page, server, title):
    page.goto(f"{server}/inbox")
    page.click(f"table.tasks a:has-text('{title}')")


def test_item11_from_counter_to_finished(page, server):
    login(page, server, "clerk1")
    page.goto(f"{server}/cases/new?q=失业登记")
    page.click("a:has-text('11. 失业登记')")
    page.fill("#applicant_id_number", "11010519491231002X")
    page.fill("#applicant_name", "张三")
    page.check("input[name=channel][value=counter]")
    page.click("#start-form button[type=submit]")
    page.wait_for_selector("h1:has-text('核验身份证件')")
    page.check("input[name=identity_document][value=id_card]")
    page.check("#identity_confirmed")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("h1:has-text('受理登记')")
    page.fill("#unemployment_date", "2026-11-01")
    page.check("input[name=unemployment_reason][value=contract_expired]")
    page.fill("#contact_phone", "13800138000")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("h1:has-text('核验材料')")
    page.check("input[name=materials_received]")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("text=县局审核人")  # the case page: the next step is the county's
    case_url = page.url
    logout(page)

    login(page, server, "reviewer1")
    open_task(page, server, "县局审核")
    panel = page.locator("#casefile")  # the case file: what the clerk entered, shown to the reviewer
    assert panel.is_visible()
    text = panel.inner_text()
    for shown in ("受理登记", "失业日期", "2026-11-01", "合同期满终止", "13800138000",
                  "本人身份证或社会保障卡：已收到"):
        assert shown in text, shown
    assert "contract_expired" not in text
    page.check("input[name=decision][value=approve]")
    page.click("form.form button[type=submit]")
    logout(page)

    login(page, server, "clerk1")
    open_task(page, server, "告知办理结果")
    page.check("input[name=notify_method][value=in_person]")
    page.click("form.form button[type=submit]")
    page.goto(case_url)
    assert "已办结" in page.inner_text("dl.facts")


def test_invalid_id_number_shows_chinese_error_and_keeps_fields(page, server):
    login(page, server, "clerk1")
    page.goto(f"{server}/cases/new/11")
    page.fill("#applicant_id_number", "110105194912310021")
    page.fill("#applicant_name", "李四")
    page.check("input[name=channel][value=home_visit]")
    page.click("#start-form button[type=submit]")
    page.wait_for_selector(".field-error")
    assert "身份证号码校验码错误" in page.inner_text("#field-applicant_id_number")
    assert page.input_value("#applicant_name") == "李四"
    assert page.input_value("#applicant_id_number") == "110105194912310021"
    assert page.is_checked("input[name=channel][value=home_visit]")
