"""Headless chromium on the SLA page: the point filter suggests at most 20 points as one types, and works without JS."""

from __future__ import annotations

import pytest

from tests.e2e.browser import browser_page, require_chromium, serve
from tests.web import make_app

require_chromium()


@pytest.fixture
def server(store, clock):
    with serve(make_app(store, clock)) as url:
        yield url


def login(page, server, username):
    page.goto(f"{server}/login")
    page.fill("#username", username)
    page.fill("#password", "Cuncun@2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/inbox")


def test_point_filter_suggests_from_the_search_endpoint(server):
    with browser_page() as page:
        login(page, server, "supervisor1")
        page.goto(f"{server}/sla")
        assert page.locator("select[name=point]").count() == 0
        page.type("#point", "第01")
        page.wait_for_function("document.querySelectorAll('#point-choices option').length > 0")
        options = page.eval_on_selector_all("#point-choices option", "os => os.map(o => [o.value, o.label])")
        assert len(options) == 13  # each town's 第01村 and 龙港镇第01社区; never the county's 204
        assert ["LG-C01", "龙港镇第01社区（待更名）（龙港镇）"] in options
        page.fill("#point", "")
        page.type("#point", "张村乡第0")
        page.wait_for_function("[...document.querySelectorAll('#point-choices option')].every("
                               "o => o.value.startsWith('ZAC-'))")
        assert len(page.eval_on_selector_all("#point-choices option", "os => os")) == 7
        page.fill("#point", "ZAC-V03")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**/sla?*point=ZAC-V03*")
        assert page.input_value("#point") == "ZAC-V03"
        assert "张村乡第03村（待更名）" in page.inner_text("form.filters")


def test_point_filter_without_javascript_takes_a_typed_code(server):
    with browser_page(java_script_enabled=False) as page:
        login(page, server, "supervisor1")
        page.goto(f"{server}/sla")
        page.fill("#point", "zz-v01")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**/sla?*point=zz-v01*")
        assert page.input_value("#point") == "ZZ-V01"
        assert page.locator("#point-choices option").count() == 0
