"""NUL bytes and text that is not UTF-8 get a clear Chinese 400 everywhere, on pages and the API, storing nothing."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import func, select

from app.hygiene import MESSAGE
from engine.models import AuditEvent, ProcessInstance
from tests.api.support import bearer, make_api_app, register_kiosk, staff_token
from tests.app.test_kiosk_pages import enrol
from tests.web import logged_in, token

START = {"applicant_id_number": "11010519491231002X", "applicant_name": "张三", "channel": "counter"}


@pytest.fixture
def web(engine, store, clock):
    return make_api_app(store, clock)


def cases(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(ProcessInstance))


def refused_page(response) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html", page
    assert MESSAGE in page and "返回上一页" in page


def refused_json(response) -> None:
    assert (response.status_code, response.mimetype) == (400, "application/json")
    assert response.get_json() == {"code": "unreadable_input", "message": MESSAGE}


def test_login_form_with_a_nul_is_refused(web):
    client = web.test_client()
    refused_page(client.post("/login", data={"username": "clerk\x001", "password": "x", "csrf_token": token(client)}))


def test_login_form_that_is_not_utf8_is_refused_not_silently_emptied(web):
    client = web.test_client()
    body = f"csrf_token={token(client)}&username=clerk1&password=%FF%FE".encode()
    refused_page(client.post("/login", data=body, content_type="application/x-www-form-urlencoded"))
    body = f"csrf_token={token(client)}&username=\xff".encode("latin-1")  # raw, unescaped bytes
    refused_page(client.post("/login", data=body, content_type="application/x-www-form-urlencoded"))


@pytest.mark.parametrize("query", ["q=%00", "q=%E5%BC%A0%FF", "q=a\x00b"])
def test_inbox_search_with_a_nul_or_bad_bytes_is_refused(web, query):
    refused_page(logged_in(web, "clerk1").get(f"/inbox?{query}"))


def test_inbox_search_in_chinese_still_works(web):
    assert logged_in(web, "clerk1").get("/inbox?q=%E5%BC%A0%E4%B8%89").status_code == 200


def test_start_form_with_a_nul_starts_nothing(web, store):
    clerk = logged_in(web, "clerk1")
    response = clerk.post("/cases/new/11", data={**START, "applicant_name": "张\x00三",
                                                 "csrf_token": token(clerk, "/cases/new/11")})
    refused_page(response)
    assert cases(store) == 0
    good = clerk.post("/cases/new/11", data={**START, "csrf_token": token(clerk, "/cases/new/11")})
    assert good.status_code == 302 and cases(store) == 1


def test_path_parameter_with_a_nul_or_bad_bytes_is_refused(web):
    clerk = logged_in(web, "clerk1")
    refused_page(clerk.get("/cases/new/1%001"))
    refused_page(clerk.get("/cases/new/%FF"))


def test_uploaded_file_name_with_a_nul_is_refused(web, store):
    analyst = logged_in(web, "analyst1")
    response = analyst.post("/processes/upload", data={
        "file": (BytesIO(b"<x/>"), "a\x00.bpmn"), "csrf_token": token(analyst, "/processes/upload")},
        content_type="multipart/form-data")
    refused_page(response)


def test_api_json_body_with_a_nul_escape_is_400_json(web, store, clock):
    _, raw = register_kiosk(store, clock())
    client = web.test_client()
    refused_json(client.post("/api/v1/citizen/session", json={"number": "11010519491231002X", "name": "张\x00三"},
                             headers=bearer(raw)))
    refused_json(client.post("/api/v1/citizen/session", data='{"number": "\\ud800", "name": "x"}',
                             content_type="application/json", headers=bearer(raw)))
    refused_json(client.post("/api/v1/citizen/session", data=b'{"number": "\xff\xfe"}',
                             content_type="application/json", headers=bearer(raw)))
    with store.session() as s:
        assert not s.scalars(select(AuditEvent).where(AuditEvent.action.like("%citizen%"))).all()


def test_api_query_and_path_with_a_nul_are_400_json(web, store, clock):
    headers = bearer(staff_token(store, clock(), "clerk1"))
    client = web.test_client()
    refused_json(client.get("/api/v1/items?q=%00", headers=headers))
    refused_json(client.get("/api/v1/items?q=%FF", headers=headers))
    refused_json(client.get("/api/v1/items/1%00", headers=headers))
    refused_json(client.get("/api/v1/tasks/%FF", headers=headers))
    assert client.get("/api/v1/items?q=%E5%A4%B1%E4%B8%9A", headers=headers).status_code == 200


def test_kiosk_query_with_a_nul_is_refused_on_the_kiosk_page(web, store, clock):
    client = enrol(web, store, clock)
    response = client.post("/kiosk/identify", data={"number": "1101051949\x001231002X",
                                                    "csrf_token": token(client, "/kiosk/")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and MESSAGE in page and "返回修改" in page
    assert "自助服务" in page  # the kiosk's own layout, not the staff pages'


def test_multipart_field_that_is_not_utf8_is_refused(web):
    analyst = logged_in(web, "analyst1")
    csrf = token(analyst, "/processes/upload")
    body = (b'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + csrf.encode() +
            b'\r\n--B\r\nContent-Disposition: form-data; name="note"\r\n\r\n\xff\xfe\r\n--B--\r\n')
    refused_page(analyst.post("/processes/upload", data=body, content_type="multipart/form-data; boundary=B"))
