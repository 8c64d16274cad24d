"""API: postings and seekers search and match, the staff inbox, kiosk info and help requests (帮办)."""

from __future__ import annotations

import pytest

from tests.api.support import CITIZEN_B, CITIZEN_C, bearer, identify, make_api_app, register_kiosk, staff_token

SEEKER = {"seeker_phone": "13800138000", "seeker_job_types": ["loading"], "seeker_min_pay": 150,
          "seeker_available_from": "2026-11-23", "seeker_towns": ["LG"]}
POSTING = {"employer_name": "龙港镇某物流点", "employer_phone": "13900139000", "gig_job_type": "loading",
           "gig_work_town": "LG", "gig_pay": 200, "gig_date_from": "2026-11-24", "gig_date_to": "2026-11-30",
           "gig_headcount": 3, "gig_description": "搬运货物"}


@pytest.fixture
def web(engine, store, clock):
    return make_api_app(store, clock)


@pytest.fixture
def client(web):
    return web.test_client()


def self_service(client, headers, code, data):
    """Do a one-form self-service item at the kiosk and return the finished case."""
    case = client.post("/api/v1/cases", json={"item_code": code}, headers=headers).get_json()
    done = client.post(f"/api/v1/tasks/{case['next_step']['task_id']}", json={"data": data}, headers=headers)
    assert done.status_code == 200, done.get_json()
    return done.get_json()


@pytest.fixture
def market(client, store, clock, web):
    """A gig seeker (citizen B) and a gig posting (employer C) registered at a kiosk; return the kiosk token."""
    _, token = register_kiosk(store, clock())
    seeker = bearer(token, identify(client, token, CITIZEN_B, "李四"))
    assert self_service(client, seeker, "4", SEEKER)["status"] == "completed"
    employer = bearer(token, identify(client, token, CITIZEN_C, "王五"))
    assert self_service(client, employer, "7", POSTING)["status"] == "completed"
    return token


def test_postings_search_is_paged_and_filtered(client, market):
    headers = bearer(market)
    found = client.get("/api/v1/postings?kind=gig", headers=headers).get_json()
    assert found["total"] == 1
    posting = found["items"][0]
    shown = (posting["employer_name"], posting["pay_unit"], posting["work_town_label"])
    assert shown == ("龙港镇某物流点", "元/天", "龙港镇")
    assert client.get("/api/v1/postings?kind=gig&job_type=catering", headers=headers).get_json()["total"] == 0
    assert client.get("/api/v1/postings?kind=gig&min_pay=500", headers=headers).get_json()["total"] == 0
    assert client.get("/api/v1/postings", headers=headers).get_json()["total"] == 0  # fixed by default
    assert client.get("/api/v1/postings?kind=other", headers=headers).status_code == 422


def test_seekers_search_shows_no_contact_and_masks_names(client, market, store, clock):
    staff = bearer(staff_token(store, clock(), "clerk1"))
    page = client.get("/api/v1/seekers?kind=gig", headers=staff).get_json()
    assert page["total"] == 1
    seeker = page["items"][0]
    assert seeker["name_masked"] == "李*" and "13800138000" not in str(page) and CITIZEN_B not in str(page)
    assert client.get("/api/v1/seekers?kind=gig&max_pay=100", headers=staff).get_json()["total"] == 0
    # A kiosk may search seekers only for an identified citizen.
    assert client.get("/api/v1/seekers", headers=bearer(market)).status_code == 401


def test_matches_both_ways_for_staff(client, market, store, clock):
    staff = bearer(staff_token(store, clock(), "clerk1"))
    posting_id = client.get("/api/v1/postings?kind=gig", headers=staff).get_json()["items"][0]["id"]
    seeker_id = client.get("/api/v1/seekers?kind=gig", headers=staff).get_json()["items"][0]["id"]
    seekers = client.get(f"/api/v1/postings/{posting_id}/matches", headers=staff).get_json()
    assert seekers["total"] == 1 and seekers["items"][0]["rank"] == 1 and seekers["items"][0]["score"] >= 90
    assert seekers["items"][0]["seeker"]["id"] == seeker_id
    postings = client.get(f"/api/v1/seekers/{seeker_id}/matches", headers=staff).get_json()
    assert postings["items"][0]["posting"]["id"] == posting_id
    assert client.get("/api/v1/postings/999/matches", headers=staff).status_code == 404
    assert client.get("/api/v1/seekers/999/matches", headers=staff).status_code == 404


def test_kiosk_citizen_sees_matches_of_their_own_records_only(client, market, store, clock):
    staff = bearer(staff_token(store, clock(), "clerk1"))
    posting_id = client.get("/api/v1/postings?kind=gig", headers=staff).get_json()["items"][0]["id"]
    seeker_id = client.get("/api/v1/seekers?kind=gig", headers=staff).get_json()["items"][0]["id"]
    seeker = bearer(market, identify(client, market, CITIZEN_B, "李四"))
    assert client.get(f"/api/v1/seekers/{seeker_id}/matches", headers=seeker).status_code == 200
    response = client.get(f"/api/v1/postings/{posting_id}/matches", headers=seeker)
    assert (response.status_code, response.get_json()["code"]) == (403, "posting_forbidden")
    employer = bearer(market, identify(client, market, CITIZEN_C, "王五"))
    assert client.get(f"/api/v1/postings/{posting_id}/matches", headers=employer).status_code == 200
    assert client.get(f"/api/v1/seekers/{seeker_id}/matches", headers=employer).get_json()["code"] == \
        "seeker_forbidden"


