"""A task that existed and is done answers 409 (API) or a flash (pages); unknown or out-of-scope ids stay 404."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from engine.models import AuditEvent, InboxTask, ProcessInstance
from tests.api.support import CITIZEN_B, bearer, identify, make_api_app, register_kiosk, staff_token
from tests.factories import ACCEPT, start_item11, unemployment_registration
from tests.web import logged_in, token

IDENTITY = {"identity_document": "id_card", "identity_confirmed": True}


@pytest.fixture
def web(engine, store, clock):
    return make_api_app(store, clock)


@pytest.fixture
def tokens(web, store, clock):
    return {name: bearer(staff_token(store, clock(), name)) for name in ("clerk1", "democlerk", "clerk2",
                                                                         "townstaff1")}


def first_task(engine, store) -> tuple[int, str]:
    """Start an item 11 case at LG-V01 waiting on its identity check; return the case and that task."""
    case = start_item11(engine, verified=False)
    with store.session() as s:
        return case, s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case))


def task_ids(store, case: int) -> set[str]:
    """Every task id the case's trail names (finished tasks included)."""
    with store.session() as s:
        return set(s.scalars(select(AuditEvent.task_id).where(AuditEvent.instance_id == case,
                                                               AuditEvent.task_id.is_not(None))))


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


# -- API -------------------------------------------------------------------------------------------------

def test_api_completing_a_task_twice_answers_409_in_chinese(web, engine, store, tokens):
    case, task_id = first_task(engine, store)
    client = web.test_client()
    first = client.post(f"/api/v1/tasks/{task_id}", json={"data": IDENTITY}, headers=tokens["clerk1"])
    assert first.status_code == 200
    again = client.post(f"/api/v1/tasks/{task_id}", json={"data": IDENTITY}, headers=tokens["clerk1"])
    assert again.status_code == 409
    assert again.get_json() == {"code": "task_state", "message": "该任务已由 clerk1 办结，无需再次办理。"}
    shown = client.get(f"/api/v1/tasks/{task_id}", headers=tokens["clerk1"])
    assert (shown.status_code, shown.get_json()["code"]) == (409, "task_state")


def test_api_completing_a_task_someone_else_finished_answers_409(web, engine, store, tokens):
    _, task_id = first_task(engine, store)
    engine.complete(task_id, "democlerk", IDENTITY)  # a colleague at the same town's demo point got there first
    response = web.test_client().post(f"/api/v1/tasks/{task_id}", json={"data": IDENTITY}, headers=tokens["clerk1"])
    assert response.status_code == 409 and "democlerk" in response.get_json()["message"]
    # Town staff of the same town see the case, so they hear it is done too, although it was never their task.
    by_town = web.test_client().post(f"/api/v1/tasks/{task_id}", json={"data": IDENTITY},
                                     headers=tokens["townstaff1"])
    assert by_town.status_code == 409


def test_api_tasks_of_a_finished_case_answer_409(web, engine, store, tokens):
    case = unemployment_registration(engine)
    with store.session() as s:
        assert s.get(ProcessInstance, case).status == "completed"
    done = task_ids(store, case)
    assert len(done) >= 4
    client = web.test_client()
    for task_id in done:
        response = client.post(f"/api/v1/tasks/{task_id}", json={"data": ACCEPT}, headers=tokens["clerk1"])
        assert response.status_code == 409 and response.get_json()["code"] == "task_state", task_id


def test_api_unknown_and_out_of_scope_task_ids_stay_404(web, engine, store, tokens):
    _, task_id = first_task(engine, store)
    engine.complete(task_id, "clerk1", IDENTITY)
    client = web.test_client()
    for unknown in (str(uuid.uuid4()), "not-a-task", task_id.upper()):
        response = client.post(f"/api/v1/tasks/{unknown}", json={"data": IDENTITY}, headers=tokens["clerk1"])
        assert (response.status_code, response.get_json()["code"]) == (404, "task_not_found"), unknown
    # clerk2 works in another town: the finished task is neither confirmed nor denied to them.
    outside = client.post(f"/api/v1/tasks/{task_id}", json={"data": IDENTITY}, headers=tokens["clerk2"])
    assert (outside.status_code, outside.get_json()["code"]) == (404, "task_not_found")
    assert outside.get_json() == client.post(f"/api/v1/tasks/{uuid.uuid4()}", json={"data": IDENTITY},
                                             headers=tokens["clerk2"]).get_json()


