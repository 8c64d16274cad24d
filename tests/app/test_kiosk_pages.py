"""The kiosk's touch pages through Flask's test client: enrol, identify, do an item, print, help, reset."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.kiosk import cardread, services
from app.kiosk.models import CitizenSession
from engine.models import InboxTask, ProcessInstance
from tests.api.support import CITIZEN_A, CITIZEN_B, make_api_app, read_moment, register_kiosk
from tests.web import token


@pytest.fixture
def web(engine, store, clock):
    return make_api_app(store, clock)


def enrol(web, store, clock, point="LG-V01"):
    client = web.test_client()
    kiosk_id, raw = register_kiosk(store, clock(), point=point, name="龙港镇第01村自助机")
    response = client.post("/kiosk/enroll", data={"token": raw, "csrf_token": token(client, "/kiosk/enroll")})
    assert response.status_code == 302
    client.kiosk_id, client.kiosk_token = kiosk_id, raw
    return client


@pytest.fixture
def kiosk(web, store, clock):
    return enrol(web, store, clock)


def post(client, path, data, form_page="/kiosk/"):
    return client.post(path, data={**data, "csrf_token": token(client, form_page)})


def card_read(client, number=CITIZEN_A, document="id_card", token=None):
    """Return the fields a card read posts: the reader's moment and its signature with the kiosk's token."""
    read_at = read_moment(client.application.extensions["cuncun.engine"].clock())
    return {"document": document, "read_at": read_at,
            "signature": cardread.sign(token or client.kiosk_token, document, number, read_at)}


def identify(client, number=CITIZEN_A, *, card=True, **extra):
    """Identify at the kiosk by a card read (default) or, with card=False, a typed number."""
    read = card_read(client, number.strip().upper()) if card else {}
    return post(client, "/kiosk/identify", {"number": number, **read, **extra})


def text(response):
    return response.get_data(as_text=True)


def start(client, code):
    page = text(client.get("/kiosk/items"))
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    return post(client, f"/kiosk/items/{code}/start", {"request_key": key}, "/kiosk/items")


def test_an_unenrolled_or_revoked_kiosk_shows_a_chinese_401_page(web, store, clock):
    client = web.test_client()
    response = client.get("/kiosk/")
    assert response.status_code == 401 and "本机暂停服务" in text(response)
    kiosk = enrol(web, store, clock)
    assert kiosk.get("/kiosk/").status_code == 200
    with store.session(write=True) as s:
        services.revoke_kiosk(s, kiosk.kiosk_id, actor="admin1", now=clock())
    response = kiosk.get("/kiosk/")
    assert response.status_code == 401 and "吊销" in text(response)


def test_enrolling_needs_a_kiosk_token(web):
    client = web.test_client()
    response = client.post("/kiosk/enroll", data={"token": "ck_wrong", "csrf_token": token(client, "/kiosk/enroll")})
    assert response.status_code == 422 and "令牌无效" in text(response)


def test_start_page_is_large_chinese_and_focuses_the_number_field(kiosk):
    page = text(kiosk.get("/kiosk/"))
    assert "请刷身份证或社保卡" in page and 'id="number"' in page and "autofocus" in page
    assert 'data-idle-seconds="60"' in page and "kiosk.js" in page and 'class="keypad' in page


def test_card_reader_input_with_spaces_and_full_width_digits_identifies(kiosk, store):
    response = identify(kiosk, " １１０１０５１９４９１２３１００２x\r\n", name="张三")
    assert response.status_code == 302 and response.headers["Location"].endswith("/kiosk/items")
    page = text(kiosk.get("/kiosk/items"))
    assert "张*" in page and "110***********002X" in page and CITIZEN_A not in page


def test_bad_number_is_explained_and_no_session_opens(kiosk, store):
    response = identify(kiosk, "110105194912310021")
    assert response.status_code == 422 and "校验码错误" in text(response)
    with store.session() as s:
        assert s.scalar(select(CitizenSession)) is None


def test_a_person_unknown_to_the_county_is_asked_for_a_name(kiosk):
    page = text(identify(kiosk, CITIZEN_B))
    assert "请输入您的姓名" in page and "140***********0013" in page
    assert identify(kiosk, CITIZEN_B, name="").status_code == 422
    assert identify(kiosk, CITIZEN_B, name="李四").status_code == 302


def test_items_page_offers_self_service_and_help_for_the_rest(kiosk):
    identify(kiosk, name="张三")
    page = text(kiosk.get("/kiosk/items"))
    assert 'href="/kiosk/items/3/new"' in page and 'action="/kiosk/items/13/start"' in page
    assert "/kiosk/items/11/" not in page
    assert "需工作人员核验或审核" in page and 'value="11"' in page  # item 11 → 帮办
    assert "企业职工养老保险参保情况查询" in page and "灵活就业人员" not in page  # item 20 is counter-only


def test_query_end_to_end_with_result_and_slip(kiosk, store):
    identify(kiosk, name="张三")
    response = start(kiosk, "3")
    case_url = response.headers["Location"]
    form = text(kiosk.get(case_url))
    assert "填写查询条件" in form and 'name="query_keyword"' in form
    task_id = re.search(r'/tasks/([0-9a-f-]+)"', form).group(1)
    response = post(kiosk, f"{case_url}/tasks/{task_id}", {"query_keyword": "煤"}, case_url)
    assert response.status_code == 302
    result = text(kiosk.get(case_url))
    assert "已办结" in result and "没有找到符合条件的固定工岗位信息" in result and "打印凭条" in result
    slip = text(kiosk.get(f"{case_url}/slip"))
    assert "自助服务凭条" in slip and "110***********002X" in slip and CITIZEN_A not in slip
    with store.session() as s:
        case = s.scalar(select(ProcessInstance))
    assert (case.channel, case.status, case.created_by) == ("kiosk", "completed", f"kiosk:{kiosk.kiosk_id}")
    assert case.case_no in slip


def cases(store):
    with store.session() as s:
        return s.scalars(select(ProcessInstance).order_by(ProcessInstance.id)).all()


def test_first_form_comes_before_the_case_so_walking_away_leaves_nothing(kiosk, store):
    identify(kiosk, name="张三")
    form = text(kiosk.get("/kiosk/items/1/new"))
    assert "登记求职信息（固定工）" in form and "张三" in form and 'name="seeker_phone"' in form
    assert "需修改的内容" not in form  # an empty read-only field is left out
    assert cases(store) == []
    response = post(kiosk, "/kiosk/items/1/new", {"seeker_phone": "12", "seeker_min_pay": "3000"},
                    "/kiosk/items/1/new")
    page = text(response)
    assert response.status_code == 422 and "请选择求职工种" in page and 'value="3000"' in page
    assert cases(store) == []
    response = post(kiosk, "/kiosk/items/1/new", {"seeker_phone": "13800138000", "seeker_min_pay": "3000",
                                                  "seeker_job_types": "factory", "seeker_available_from": "2026-11-23"},
                    "/kiosk/items/1/new")
    assert response.status_code == 302
    (case,) = cases(store)
    assert case.status == "completed" and "固定工求职登记已办理" in text(kiosk.get(response.headers["Location"]))


def test_first_form_of_an_item_without_one_goes_back_to_the_list(kiosk):
    identify(kiosk, name="张三")
    assert kiosk.get("/kiosk/items/13/new").headers["Location"].endswith("/kiosk/items")
    assert kiosk.get("/kiosk/items/11/new").headers["Location"].endswith("/kiosk/items")


def test_an_application_cannot_be_started_by_posting_directly(kiosk):
    identify(kiosk, name="张三")
    response = post(kiosk, "/kiosk/items/11/start", {}, "/kiosk/items")
    assert response.status_code == 403 and "帮办" in text(response)


def test_another_citizens_case_is_refused(web, store, clock):
    first = enrol(web, store, clock)
    identify(first, name="张三")
    case_url = start(first, "13").headers["Location"]
    second = enrol(web, store, clock)
    identify(second, CITIZEN_B, name="李四")
    response = second.get(case_url)
    assert response.status_code == 403 and "本人" in text(response)
    assert second.get(f"{case_url}/slip").status_code == 403


def test_my_cases_are_paged(kiosk):
    identify(kiosk, name="张三")
    for _ in range(9):
        start(kiosk, "13")
    page = text(kiosk.get("/kiosk/my"))
    assert "第 1 / 2 页，共 9 件" in page and page.count("《就业创业证》查询") == 8
    assert "第 2 / 2 页" in text(kiosk.get("/kiosk/my?page=2"))


def test_help_from_the_start_page_and_for_an_item(kiosk, store):
    response = post(kiosk, "/kiosk/help", {})
    assert response.status_code == 200 and "已通知工作人员" in text(response)
    identify(kiosk, name="张三")
    assert "已通知工作人员" in text(post(kiosk, "/kiosk/help", {"item_code": "11"}, "/kiosk/items"))
    assert "已收到" in text(post(kiosk, "/kiosk/help", {"item_code": "11"}, "/kiosk/items"))
    with store.session() as s:
        tasks = s.scalars(select(InboxTask).where(InboxTask.bpmn_id == "kiosk_help_attend")).all()
    assert len(tasks) == 2 and {t.point_code for t in tasks} == {"LG-V01"}


def test_quit_clears_the_session_on_the_server(kiosk, store):
    identify(kiosk, name="张三")
    response = kiosk.post("/kiosk/reset", data={"reason": "logout"})  # CSRF-exempt: a stale page can always quit
    assert response.status_code == 302
    assert kiosk.get("/kiosk/items").headers["Location"].endswith("/kiosk/")
    with store.session() as s:
        row = s.scalar(select(CitizenSession))
    assert (row.ended_reason, row.id_number) == ("logout", None)


def test_idle_reset_returns_to_start_with_nothing_of_the_citizen(kiosk, store):
    identify(kiosk, name="张三")
    response = kiosk.post("/kiosk/reset", data={"reason": "idle"})
    page = text(kiosk.get(response.headers["Location"]))
    assert "已自动退出" in page and "张" not in page and "002X" not in page


def test_server_forgets_an_idle_citizen_even_without_the_page_timer(web, store, clock):
    web.config["KIOSK_IDLE_SECONDS"] = 30
    kiosk = enrol(web, store, clock)
    identify(kiosk, name="张三")
    assert kiosk.get("/kiosk/items").status_code == 200
    clock.advance(seconds=31)
    response = kiosk.get("/kiosk/items")
    assert response.status_code == 302 and "timeout=1" in response.headers["Location"]
    assert "已自动退出" in text(kiosk.get(response.headers["Location"]))


def test_kiosk_pages_are_rate_limited_with_a_chinese_429(engine, store, clock):
    web = make_api_app(store, clock, KIOSK_RATE_LIMITS={"kiosk": {"request": (3, 60)}})
    kiosk = enrol(web, store, clock)
    statuses = [kiosk.get("/kiosk/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = kiosk.get("/kiosk/")
    assert "操作过于频繁" in text(response) and response.headers["Retry-After"]