def test_help_request_lands_in_the_point_clerks_inbox(client, store, clock, web):
    _, token = register_kiosk(store, clock(), name="龙港镇第01村自助机")
    citizen = identify(client, token)
    response = client.post("/api/v1/help", json={"item_code": "11"}, headers=bearer(token, citizen))
    assert response.status_code == 201 and response.get_json()["created"]
    again = client.post("/api/v1/help", json={"item_code": "11"}, headers=bearer(token, citizen)).get_json()
    assert not again["created"] and again["case_id"] == response.get_json()["case_id"]
    clerk1, clerk2 = staff_token(store, clock(), "clerk1"), staff_token(store, clock(), "clerk2")
    inbox = client.get("/api/v1/inbox", headers=bearer(clerk1)).get_json()
    (task,) = [t for t in inbox["items"] if t["bpmn_id"] == "kiosk_help_attend"]
    assert task["case"]["applicant_id_masked"] == "110***********002X" and task["point_code"] == "LG-V01"
    assert client.get("/api/v1/inbox", headers=bearer(clerk2)).get_json()["total"] == 0  # other point
    form = client.get(f"/api/v1/tasks/{task['task_id']}", headers=bearer(clerk1)).get_json()
    shown = {f["name"]: f["display"] for f in form["fields"]}
    assert shown["help_item_shown"] == "失业登记" and shown["help_kiosk_shown"] == "龙港镇第01村自助机"
    assert shown["help_id_shown"] == "110***********002X"
    done = client.post(f"/api/v1/tasks/{task['task_id']}", json={"data": {"help_outcome": "moved_to_counter"}},
                       headers=bearer(clerk1)).get_json()
    assert done["status"] == "completed"
    # Once attended, the next press is a new request.
    assert client.post("/api/v1/help", json={}, headers=bearer(token, citizen)).get_json()["created"]


def test_help_without_a_citizen_and_for_someone_elses_case(client, store, clock, web):
    _, token = register_kiosk(store, clock())
    assert client.post("/api/v1/help", json={}, headers=bearer(token)).status_code == 201
    assert client.post("/api/v1/help", json={"item_code": "nope"}, headers=bearer(token)).status_code == 422
    clerk1 = staff_token(store, clock(), "clerk1")
    case = client.post("/api/v1/cases", json={"item_code": "13", "applicant_id_number": CITIZEN_B,
                                              "applicant_name": "李四"}, headers=bearer(clerk1)).get_json()
    other = bearer(token, identify(client, token))
    assert client.post("/api/v1/help", json={"case_id": case["id"]}, headers=other).status_code == 403


def test_inbox_is_for_staff_only_paged_and_searchable(client, store, clock, web):
    _, token = register_kiosk(store, clock())
    response = client.get("/api/v1/inbox", headers=bearer(token))
    assert (response.status_code, response.get_json()["code"]) == (403, "staff_only")
    clerk1 = staff_token(store, clock(), "clerk1")
    for number, name in ((CITIZEN_B, "李四"), (CITIZEN_C, "王五")):
        client.post("/api/v1/cases", json={"item_code": "11", "applicant_id_number": number,
                                           "applicant_name": name}, headers=bearer(clerk1))
    page = client.get("/api/v1/inbox?per_page=1", headers=bearer(clerk1)).get_json()
    assert (page["total"], page["pages"], len(page["items"])) == (2, 2, 1)
    found = client.get(f"/api/v1/inbox?q={CITIZEN_C}", headers=bearer(clerk1)).get_json()
    assert found["total"] == 1 and found["items"][0]["case"]["applicant_name"] == "王五"
    assert client.get("/api/v1/inbox?mine=true", headers=bearer(clerk1)).get_json()["total"] == 0
    reviewer = staff_token(store, clock(), "reviewer1")
    assert client.get("/api/v1/inbox", headers=bearer(reviewer)).get_json()["total"] == 0


def test_kiosk_info_and_staff_refused_kiosk_endpoints(client, store, clock, web):
    kiosk_id, token = register_kiosk(store, clock())
    info = client.get("/api/v1/kiosk", headers=bearer(token)).get_json()
    assert info["kiosk_id"] == kiosk_id and info["point_code"] == "LG-V01" and info["citizen"] is None
    citizen = identify(client, token)
    info = client.get("/api/v1/kiosk", headers=bearer(token, citizen)).get_json()
    assert info["citizen"] == {"name_masked": "张*", "id_number_masked": "110***********002X", "document": "id_card"}
    clerk1 = bearer(staff_token(store, clock(), "clerk1"))
    for method, path in (("get", "/api/v1/kiosk"), ("post", "/api/v1/citizen/session"), ("post", "/api/v1/help"),
                         ("get", "/api/v1/citizen/cases"), ("delete", "/api/v1/citizen/session")):
        response = getattr(client, method)(path, json={"number": "x"} if method == "post" else None, headers=clerk1)
        assert (response.status_code, response.get_json()["code"]) == (403, "kiosk_only"), path
