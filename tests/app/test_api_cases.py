"""API: the catalog, starting cases, their status and history, task forms; scoping of kiosks and staff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.kiosk.models import CitizenSession
from app.social.roster import import_roster
from engine.models import AuditEvent, ProcessInstance
from engine.runtime import CaseContext
from tests.api.support import CITIZEN_A, CITIZEN_B, bearer, identify, make_api_app, register_kiosk, staff_token
from tests.factories import end_unemployment_registration, unemployment_registration

REGISTER = {"seeker_phone": "13800138000", "seeker_job_types": ["loading"], "seeker_min_pay": 150,
            "seeker_available_from": "2026-11-23"}


@pytest.fixture
def web(engine, store, clock):
    return make_api_app(store, clock)


@pytest.fixture
def client(web):
    return web.test_client()


@pytest.fixture
def kiosk(web, store, clock):
    """A kiosk at LG-V01 serving citizen A: (kiosk token, citizen token)."""
    _, token = register_kiosk(store, clock())
    return token, identify(web.test_client(), token)


def as_kiosk(kiosk):
    return bearer(*kiosk)


def start(client, headers, code, **body):
    return client.post("/api/v1/cases", json={"item_code": code, **body}, headers=headers)


def test_kiosk_catalog_lists_only_kiosk_items_with_self_service_flags(client, kiosk):
    body = client.get("/api/v1/items?per_page=100", headers=as_kiosk(kiosk)).get_json()
    codes = {i["code"]: i["self_service"] for i in body["items"]}
    assert body["total"] == len(codes) == 22
    assert "20" not in codes and "D1" not in codes  # counter-only and demo-only items
    assert codes["3"] and codes["1"] and codes["25"] and not codes["11"] and not codes["35"]
    assert client.get("/api/v1/items/20", headers=as_kiosk(kiosk)).status_code == 404
    assert client.get("/api/v1/items/3", headers=as_kiosk(kiosk)).get_json()["name"] == "岗位信息查询（固定工）"


def test_catalog_is_paged_and_filtered_for_staff(client, store, clock, web):
    token = staff_token(store, clock(), "clerk1")
    page = client.get("/api/v1/items?per_page=5&page=2", headers=bearer(token)).get_json()
    assert (page["page"], page["per_page"], page["total"], page["pages"]) == (2, 5, 44, 9)
    assert [i["code"] for i in page["items"]] == ["6", "7", "8", "9", "10"]
    found = client.get("/api/v1/items?q=失业", headers=bearer(token)).get_json()["items"]
    assert {i["code"] for i in found} >= {"11", "23"}
    assert client.get("/api/v1/items?per_page=500", headers=bearer(token)).status_code == 422


def test_kiosk_walks_a_query_to_its_result(client, kiosk, store):
    case = start(client, as_kiosk(kiosk), "3").get_json()
    assert case["status"] == "running" and case["channel"] == "kiosk"
    assert case["next_step"]["kind"] == "form" and case["applicant_id_masked"] == "110***********002X"
    task = client.get(f"/api/v1/tasks/{case['next_step']['task_id']}", headers=as_kiosk(kiosk)).get_json()
    assert task["bpmn_id"] == "item03_criteria" and task["json_schema"]["type"] == "object"
    assert {f["name"] for f in task["fields"]} >= {"query_job_type", "query_keyword"}
    done = client.post(f"/api/v1/tasks/{task['task_id']}", json={"data": {"query_keyword": "矿"}},
                       headers=as_kiosk(kiosk)).get_json()
    assert done["status"] == "completed" and done["next_step"]["kind"] == "done"
    assert done["results"][0]["lines"][0]["text"].startswith("没有找到符合条件的")
    with store.session() as s:  # the identity check was recorded by the kiosk, from the ID card presented
        verify = s.scalars(select(AuditEvent).where(AuditEvent.instance_id == case["id"],
                                                    AuditEvent.action == "complete_task")
                             .order_by(AuditEvent.id)).first()
    assert verify.actor.startswith("kiosk:") and '"verify_identity"' in verify.detail


def test_kiosk_starts_with_the_first_form_in_one_call(client, kiosk, store):
    bad = start(client, as_kiosk(kiosk), "4", data={"seeker_phone": "123"})
    assert (bad.status_code, bad.get_json()["code"]) == (422, "form_invalid")
    assert "电话" in bad.get_json()["errors"]["seeker_phone"]
    with store.session() as s:
        assert s.scalar(select(ProcessInstance)) is None  # a rejected first form starts nothing
    done = start(client, as_kiosk(kiosk), "4", data=REGISTER)
    assert done.status_code == 201 and done.get_json()["status"] == "completed"
    assert start(client, as_kiosk(kiosk), "13", data={}).get_json()["errors"] == {
        "data": "该事项没有需预先填写的表单，请不要提交 data"}


def test_kiosk_form_errors_are_chinese_per_field(client, kiosk):
    case = start(client, as_kiosk(kiosk), "1").get_json()
    response = client.post(f"/api/v1/tasks/{case['next_step']['task_id']}",
                           json={"data": {"seeker_phone": "123"}}, headers=as_kiosk(kiosk))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "电话" in errors["seeker_phone"] and errors["seeker_job_types"] == "请选择求职工种"


def test_kiosk_registration_writes_the_seeker(client, kiosk, store):
    case = start(client, as_kiosk(kiosk), "4").get_json()
    done = client.post(f"/api/v1/tasks/{case['next_step']['task_id']}", json={"data": REGISTER},
                       headers=as_kiosk(kiosk)).get_json()
    assert done["status"] == "completed"
    assert "零工求职登记已办理" in done["results"][0]["lines"][0]["text"]
    from app.employment.models import JobSeeker
    with store.session() as s:
        seeker = s.scalar(select(JobSeeker))
    assert (seeker.id_number, seeker.name, seeker.point_code) == (CITIZEN_A, "张三", "LG-V01")


def test_kiosk_of_point_a_cannot_start_at_point_b(client, kiosk, store):
    response = start(client, as_kiosk(kiosk), "3", point_code="ZZ-V01")
    assert response.status_code == 403
    assert response.get_json()["code"] == "point_forbidden" and "所在网点" in response.get_json()["message"]
    assert start(client, as_kiosk(kiosk), "3", point_code="LG-V01").status_code == 201
    with store.session() as s:
        assert {c.point_code for c in s.scalars(select(ProcessInstance))} == {"LG-V01"}


@pytest.mark.parametrize("code, body, expected", [
    ("20", {}, "channel_forbidden"),                      # counter-only item
    ("11", {}, "start_refused"),                          # kiosk item whose materials a clerk must check
    ("3", {"channel": "counter"}, "channel_forbidden"),   # a kiosk cannot choose another service mode
    ("3", {"applicant_id_number": CITIZEN_B}, "citizen_mismatch"),  # only for the identified citizen
])
def test_kiosk_can_do_only_its_citizens_self_service_kiosk_items(client, kiosk, code, body, expected):
    response = start(client, as_kiosk(kiosk), code, **body)
    assert (response.status_code, response.get_json()["code"]) == (403, expected)


def test_kiosk_needs_an_identified_citizen_and_forgets_them_when_idle(client, store, clock, web):
    _, token = register_kiosk(store, clock())
    response = start(client, bearer(token), "3")
    assert (response.status_code, response.get_json()["code"]) == (401, "citizen_required")
    citizen = identify(client, token)
    assert start(client, bearer(token, citizen), "3").status_code == 201
    clock.advance(seconds=61)
    assert start(client, bearer(token, citizen), "3").status_code == 401
    with store.session() as s:
        row = s.scalar(select(CitizenSession))
    assert (row.ended_reason, row.id_number, row.name) == ("idle", None, None)


def test_closing_the_session_ends_it(client, kiosk):
    assert client.delete("/api/v1/citizen/session", headers=as_kiosk(kiosk)).status_code == 204
    assert client.get("/api/v1/citizen/cases", headers=as_kiosk(kiosk)).status_code == 401


def test_a_new_citizen_replaces_the_previous_one(client, store, clock, web):
    _, token = register_kiosk(store, clock())
    first = identify(client, token)
    identify(client, token, CITIZEN_B, "李四")
    assert client.get("/api/v1/citizen/cases", headers=bearer(token, first)).status_code == 401


def test_citizen_sees_only_their_own_cases(client, store, clock, web):
    _, token = register_kiosk(store, clock())
    mine = identify(client, token)
    own = start(client, bearer(token, mine), "13").get_json()
    other = identify(client, token, CITIZEN_B, "李四")
    theirs = start(client, bearer(token, other), "13").get_json()
    listed = client.get("/api/v1/citizen/cases", headers=bearer(token, other)).get_json()
    assert [c["id"] for c in listed["items"]] == [theirs["id"]] and listed["total"] == 1
    response = client.get(f"/api/v1/cases/{own['id']}", headers=bearer(token, other))
    assert (response.status_code, response.get_json()["code"]) == (403, "case_forbidden")
    assert client.get(f"/api/v1/cases/{own['id']}/history", headers=bearer(token, other)).status_code == 403


def test_name_is_asked_only_when_the_county_has_none(client, store, clock, web):
    _, token = register_kiosk(store, clock())
    response = client.post("/api/v1/citizen/session", json={"number": CITIZEN_B}, headers=bearer(token))
    assert (response.status_code, response.get_json()["code"]) == (422, "name_required")
    identify(client, token, CITIZEN_B, "李四")
    start(client, bearer(token, identify(client, token, CITIZEN_B, "李四")), "13")
    again = client.post("/api/v1/citizen/session", json={"number": CITIZEN_B}, headers=bearer(token)).get_json()
    assert again["name_masked"] == "李*" and again["id_number_masked"] == "140***********0013"


def test_unknown_card_number_is_refused_in_chinese(client, store, clock, web):
    _, token = register_kiosk(store, clock())
    response = client.post("/api/v1/citizen/session", json={"number": "A12345678", "document": "ss_card"},
                           headers=bearer(token))
    assert response.status_code == 422 and "社会保障卡" in response.get_json()["errors"]["number"]


def test_case_history_is_paged_and_names_roles_for_citizens(client, kiosk, store, clock):
    token = staff_token(store, clock(), "clerk1")
    case = start(client, as_kiosk(kiosk), "13").get_json()
    history = client.get(f"/api/v1/cases/{case['id']}/history?per_page=2", headers=as_kiosk(kiosk)).get_json()
    assert history["total"] >= 3 and len(history["items"]) == 2 and history["pages"] >= 2
    assert history["items"][0]["action_label"] == "受理" and history["items"][0]["actor"] == "自助机"
    staff_view = client.get(f"/api/v1/cases/{case['id']}/history", headers=bearer(token)).get_json()
    assert staff_view["items"][0]["actor"].startswith("kiosk:")


def test_clerk_starts_at_their_point_and_sees_only_their_scope(client, store, clock, web):
    clerk1, clerk2 = staff_token(store, clock(), "clerk1"), staff_token(store, clock(), "clerk2")
    body = {"applicant_id_number": CITIZEN_A, "applicant_name": "张三", "channel": "counter"}
    response = start(client, bearer(clerk1), "11", **body, request_key="abcdefgh-1")
    case = response.get_json()
    assert response.status_code == 201 and case["point_code"] == "LG-V01"
    assert case["open_tasks"][0]["bpmn_id"] == "verify_identity"
    again = start(client, bearer(clerk1), "11", **body, request_key="abcdefgh-1").get_json()
    assert again["id"] == case["id"]  # a double submit starts one case
    assert start(client, bearer(clerk1), "11", **body, point_code="ZZ-V01").get_json()["code"] == "point_forbidden"
    assert client.get(f"/api/v1/cases/{case['id']}", headers=bearer(clerk2)).status_code == 403
    bad = start(client, bearer(clerk1), "11", applicant_id_number="110105194912310021", applicant_name="张三")
    assert bad.status_code == 422 and "校验码" in bad.get_json()["errors"]["applicant_id_number"]
    assert start(client, bearer(clerk1), "11", **body, data={}).status_code == 422  # kiosks only
    reviewer = staff_token(store, clock(), "reviewer1")
    assert start(client, bearer(reviewer), "11", **body).get_json()["code"] == "role_forbidden"


def test_staff_work_tasks_within_role_and_scope(client, store, clock, web):
    clerk1, clerk2 = staff_token(store, clock(), "clerk1"), staff_token(store, clock(), "clerk2")
    case = start(client, bearer(clerk1), "11", applicant_id_number=CITIZEN_A, applicant_name="张三").get_json()
    task_id = case["open_tasks"][0]["task_id"]
    assert client.get(f"/api/v1/tasks/{task_id}", headers=bearer(clerk2)).get_json()["code"] == "task_forbidden"
    form = client.get(f"/api/v1/tasks/{task_id}", headers=bearer(clerk1)).get_json()
    shown = {f["name"]: f["display"] for f in form["fields"]}
    assert shown["identity_number_shown"] == CITIZEN_A  # the identity check needs the full number
    response = client.post(f"/api/v1/tasks/{task_id}", json={"data": {}}, headers=bearer(clerk1))
    assert response.status_code == 422 and response.get_json()["code"] == "form_invalid"
    done = client.post(f"/api/v1/tasks/{task_id}", headers=bearer(clerk1), json={
        "data": {"identity_document": "id_card", "identity_confirmed": True}, "lock_version": form["lock_version"]})
    assert done.status_code == 200 and done.get_json()["open_tasks"][0]["bpmn_id"] == "item11_accept"
    assert client.get(f"/api/v1/tasks/{task_id}", headers=bearer(clerk1)).status_code == 409  # done, not unknown


def test_kiosk_cannot_work_a_clerks_task(client, kiosk, store, clock):
    clerk1 = staff_token(store, clock(), "clerk1")
    case = start(client, bearer(clerk1), "11", applicant_id_number=CITIZEN_A, applicant_name="张三").get_json()
    task_id = case["open_tasks"][0]["task_id"]
    response = client.post(f"/api/v1/tasks/{task_id}", json={"data": {}}, headers=as_kiosk(kiosk))
    assert (response.status_code, response.get_json()["code"]) == (403, "task_forbidden")
    # The citizen's own counter case is visible to them, masked.
    seen = client.get(f"/api/v1/cases/{case['id']}", headers=as_kiosk(kiosk)).get_json()
    assert seen["next_step"] == {"kind": "staff", "task_id": task_id, "title": "核验身份证件"}
    assert CITIZEN_A not in str(seen)


@pytest.mark.parametrize("path", ["/api/v1/cases/0", "/api/v1/cases/99999999999999999999", "/api/v1/cases/-1",
                                  "/api/v1/tasks/not-a-task"])
def test_out_of_range_ids_are_404(client, kiosk, path):
    response = client.get(path, headers=as_kiosk(kiosk))
    assert response.status_code == 404 and response.get_json()["code"] in {"not_found", "case_not_found",
                                                                           "task_not_found"}


@pytest.mark.parametrize(("registration", "message"), [
    (None, "未查到申请人经审核通过的失业登记"),
    ("reject", "失业登记未经县局审核通过"),
    ("ended", "失业登记已于2026-11-20终止"),
    ("approve", None),
])
def test_api_start_of_item23_follows_the_county_unemployment_registration(client, store, clock, engine, registration,
                                                                         message):
    context = CaseContext(point_code="LG-V01", town_code="LG", item_code="11", applicant_id_number=CITIZEN_A,
                          applicant_name="张三")
    if registration:
        unemployment_registration(engine, "reject" if registration == "reject" else "approve", context)
    if registration == "ended":
        end_unemployment_registration(engine, CITIZEN_A)
    token = staff_token(store, clock(), "clerk1")
    response = start(client, bearer(token), "23", applicant_id_number=CITIZEN_A, applicant_name="张三",
                     channel="counter")
    body = response.get_json()
    if message is None:
        assert response.status_code == 201 and body["item_code"] == "23"
    else:
        assert response.status_code == 403 and body["code"] == "start_refused" and message in body["message"]
        with store.session() as s:
            assert s.scalars(select(ProcessInstance).where(ProcessInstance.item_code == "23")).all() == []


def test_api_start_follows_the_resident_enrolment_and_card_records(client, store, clock, engine, tmp_path):
    path = tmp_path / "enrolment.csv"
    path.write_text(f"身份证号码,姓名,险种,参保状态\n{CITIZEN_A},张三,城乡居民基本养老保险,终止参保\n",
                    encoding="utf-8")
    with store.session(write=True) as s:
        import_roster(s, "resident_pension_enrolment", path, actor="admin")
    headers = bearer(staff_token(store, clock(), "clerk1"))
    refused = start(client, headers, "30", applicant_id_number=CITIZEN_A, applicant_name="张三")
    body = refused.get_json()
    assert refused.status_code == 403 and body["code"] == "start_refused"
    assert body["message"].startswith("县级记录显示申请人的城乡居民基本养老保险已终止参保（参保状态为“终止参保”")
    assert "请先办理城乡居民基本养老保险登记（事项28）" in body["message"]
    card = start(client, headers, "38", applicant_id_number=CITIZEN_A, applicant_name="张三")
    assert card.status_code == 201 and card.get_json()["item_code"] == "38"
    again = start(client, headers, "40", applicant_id_number=CITIZEN_A, applicant_name="张三")
    assert again.status_code == 201  # no card record: the clerk checks the card itself
