"""The case page says a case waits for the province: since when, how its sending stands, when the result is due."""

from __future__ import annotations

import html
import re

import pytest

from app.province import outbox
from app.province.adapters import make_adapter
from app.province.exchange import import_results
from app.province.sender import send_pending
from engine.queries import get_case
from tests.app.fake_province import FakeProvince
from tests.app.test_province_exchange import results_file
from tests.app.test_province_http import approved_claim, outbox_rows, settings_for
from tests.factories import do, unemployment_registration
from tests.web import logged_in

WAITING = "已报送省级经办系统，等待办理结果"


@pytest.fixture
def province(clock):
    with FakeProvince(clock) as fake:
        yield fake


def province_part(client, case: int) -> str:
    """Return the case page's province section as plain text, one space between words."""
    page = client.get(f"/cases/{case}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    if "<h3>省级经办</h3>" not in text:
        return ""
    part = text[text.index("<h3>省级经办</h3>"):]
    part = part[:part.index("<h3>文书与附件</h3>")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", part))).strip()


def test_the_case_page_follows_the_handoff_from_queue_to_result(web, engine, store, clock, province, tmp_path):
    case = approved_claim(engine)
    clerk = logged_in(web, "clerk1")
    due = get_case(store, case).due_at
    assert due is not None
    part = province_part(clerk, case)
    (row,) = outbox_rows(store)
    assert WAITING in part and row.idempotency_key in part
    steps = clerk.get(f"/cases/{case}").get_data(as_text=True).split("<h2>当前步骤</h2>")[1].split("</ul>")[0]
    assert WAITING in steps and "没有待办步骤" not in steps
    assert "报送时间 2026-11-23 10:00" in part and "待发送（已排队）" in part
    assert f"结果应于 {due.astimezone(clock().tzinfo):%Y-%m-%d %H:%M} 前办结（办结时限：5个工作日）" in part

    settings = settings_for(province, max_attempts=2, backoff_seconds=10)
    adapter = make_adapter(settings, engine.clock)
    province.failures = 2
    send_pending(engine, adapter, settings)
    part = province_part(clerk, case)
    assert WAITING in part and "发送中：已尝试 1 次，上次失败：省平台返回 HTTP 503" in part
    clock.advance(seconds=10)
    send_pending(engine, adapter, settings)
    part = province_part(clerk, case)
    assert WAITING in part and "报送失败（死信）：已尝试 2 次，上次失败：省平台返回 HTTP 503" in part

    with store.session(write=True) as s:  # a supervisor puts the dead letter back in the queue
        outbox.retry(s, row.id, clock())
    clock.advance(minutes=5)
    assert send_pending(engine, adapter, settings).sent == 1
    part = province_part(clerk, case)
    assert WAITING in part and "已送达省级经办系统（发送 1 次）" in part
    assert "报送时间 2026-11-23 10:00（2026-11-23 10:05 送达省级经办系统）" in part
    assert "省级办理结果" not in part

    clock.advance(hours=2)
    path = results_file(tmp_path, [(row.idempotency_key, "不通过", "失业前缴费不满一年")])
    report = import_results(engine, path, "backbone1", {})
    assert report.errors == []
    clerk = logged_in(web, "clerk1")  # the earlier login has idled out meanwhile
    part = province_part(clerk, case)
    assert WAITING not in part and "结果应于" not in part
    assert "省级办理结果 不予通过：失业前缴费不满一年（2026-11-23 12:05 收到）" in part
    assert "已收到办理结果" in part
    do(engine, case, "notify_applicant", {"notify_method": "phone"})
    assert "不予通过：失业前缴费不满一年" in province_part(clerk, case)  # the finished case keeps the line


def test_a_case_that_sent_nothing_has_no_province_section(web, engine):
    case = unemployment_registration(engine)
    assert province_part(logged_in(web, "clerk1"), case) == ""
