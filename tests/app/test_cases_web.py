"""The counter's pages through Flask's test client: start, inbox, task forms, case page, printouts, scoping."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.models import InboxTask, ProcessInstance
from tests.factories import ACCEPT, VERIFY, do, end_unemployment_registration, unemployment_registration
from tests.web import logged_in, login, post, token

VALID_ID = "11010519491231002X"


@pytest.fixture
def clerk(web):
    client = web.test_client()
    login(client, "clerk1")
    return client


def start_item11(client, **fields):
    data = {"applicant_id_number": VALID_ID, "applicant_name": "张三", "channel": "counter", **fields}
    page = client.get("/cases/new/11").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    return client.post("/cases/new/11", data={**data, "request_key": key, "csrf_token": token(client, "/cases/new/11")})


def cases(store):
    with store.session() as s:
        return s.scalars(select(ProcessInstance).order_by(ProcessInstance.id)).all()


def task_url(store, case_id, bpmn_id):
    with store.session() as s:
        task_id = s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case_id,
                                                            InboxTask.bpmn_id == bpmn_id))
    return f"/tasks/{task_id}"


def submit(client, store, case_id, bpmn_id, data):
    url = task_url(store, case_id, bpmn_id)
    return post(client, url, data)


def test_item_search_lists_items_for_the_point(clerk):
    page = clerk.get("/cases/new?q=失业").get_data(as_text=True)
    assert "失业登记" in page and "失业保险金申领" in page
    assert "城乡居民征缴" not in clerk.get("/cases/new").get_data(as_text=True)  # demo-only, basic point


def test_start_goes_to_identity_check_and_double_submit_makes_one_case(clerk, store):
    page = clerk.get("/cases/new/11").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    data = {"applicant_id_number": VALID_ID.lower(), "applicant_name": "张三", "channel": "counter",
            "request_key": key, "csrf_token": token(clerk, "/cases/new/11")}
    first = clerk.post("/cases/new/11", data=data)
    second = clerk.post("/cases/new/11", data=data)
    (case,) = cases(store)
    assert first.headers["Location"] == second.headers["Location"] == task_url(store, case.id, "verify_identity")
    assert case.applicant_id_number == VALID_ID and case.point_code == "LG-V01" and case.created_by == "clerk1"


def test_invalid_id_number_is_refused_in_chinese_and_keeps_what_was_typed(clerk, store):
    response = start_item11(clerk, applicant_id_number="110105194912310021", applicant_name="李四", channel="proxy")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "身份证号码校验码错误" in page
    assert 'value="110105194912310021"' in page and 'value="李四"' in page
    assert re.search(r'value="proxy"\s+checked', page)
    assert cases(store) == []


def test_demo_only_item_refused_at_a_basic_point(clerk, store):
    page = clerk.get("/cases/new/D3").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    response = clerk.post("/cases/new/D3", data={"applicant_id_number": VALID_ID, "applicant_name": "张三",
                                                 "channel": "counter", "request_key": key,
                                                 "csrf_token": token(clerk, "/cases/new/D3")})
    assert "只能在示范网点办理" in response.get_data(as_text=True)
    assert cases(store) == []


def start_item23(client):
    page = client.get("/cases/new/23").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    return client.post("/cases/new/23", data={"applicant_id_number": VALID_ID, "applicant_name": "张三",
                                              "ss_card_number": "", "channel": "proxy", "request_key": key,
                                              "csrf_token": token(client, "/cases/new/23")})


@pytest.mark.parametrize(("registration", "message"), [
    (None, "未查到申请人经审核通过的失业登记"),
    ("reject", "失业登记未经县局审核通过"),
    ("ended", "失业登记已于2026-11-20终止（已办理灵活就业登记）"),
])
def test_item23_start_refused_without_an_active_registration_keeps_the_input(clerk, engine, store, registration,
                                                                            message):
    if registration:
        unemployment_registration(engine, "reject" if registration == "reject" else "approve")
    if registration == "ended":
        end_unemployment_registration(engine, VALID_ID)
    response = start_item23(clerk)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert f'value="{VALID_ID}"' in page and 'value="张三"' in page and re.search(r'value="proxy"\s+checked', page)
    assert [c.item_code for c in cases(store)] == (["11"] if registration else [])


def test_item23_starts_with_an_approved_active_registration(clerk, engine, store):
    unemployment_registration(engine)
    response = start_item23(clerk)
    claim = cases(store)[-1]
    assert response.status_code == 302 and claim.item_code == "23"
    assert response.headers["Location"].startswith("/tasks/")


def start_item_page(client, code, channel="counter"):
    page = client.get(f"/cases/new/{code}").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    return client.post(f"/cases/new/{code}", data={"applicant_id_number": VALID_ID, "applicant_name": "张三",
                                                   "ss_card_number": "", "channel": channel, "request_key": key,
                                                   "csrf_token": token(client, f"/cases/new/{code}")})


@pytest.mark.parametrize(("code", "channel", "message"), [
    ("18", "home_visit", "县级记录中没有申请人的培训意向登记，请先办理培训意向登记（事项16）。"),
    ("23", "kiosk_assisted", "未查到申请人经审核通过的失业登记"),
])
def test_record_refusals_keep_the_start_form(clerk, store, code, channel, message):
    response = start_item_page(clerk, code, channel)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert f'value="{VALID_ID}"' in page and 'value="张三"' in page and re.search(rf'value="{channel}"\s+checked', page)
    assert cases(store) == []


def test_item38_start_page_refuses_an_activated_card_and_starts_otherwise(clerk, engine, store):
    assert start_item_page(clerk, "38").status_code == 302
    (first,) = cases(store)
    do(engine, first.id, "verify_identity", VERIFY)
    do(engine, first.id, "item38_accept", {"card_number": "a12345678", "card_checked": "on"})
    response = start_item_page(clerk, "38")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "社会保障卡社保功能已启用（2026-11-23 10:00已启用" in page
    assert f'value="{VALID_ID}"' in page and [c.id for c in cases(store)] == [first.id]


def test_whole_item11_through_the_pages(web, clerk, store, clock):
    start_item11(clerk)
    (case,) = cases(store)
    assert submit(clerk, store, case.id, "verify_identity", VERIFY).status_code == 302
    bad = submit(clerk, store, case.id, "item11_accept", {**ACCEPT, "contact_phone": "12"})
    assert bad.status_code == 422 and "沁水县某公司" in bad.get_data(as_text=True)  # typed values kept
    submit(clerk, store, case.id, "item11_accept", ACCEPT)
    submit(clerk, store, case.id, "check_materials", {"other_missing": "户口簿"})
    notice = clerk.get(f"/cases/{case.id}/notice").get_data(as_text=True)
    assert "一 次 性 告 知 书" in notice and "本人身份证或社会保障卡" in notice and "户口簿" in notice
    submit(clerk, store, case.id, "issue_notice", {"notice_handed_over": "on"})
    submit(clerk, store, case.id, "receive_supplement", {"supplement_note": "已补齐"})
    submit(clerk, store, case.id, "check_materials", {"materials_received": ["本人身份证或社会保障卡"],
                                                      "other_missing": ""})
    reviewer = logged_in(web, "reviewer1")
    assert "县局审核" in reviewer.get("/inbox").get_data(as_text=True)
    assert clerk.get(task_url(store, case.id, "item11_review")).status_code == 403
    submit(reviewer, store, case.id, "item11_review", {"decision": "approve"})
    submit(clerk, store, case.id, "notify_applicant", {"notify_method": "in_person"})
    page = clerk.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "已办结" in page and "县局审核" in page and "reviewer1" in page and "受理" in page
    receipt = clerk.get(f"/cases/{case.id}/receipt").get_data(as_text=True)
    assert case.case_no in receipt and "110***********002X" in receipt


def test_scoping_other_point_gets_403(web, clerk, store):
    start_item11(clerk)
    (case,) = cases(store)
    other = logged_in(web, "clerk2")
    assert other.get(f"/cases/{case.id}").status_code == 403
    assert other.get(task_url(store, case.id, "verify_identity")).status_code == 403
    assert "张三" not in other.get("/inbox").get_data(as_text=True)
    assert logged_in(web, "townstaff1").get(f"/cases/{case.id}").status_code == 200  # same town
    assert logged_in(web, "supervisor1").get(f"/cases/{case.id}").status_code == 200


def test_claim_release_and_marks(web, clerk, store, clock):
    start_item11(clerk)
    (case,) = cases(store)
    url = task_url(store, case.id, "verify_identity")
    task_id = url.rsplit("/", 1)[1]
    post(clerk, f"/tasks/{task_id}/claim", {}, "/inbox")
    with store.session() as s:
        assert s.scalar(select(InboxTask.assignee).where(InboxTask.task_id == task_id)) == "clerk1"
    colleague = logged_in(web, "democlerk")  # another point of the town: cannot take it
    assert post(colleague, f"/tasks/{task_id}/claim", {}, "/inbox").status_code == 403
    post(clerk, f"/tasks/{task_id}/release", {}, "/inbox")
    with store.session() as s:
        assert s.scalar(select(InboxTask.assignee).where(InboxTask.task_id == task_id)) is None
    assert "一个工作日内到期" not in clerk.get("/inbox").get_data(as_text=True)
    clock.set(case.due_at - timedelta(hours=1))
    clerk = logged_in(web, "clerk1")  # days later: the idle login session has ended
    assert "今日到期" in clerk.get("/inbox").get_data(as_text=True)
    clock.set(case.due_at + timedelta(minutes=1))
    clerk = logged_in(web, "clerk1")
    assert "已超期" in clerk.get("/inbox").get_data(as_text=True)


def test_inbox_search_by_id_number_and_case_number(clerk, store):
    start_item11(clerk)
    (case,) = cases(store)
    assert case.case_no in clerk.get(f"/inbox?q={VALID_ID}").get_data(as_text=True)
    assert case.case_no in clerk.get(f"/inbox?q={case.case_no}").get_data(as_text=True)
    assert "没有找到案件" in clerk.get("/inbox?q=QS000").get_data(as_text=True)


def test_pages_need_login(web):
    client = web.test_client()
    assert client.get("/inbox").headers["Location"].startswith("/login")
    assert client.get("/cases/1").headers["Location"].startswith("/login")


def test_case_page_diagram_shows_path_and_where_it_waits(clerk, store):
    start_item11(clerk)
    (case,) = cases(store)
    submit(clerk, store, case.id, "verify_identity", VERIFY)
    page = clerk.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "办理路径" in page and "<svg" in page
    assert re.search(r'class="[^"]*state-done[^"]*" data-element-id="identify_call"', page)
    assert re.search(r'class="[^"]*state-active[^"]*" data-element-id="item11_accept"', page)
    assert re.search(r'class="[^"]*taken[^"]*" data-element-id="[^"]*"', page)