def test_api_kiosk_hears_its_citizens_done_step_is_done_and_nothing_of_others(web, store, clock):
    _, kiosk_token = register_kiosk(store, clock())
    client = web.test_client()
    citizen_a = identify(client, kiosk_token)
    case = client.post("/api/v1/cases", json={"item_code": "3"}, headers=bearer(kiosk_token, citizen_a)).get_json()
    task_id = case["next_step"]["task_id"]
    body = {"data": {"query_keyword": "矿"}}
    assert client.post(f"/api/v1/tasks/{task_id}", json=body, headers=bearer(kiosk_token, citizen_a)).status_code == 200
    again = client.post(f"/api/v1/tasks/{task_id}", json=body, headers=bearer(kiosk_token, citizen_a))
    assert again.status_code == 409
    assert again.get_json()["message"] == "该任务已办结，无需再次办理。"  # no staff or kiosk names for citizens
    citizen_b = identify(client, kiosk_token, CITIZEN_B, "李四")
    other = client.post(f"/api/v1/tasks/{task_id}", json=body, headers=bearer(kiosk_token, citizen_b))
    assert other.status_code == 404


# -- pages -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("action", ["", "/claim", "/release"])
def test_pages_say_a_finished_task_is_done_on_its_case_page(web, engine, store, action):
    case, task_id = first_task(engine, store)
    client = logged_in(web, "clerk1")
    csrf = token(client, f"/tasks/{task_id}")
    engine.complete(task_id, "democlerk", IDENTITY)
    response = client.post(f"/tasks/{task_id}{action}", data={**ACCEPT, **IDENTITY, "csrf_token": csrf})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case}")
    assert flashes(client) == ["该任务已由 democlerk 办结，无需再次办理。"]
    page = client.get(f"/tasks/{task_id}", follow_redirects=True)
    assert page.status_code == 200 and "该任务已由 democlerk 办结" in page.get_data(as_text=True)


def test_pages_completing_twice_flash_and_keep_one_completion(web, engine, store):
    case, task_id = first_task(engine, store)
    client = logged_in(web, "clerk1")
    form = {**IDENTITY, "identity_confirmed": "on", "csrf_token": token(client, f"/tasks/{task_id}")}
    assert client.post(f"/tasks/{task_id}", data=form).status_code == 302
    second = client.post(f"/tasks/{task_id}", data=form)  # the same form again: a second tab, a double click
    assert second.status_code == 302 and second.headers["Location"].endswith(f"/cases/{case}")
    assert flashes(client) == ["“核验身份证件”已提交。", "该任务已由 clerk1 办结，无需再次办理。"]
    with store.session() as s:
        assert s.scalars(select(AuditEvent.actor).where(AuditEvent.task_id == task_id,
                                                        AuditEvent.action == "complete_task")).all() == ["clerk1"]


@pytest.mark.parametrize("action", ["", "/claim", "/release"])
def test_pages_answer_404_for_unknown_and_out_of_scope_tasks(web, engine, store, action):
    _, task_id = first_task(engine, store)
    engine.complete(task_id, "clerk1", IDENTITY)
    outsider = logged_in(web, "clerk2")
    for client, wanted in ((outsider, task_id), (logged_in(web, "clerk1"), str(uuid.uuid4()))):
        assert client.get(f"/tasks/{wanted}").status_code == 404
        if action:
            response = client.post(f"/tasks/{wanted}{action}", data={"csrf_token": token(client, "/inbox")})
            assert response.status_code == 404
