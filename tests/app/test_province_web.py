"""The provincial handoff's pages and signed callback: retry of dead letters, file exchange, callbacks."""

from __future__ import annotations

import json
from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.province.models import ProvinceCallbackNonce, ProvinceOutbox
from app.province.settings import ProvinceSettings
from app.province.signing import signed_headers
from engine.models import AuditEvent
from tests.app.test_province_http import approved_claim, case_status, outbox_rows
from tests.factories import do, told
from tests.web import logged_in, post, token

SECRET = "callback-secret"


@pytest.fixture
def web(engine, store, clock):
    from tests.web import make_app

    app = make_app(store, clock)
    app.extensions["cuncun.province"] = ProvinceSettings(adapter="file", secret=SECRET)
    return app


def make_dead(store) -> ProvinceOutbox:
    with store.session(write=True) as s:
        row = s.scalars(select(ProvinceOutbox)).one()
        row.status, row.attempts, row.last_error = "dead", 6, "省平台返回 HTTP 503：维护中"
    return row


def test_supervisor_sees_a_dead_letter_and_requeues_it(web, engine, store):
    approved_claim(engine)
    row = make_dead(store)
    client = logged_in(web, "supervisor1")
    page = client.get("/province").get_data(as_text=True)
    assert "报送失败（死信）" in page and row.idempotency_key in page and "HTTP 503" in page and "重试" in page
    assert client.post(f"/province/outbox/{row.id}/retry").status_code == 400  # no CSRF token: refused
    response = post(client, f"/province/outbox/{row.id}/retry", {}, "/province")
    assert response.status_code == 302
    (row,) = outbox_rows(store)
    assert (row.status, row.attempts) == ("pending", 0)
    with store.session() as s:
        (event,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "province_retry")).all()
    assert event.actor == "supervisor1"


def test_clerks_and_town_staff_cannot_use_the_page(web, engine, store):
    approved_claim(engine)
    row = make_dead(store)
    for user in ("clerk1", "townstaff1"):
        client = logged_in(web, user)
        assert client.get("/province").status_code == 403
        assert post(client, f"/province/outbox/{row.id}/retry", {}, "/inbox").status_code == 403
    reviewer = logged_in(web, "reviewer1")  # may look, may not retry
    assert "重试</button>" not in reviewer.get("/province").get_data(as_text=True)
    assert post(reviewer, f"/province/outbox/{row.id}/retry", {}, "/province").status_code == 403


def test_backbone_exports_a_batch_and_imports_the_results_through_the_pages(web, engine, store):
    case = approved_claim(engine)
    client = logged_in(web, "backbone1")
    response = post(client, "/province/export", {}, "/province")
    assert response.status_code == 200 and response.mimetype.endswith("sheet")
    book = load_workbook(BytesIO(response.data))
    book["结果回填"]["B2"], book["结果回填"]["C2"] = "通过", "自2026年12月起发放"
    bad = BytesIO()
    book["结果回填"]["B2"] = "好的"
    book.save(bad)
    response = client.post("/province/import", data={"csrf_token": token(client, "/province"),
                                                     "file": (BytesIO(bad.getvalue()), "结果.xlsx")},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "整个文件未导入" in page and "第2行：办理结果“好的”无法识别" in page
    book["结果回填"]["B2"] = "通过"
    good = BytesIO()
    book.save(good)
    response = client.post("/province/import", data={"csrf_token": token(client, "/province"),
                                                     "file": (BytesIO(good.getvalue()), "结果.xlsx")},
                           follow_redirects=True)
    assert "已导入 1 条省级结果" in response.get_data(as_text=True)
    assert "省社保经办系统已办理通过" in told(engine, case)
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    assert case_status(store, case) == "completed"


def signed(body: dict, now, secret: str = SECRET) -> tuple[bytes, dict]:
    data = json.dumps(body).encode()
    return data, signed_headers("qinshui", secret, data, now)


def test_signed_callback_delivers_once_and_refuses_replays_and_bad_signatures(web, engine, store, clock):
    case = approved_claim(engine)
    (row,) = outbox_rows(store)
    client = web.test_client()
    result = {"idempotency_key": row.idempotency_key, "status": "rejected", "note": "已在外省领取失业保险金"}
    data, headers = signed(result, clock())
    answer = client.post("/api/province/results", data=data, headers=headers)
    assert answer.status_code == 200 and answer.json["result"] == "delivered"
    assert "外省" in told(engine, case)
    assert client.post("/api/province/results", data=data, headers=headers).status_code == 409  # replay
    clock.advance(seconds=5)
    data2, headers2 = signed(result, clock())  # the province delivers the same result again: harmless
    again = client.post("/api/province/results", data=data2, headers=headers2)
    assert again.status_code == 200 and again.json["result"] == "already_delivered"
    with store.session() as s:
        events = s.scalars(select(AuditEvent.action).where(AuditEvent.instance_id == case)).all()
    assert events.count("province_result") == 1

    wrong, wrong_headers = signed(result, clock(), secret="guess")
    assert client.post("/api/province/results", data=wrong, headers=wrong_headers).status_code == 401
    old, old_headers = signed({**result, "note": "x"}, clock() - timedelta(minutes=10))
    response = client.post("/api/province/results", data=old, headers=old_headers)
    assert response.status_code == 401 and "过期" in response.json["message"]
    unknown, unknown_headers = signed({**result, "idempotency_key": "nope"}, clock())
    response = client.post("/api/province/results", data=unknown, headers=unknown_headers)
    assert response.status_code == 422 and "不存在" in response.json["message"]


def test_callback_nonces_are_forgotten_once_no_replay_could_verify(web, engine, store, clock):
    approved_claim(engine)
    (row,) = outbox_rows(store)
    client = web.test_client()
    skew = web.extensions["cuncun.province"].max_clock_skew_seconds
    result = {"idempotency_key": row.idempotency_key, "status": "approved", "note": "准予"}
    data, headers = signed(result, clock())
    assert client.post("/api/province/results", data=data, headers=headers).status_code == 200
    clock.advance(seconds=skew - 1)  # the signature still verifies: only the kept nonce refuses the replay
    assert client.post("/api/province/results", data=data, headers=headers).status_code == 409
    clock.advance(seconds=skew + 2)  # past twice the skew: a later callback forgets the first nonce
    data2, headers2 = signed(result, clock())
    assert client.post("/api/province/results", data=data2, headers=headers2).json["result"] == "already_delivered"
    with store.session() as s:
        assert s.scalars(select(ProvinceCallbackNonce.received_at)).all() == [clock()]
    assert client.post("/api/province/results", data=data, headers=headers).status_code == 401  # too old to verify
