"""Account requests through the pages: filing and its refusals, review on /tasks, four eyes, the frozen user,
the printable 附件8 form and the one-time password."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import AccountRequest
from app.auth.models import User
from engine.idcard import check_character
from engine.models import AuditEvent, InboxTask, ProcessInstance
from tests.web import logged_in, login, post, token

PERSON_ID = "14052119850611002"
PERSON_ID += check_character(PERSON_ID)
NEW = {"request_kind": "new", "account_username": "zhaoli", "account_role": "clerk", "account_binding": "LG-V03",
       "staff_type": "part_time", "person_name": "赵丽", "person_unit": "龙港镇第03村村民委员会",
       "person_post": "网格员", "person_id_number": PERSON_ID, "person_phone": "13935600011",
       "system_name": "沁水县就业社保服务信息系统", "request_reason": "网点新增兼职经办人员",
       "contact_person": "演示乡镇工作人员", "contact_phone": "13935600012"}
FREEZE = {"request_kind": "freeze", "system_name": "沁水县就业社保服务信息系统", "request_reason": "人员调离",
          "contact_person": "联系人", "contact_phone": "13935600013"}
APPROVE = {"account_decision": "approve", "account_opinion": "同意。"}


def file(client, **fields):
    page = client.get("/accounts/requests/new").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    return client.post("/accounts/requests/new", data={**fields, "request_key": key,
                                                        "csrf_token": token(client, "/accounts/requests/new")})


def counts(store):
    with store.session() as s:
        return (s.scalar(select(func.count()).select_from(User)),
                s.scalar(select(func.count()).select_from(ProcessInstance)),
                s.scalar(select(func.count()).select_from(AccountRequest)))


def only_request(store) -> AccountRequest:
    with store.session() as s:
        (row,) = s.scalars(select(AccountRequest)).all()
        return row


def task_url(store, case_id, bpmn_id):
    with store.session() as s:
        task_id = s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case_id,
                                                            InboxTask.bpmn_id == bpmn_id))
    return f"/tasks/{task_id}" if task_id else None


def get_user(store, username) -> User:
    with store.session() as s:
        return s.scalar(select(User).where(User.username == username))


def test_file_review_print_and_first_password(web, store):
    town = logged_in(web, "townstaff1")
    form = town.get("/accounts/requests/new").get_data(as_text=True)
    assert "用户申请（变更）单" in form and "LG-V03" in form and "ZZ-V01" not in form
    response = file(town, **NEW)
    row = only_request(store)
    assert response.headers["Location"] == f"/accounts/requests/{row.instance_id}"
    sheet = town.get(response.headers["Location"]).get_data(as_text=True)
    for words in ("用户申请（变更）单", row.request_no, "新增账号", "赵丽", "龙港镇第03村村民委员会 网格员", PERSON_ID,
                  "龙港镇人民政府（盖章）", "县（市、区）人社部门意见", "（待审核）", "业务操作员账号"):
        assert words in sheet, words
    assert "生成一次性初始密码" not in sheet

    reviewer = logged_in(web, "reviewer1")
    url = task_url(store, row.instance_id, "account_review")
    review = reviewer.get(url).get_data(as_text=True)
    assert "赵丽" in review and PERSON_ID in review and "兼职人员" in review
    assert post(reviewer, url, APPROVE).status_code == 302
    sheet = town.get(f"/accounts/requests/{row.instance_id}").get_data(as_text=True)
    assert "审核结果：同意" in sheet and "演示县局审核人（系统审核）" in sheet and "生成一次性初始密码" in sheet

    issued = post(town, f"/accounts/requests/{row.instance_id}/password", {},
                  f"/accounts/requests/{row.instance_id}")
    assert issued.status_code == 200 and issued.headers["Cache-Control"] == "no-store"
    password = re.search(r'<code class="password"[^>]*>([^<]+)</code>', issued.get_data(as_text=True)).group(1)
    newcomer = web.test_client()
    assert login(newcomer, "zhaoli", password).headers["Location"] == "/password"  # must change it first
    assert post(logged_in(web, "clerk2"), f"/accounts/requests/{row.instance_id}/password", {},
                "/accounts/requests").status_code == 403


def test_double_submit_files_one_request(web, store):
    town = logged_in(web, "townstaff1")
    page = town.get("/accounts/requests/new").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    data = {**NEW, "request_key": key, "csrf_token": token(town, "/accounts/requests/new")}
    first, second = town.post("/accounts/requests/new", data=data), town.post("/accounts/requests/new", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert counts(store)[1:] == (1, 1)


@pytest.mark.parametrize(("filer", "fields", "words"), [
    ("townstaff1", dict(NEW, account_username="clerk2"), "用户名“clerk2”已被使用"),
    ("townstaff1", dict(NEW, person_id_number=PERSON_ID[:17] + ("1" if PERSON_ID[17] != "1" else "2")),
     "身份证号码校验码错误"),
    ("admin1", dict(FREEZE, account_username="nobody"), "没有找到用户名为“nobody”的账号"),
    ("clerk1", dict(FREEZE, account_username="clerk2"), "窗口经办人只能为本网点"),
    ("clerk1", dict(NEW, account_binding="ZZ-V01"), "请从列表中选择所属网点或乡镇"),
])
def test_bad_input_is_refused_in_chinese_and_changes_nothing(web, store, filer, fields, words):
    before = counts(store)
    response = file(logged_in(web, filer), **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and words in page
    assert f'value="{fields["account_username"]}"' in page  # what was typed is kept
    assert counts(store) == before


def test_only_point_town_and_admin_staff_file(web):
    assert logged_in(web, "reviewer1").get("/accounts/requests/new").status_code == 403
    assert logged_in(web, "supervisor1").get("/accounts/requests/new").status_code == 403


def test_frozen_user_is_logged_out_at_once_and_cannot_log_in(web, store):
    clerk = logged_in(web, "clerk1")
    assert clerk.get("/inbox").status_code == 200
    file(logged_in(web, "townstaff1"), **dict(FREEZE, account_username="clerk1"))
    row = only_request(store)
    post(logged_in(web, "reviewer1"), task_url(store, row.instance_id, "account_review"), APPROVE)
    assert clerk.get("/inbox").headers["Location"].startswith("/login")
    assert "账号已停用" in login(web.test_client(), "clerk1").get_data(as_text=True)


def test_reviewer_cannot_approve_a_request_about_their_own_account(web, store):
    file(logged_in(web, "admin1"), **dict(FREEZE, account_username="reviewer1"))
    row = only_request(store)
    reviewer = logged_in(web, "reviewer1")
    url = task_url(store, row.instance_id, "account_review")
    response = post(reviewer, url, APPROVE) if reviewer.get(url).status_code == 200 else None
    assert response is None or response.status_code in (302, 403)
    assert get_user(store, "reviewer1").active and only_request(store).status == "pending"
    assert task_url(store, row.instance_id, "account_review") is not None  # still waiting for another reviewer
    if response is not None and response.status_code == 302:  # the page let it through: the operator refused
        with store.session() as s:
            assert s.scalar(select(AuditEvent.actor).where(AuditEvent.action == "review_recused")) == "reviewer1"
        notice = reviewer.get(task_url(store, row.instance_id, "account_review")).get_data(as_text=True)
        assert "不能审核针对本人账号的申请" in notice


def test_reviewer_cannot_approve_their_own_request(web, store):
    file(logged_in(web, "townstaff1"), **NEW)
    row = only_request(store)
    with store.session(write=True) as s:  # the filer became a county reviewer while the request waited
        promoted = s.scalar(select(User).where(User.username == "townstaff1"))
        promoted.role, promoted.town_code = "county_reviewer", None
    own = logged_in(web, "townstaff1")
    url = task_url(store, row.instance_id, "account_review")
    if own.get(url).status_code == 200:
        post(own, url, APPROVE)
    assert get_user(store, "zhaoli") is None and only_request(store).status == "pending"
    post(logged_in(web, "reviewer1"), task_url(store, row.instance_id, "account_review"), APPROVE)
    assert get_user(store, "zhaoli") is not None


def test_rejection_goes_back_to_the_requesters_queue_and_resubmits(web, store):
    clerk = logged_in(web, "clerk1")
    file(clerk, **dict(NEW, account_binding="LG-V01"))
    row = only_request(store)
    post(logged_in(web, "reviewer1"), task_url(store, row.instance_id, "account_review"),
         {"account_decision": "reject", "account_opinion": "请补充职务。"})
    assert "修改账号申请（网点）" in clerk.get("/inbox").get_data(as_text=True)
    url = task_url(store, row.instance_id, "account_revise_point")
    page = clerk.get(url).get_data(as_text=True)
    assert "审核不通过：请补充职务。" in page and "原申请内容" in page
    assert logged_in(web, "clerk2").get(url).status_code == 403
    assert post(clerk, url, {"fix_point_action": "resubmit", "fix_point_person_post": "村会计"}).status_code == 302
    assert only_request(store).status == "pending" and only_request(store).rounds == 2
    sheet = clerk.get(f"/accounts/requests/{row.instance_id}").get_data(as_text=True)
    assert "村会计" in sheet and "第 2 次提交" in sheet


def test_request_list_is_scoped(web, store):
    file(logged_in(web, "townstaff1"), **NEW)
    row = only_request(store)
    assert row.request_no in logged_in(web, "townstaff1").get("/accounts/requests").get_data(as_text=True)
    assert row.request_no not in logged_in(web, "clerk1").get("/accounts/requests").get_data(as_text=True)  # LG-V03
    assert row.request_no in logged_in(web, "supervisor1").get("/accounts/requests").get_data(as_text=True)
    assert logged_in(web, "clerk2").get(f"/accounts/requests/{row.instance_id}").status_code == 403
