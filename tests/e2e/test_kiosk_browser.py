"""Headless Debian chromium at a kiosk: a card-read query and a registration end to end, then the idle reset."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.employment.models import JobSeeker
from app.kiosk.models import CitizenSession
from engine.models import ProcessInstance
from tests.api.support import make_api_app, register_kiosk
from tests.e2e.browser import browser_page, require_chromium, serve

IDLE_SECONDS = 5  # short for the test (the least allowed); kiosks default to 60

require_chromium()


@pytest.fixture
def server(engine, store, clock):
    with serve(make_api_app(store, clock, KIOSK_IDLE_SECONDS=IDLE_SECONDS)) as url:
        yield url


@pytest.fixture
def page(server):
    with browser_page(viewport={"width": 1280, "height": 1024}) as page:
        yield page


def test_query_and_registration_then_idle_reset_leaves_nothing(page, server, store, clock):
    _, token = register_kiosk(store, clock(), name="龙港镇第01村自助机")
    page.goto(f"{server}/kiosk/enroll")
    page.fill("#token", token)
    page.click("form button[type=submit]")
    page.wait_for_selector("h1:has-text('请刷身份证或社保卡')")

    # A card reader types the number and Enter into the focused field.
    assert page.evaluate("document.activeElement.id") == "number"
    page.keyboard.type("11010519491231002x")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('请输入您的姓名')")  # the county has no name for this number yet
    page.fill("#name", "张三")
    page.click("form.identify button[type=submit]")
    page.wait_for_selector("h1:has-text('请选择要办理的事项')")
    assert "张*" in page.inner_text("#kiosk-who") and "110***********002X" in page.inner_text("#kiosk-who")

    # A query: 岗位信息查询（固定工）.
    page.click("[data-item='3']")
    page.wait_for_selector("h1:has-text('填写查询条件')")
    page.fill("#query_keyword", "煤")
    page.click("form.kiosk-form button[type=submit]")
    page.wait_for_selector("#results")
    assert "已办结" in page.inner_text("main")
    assert "没有找到符合条件的固定工岗位信息" in page.inner_text("#results")
    case_no = page.inner_text("#case-no")
    page.click("#print-slip")
    page.wait_for_selector(".slip")
    assert case_no in page.inner_text(".slip") and "110***********002X" in page.inner_text(".slip")

    # A registration: 求职登记（零工）.
    page.click("a:has-text('返回首页')")
    page.click("[data-item='4']")
    page.wait_for_selector("h1:has-text('登记求职信息（零工）')")
    page.fill("#seeker_phone", "13800138000")
    page.check("input[name=seeker_job_types][value=loading]")
    page.fill("#seeker_min_pay", "150")
    page.click("form.kiosk-form button[type=submit]")
    page.wait_for_selector("#results")
    assert "零工求职登记已办理" in page.inner_text("#results")

    # Left alone, the kiosk returns to its start page and forgets the citizen.
    page.wait_for_url("**/kiosk/?timeout=1", timeout=(IDLE_SECONDS + 10) * 1000)
    screen = page.inner_text("body")
    assert "已自动退出" in screen
    for trace in ("张", "002X", "002x", case_no, "零工求职登记", "煤", "您好"):
        assert trace not in screen, trace
    assert page.input_value("#number") == ""
    page.goto(f"{server}/kiosk/items")  # nothing to go back to: the server ended the session too
    page.wait_for_selector("h1:has-text('请刷身份证或社保卡')")
    with store.session() as s:
        session = s.scalar(select(CitizenSession))
        assert (session.ended_reason, session.id_number, session.name) == ("idle", None, None)
        assert [c.status for c in s.scalars(select(ProcessInstance).order_by(ProcessInstance.id))] == [
            "completed", "completed"]
        assert s.scalar(select(JobSeeker.name)) == "张三"
