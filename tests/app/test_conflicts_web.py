"""Clerks racing through the pages and the API: one wins, the others see a Chinese message, never a 500."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from engine.models import AuditEvent, InboxTask, ProcessInstance
from tests.api.support import bearer, make_api_app, staff_token
from tests.factories import ACCEPT, start_item11
from tests.web import logged_in, token

CLIENTS = 8
VALID_ID = "11010519491231002X"
CONFLICT_WORDS = ("已被他人更新", "已办结或不存在", "已由", "尚未被认领", "数据库暂时繁忙")


@pytest.fixture
def web(engine, store, clock):
    return make_api_app(store, clock)


def together(n: int, act) -> list:
    """Run act(i) in n threads released at once; return what each returned (an exception counts as a result)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = act(i)
        except BaseException as exc:  # noqa: BLE001 - a raised error is a failed request: the test reports it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


def open_task(store, case: int) -> str:
    with store.session() as s:
        return s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case))


def count(store, *where) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(*where))


def test_clerks_submitting_one_task_at_once_get_one_success_and_conflict_flashes(web, engine, store):
    case = start_item11(engine)
    task_id = open_task(store, case)
    with store.session() as s:
        version = s.get(ProcessInstance, case).lock_version
    clients = [logged_in(web, "clerk1") for _ in range(CLIENTS)]
    forms = [{**ACCEPT, "lock_version": version, "csrf_token": token(c, f"/tasks/{task_id}")} for c in clients]
    responses = together(CLIENTS, lambda i: clients[i].post(f"/tasks/{task_id}", data=forms[i]))
    assert [getattr(r, "status_code", r) for r in responses] == [302] * CLIENTS
    messages = [flashes(c) for c in clients]
    assert sum("已提交" in m[0] for m in messages) == 1
    assert all(any(w in m[0] for w in CONFLICT_WORDS) for m in messages if "已提交" not in m[0]), messages
    assert count(store, AuditEvent.task_id == task_id, AuditEvent.action == "complete_task") == 1


def test_clerks_claiming_releasing_and_completing_one_task_at_once_never_fail(web, engine, store):
    case = start_item11(engine)
    task_id = open_task(store, case)
    clients = [logged_in(web, "clerk1") for _ in range(CLIENTS)]
    csrf = [token(c, f"/tasks/{task_id}") for c in clients]

    def act(i: int):
        path = f"/tasks/{task_id}" + ("/claim", "/release", "")[i % 3]
        return clients[i].post(path, data={**ACCEPT, "csrf_token": csrf[i]})

    responses = together(CLIENTS, act)
    assert [getattr(r, "status_code", r) for r in responses] == [302] * CLIENTS
    assert count(store, AuditEvent.task_id == task_id, AuditEvent.action == "complete_task") == 1
    for client in clients:
        for message in flashes(client):
            assert re.search(r"[\u4e00-\u9fff]", message)


def test_one_start_form_submitted_from_many_tabs_makes_one_case(web, store):
    clients = [logged_in(web, "clerk1") for _ in range(CLIENTS)]
    page = clients[0].get("/cases/new/11").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    forms = [{"applicant_id_number": VALID_ID, "applicant_name": "张三", "channel": "counter", "request_key": key,
              "csrf_token": token(c, "/cases/new/11")} for c in clients]
    responses = together(CLIENTS, lambda i: clients[i].post("/cases/new/11", data=forms[i]))
    assert [getattr(r, "status_code", r) for r in responses] == [302] * CLIENTS
    assert len({r.headers["Location"] for r in responses}) == 1
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ProcessInstance)) == 1


def test_api_clients_completing_one_task_get_one_200_and_json_conflicts(web, engine, store, clock):
    case = start_item11(engine)
    task_id = open_task(store, case)
    headers = bearer(staff_token(store, clock(), "clerk1"))
    clients = [web.test_client() for _ in range(CLIENTS)]
    responses = together(CLIENTS, lambda i: clients[i].post(f"/api/v1/tasks/{task_id}", json={"data": ACCEPT},
                                                             headers=headers))
    statuses = [getattr(r, "status_code", r) for r in responses]
    assert statuses.count(200) == 1 and set(statuses) <= {200, 409}, statuses  # the task existed: never 404
    for response in responses:
        if response.status_code != 200:
            body = response.get_json()
            assert body["code"] in ("conflict", "task_state")
            assert re.search(r"[\u4e00-\u9fff]", body["message"])
    assert count(store, AuditEvent.task_id == task_id, AuditEvent.action == "complete_task") == 1


def test_api_starts_with_one_request_key_at_once_make_one_case(web, store, clock):
    headers = bearer(staff_token(store, clock(), "clerk1"))
    clients = [web.test_client() for _ in range(CLIENTS)]
    body = {"item_code": "11", "applicant_id_number": VALID_ID, "applicant_name": "张三",
            "request_key": "double-submit-1"}
    responses = together(CLIENTS, lambda i: clients[i].post("/api/v1/cases", json=body, headers=headers))
    assert [getattr(r, "status_code", r) for r in responses] == [201] * CLIENTS
    assert len({r.get_json()["id"] for r in responses}) == 1
