"""Account requests (附件8): each kind through approval and through rejection-and-resubmit, four eyes,
withdrawal, refusals and the deadline; asserting on the real app_user rows, the ledger and the milestone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from app.accounts import services
from app.accounts.models import AccountRequest, PointMilestone, StaffProfile
from app.accounts.rules import Refused
from app.auth import sessions, throttle
from app.auth.models import LoginSession, LoginThrottle, User
from app.auth.passwords import PasswordRules, check_password, hash_password, policy_problems
from app.auth.seed import seed_demo_users
from app.auth.services import create_user
from engine.idcard import check_character
from engine.models import AuditEvent, InboxTask, ProcessInstance
from engine.timers import fire_due_timers
from tests.factories import do, open_tasks, start_item11, task_of

PERSON_ID = "14052119900307" + "001"
PERSON_ID += check_character(PERSON_ID)
NEW_CLERK = {"request_kind": "new", "account_username": "wangfang", "account_role": "clerk",
             "account_binding": "LG-V02", "staff_type": "full_time", "person_name": "王芳",
             "person_unit": "龙港镇第02村村民委员会", "person_post": "就业社保协理员", "person_id_number": PERSON_ID,
             "person_phone": "13935600001", "system_name": "沁水县就业社保服务信息系统",
             "request_reason": "新设服务网点，配备专职经办人员", "contact_person": "演示乡镇工作人员",
             "contact_phone": "13935600002"}
APPROVE = {"account_decision": "approve", "account_opinion": "同意。"}
REJECT = {"account_decision": "reject", "account_opinion": "职务填写不规范，请按村委会任命填写。"}


@pytest.fixture
def people(store, clock):
    with store.session(write=True) as s:
        seed_demo_users(s, clock())
        create_user(s, username="reviewer2", display_name="第二审核人", password_hash=hash_password("x-2026-x"),
                    role="county_reviewer", now=clock(), must_change_password=False)


def user(store, username: str) -> User | None:
    with store.session() as s:
        return s.scalar(select(User).where(User.username == username))


def request_row(store, case: int) -> AccountRequest:
    with store.session() as s:
        return s.get(AccountRequest, case)


def case_row(store, case: int) -> ProcessInstance:
    with store.session() as s:
        return s.get(ProcessInstance, case)


def actions(store, case: int | None = None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if case is not None:
        query = query.where(AuditEvent.instance_id == case)
    with store.session() as s:
        return list(s.scalars(query))


def file(engine, store, filer: str, **fields) -> int:
    return services.file_request(engine, user(store, filer), fields)


def change(kind: str, username: str, **extra) -> dict:
    return {"request_kind": kind, "account_username": username, "request_reason": "按乡镇通知办理",
            "contact_person": "联系人", "contact_phone": "13935600003", "system_name": "", **extra}


def bpmn_ids(engine, case: int) -> list[str]:
    return [t.bpmn_id for t in open_tasks(engine, case)]


def test_new_account_through_approval_gets_a_one_time_password_and_authorises_the_point(engine, store, clock,
                                                                                          people):
    case = file(engine, store, "townstaff1", **NEW_CLERK)
    row = case_row(store, case)
    assert (row.point_code, row.town_code, row.applicant_name, row.limit_days) == ("LG-V02", "LG", "王芳", 2)
    review = task_of(engine, case, "account_review")
    assert review.candidate_role == "county_reviewer" and review.point_code == "LG-V02"
    assert user(store, "wangfang") is None and request_row(store, case).status == "pending"
    do(engine, case, "account_review", APPROVE, "reviewer1")
    made = user(store, "wangfang")
    assert (made.role, made.point_code, made.town_code, made.active, made.must_change_password) == (
        "clerk", "LG-V02", "LG", True, True)
    assert made.password_hash.startswith("scrypt:")
    with store.session() as s:
        profile = s.get(StaffProfile, made.id)
        milestone = s.scalar(select(PointMilestone).where(PointMilestone.point_code == "LG-V02"))
    assert (profile.staff_type, profile.post, profile.id_number, profile.instance_id) == (
        "full_time", "就业社保协理员", PERSON_ID, case)
    assert (milestone.milestone, milestone.set_by, milestone.source, milestone.instance_id) == (
        "staff_authorised", "reviewer1", "account_request", case)
    request = request_row(store, case)
    assert (request.status, request.reviewed_by, request.review_opinion, request.user_id) == (
        "approved", "reviewer1", "同意。", made.id)
    assert case_row(store, case).status == "completed"
    assert {"account_request_filed", "account_created", "milestone_set"} <= set(actions(store, case))

    with store.session(write=True) as s:
        issued_to, password = services.issue_initial_password(s, case, user(store, "townstaff1"), clock())
    assert issued_to.username == "wangfang" and check_password(user(store, "wangfang").password_hash, password)
    assert policy_problems(password, username="wangfang", rules=PasswordRules()) == []  # the same policy as users'
    with store.session() as s:  # the plain password is kept nowhere: not in the case, not in the audit trail
        assert password not in case_row(store, case).state
        assert not any(password in d for d in s.scalars(select(AuditEvent.detail)))
    with store.session(write=True) as s, pytest.raises(PermissionError):
        services.issue_initial_password(s, case, user(store, "clerk2"), clock())


def test_second_operator_does_not_move_the_milestone(engine, store, clock, people):
    first = file(engine, store, "townstaff1", **NEW_CLERK)
    do(engine, first, "account_review", APPROVE, "reviewer1")
    clock.advance(hours=1)
    other = dict(NEW_CLERK, account_username="lisi", person_name="李四", staff_type="part_time")
    second = file(engine, store, "townstaff1", **other)
    do(engine, second, "account_review", APPROVE, "reviewer2")
    with store.session() as s:
        (milestone,) = s.scalars(select(PointMilestone)).all()
    assert milestone.instance_id == first


def test_new_account_rejected_corrected_by_the_point_and_approved(engine, store, people):
    case = file(engine, store, "clerk1", **dict(NEW_CLERK, account_binding="LG-V01"))
    do(engine, case, "account_review", REJECT, "reviewer1")
    assert request_row(store, case).status == "returned" and user(store, "wangfang") is None
    fix = task_of(engine, case, "account_revise_point")
    assert (fix.candidate_role, fix.point_code) == ("clerk", "LG-V01")
    do(engine, case, "account_revise_point", {"fix_point_action": "resubmit", "fix_point_person_post": "村委委员",
                                              "fix_point_note": "已按任命修改"}, "clerk1")
    assert bpmn_ids(engine, case) == ["account_review"] and request_row(store, case).rounds == 2
    do(engine, case, "account_review", APPROVE, "reviewer1")
    made = user(store, "wangfang")
    with store.session() as s:
        assert s.get(StaffProfile, made.id).post == "村委委员"
    assert made.point_code == "LG-V01" and case_row(store, case).status == "completed"
    assert "account_request_resubmitted" in actions(store, case)


def test_freeze_ends_sessions_and_releases_claimed_tasks(engine, store, people):
    item = start_item11(engine)
    claimed = open_tasks(engine, item)[0]
    engine.claim(claimed.task_id, "clerk1")
    token = user(store, "clerk1").session_token
    with store.session(write=True) as s:
        sid = sessions.start(s, s.scalar(select(User).where(User.username == "clerk1")), engine.clock(), "10.0.0.1")
    case = file(engine, store, "townstaff1", **change("freeze", "clerk1"))
    assert case_row(store, case).point_code == "LG-V01"
    do(engine, case, "account_review", APPROVE, "reviewer1")
    frozen = user(store, "clerk1")
    assert not frozen.active and frozen.session_token != token
    with store.session() as s:
        assert s.get(LoginSession, sid).revoked_reason == "disabled"  # ended server-side too
    with store.session() as s:
        assert s.scalar(select(InboxTask.assignee).where(InboxTask.task_id == claimed.task_id)) is None
        release = s.scalar(select(AuditEvent).where(AuditEvent.action == "unclaim", AuditEvent.instance_id == item))
    assert release.actor == "reviewer1" and '"released_from": "clerk1"' in release.detail
    assert "account_frozen" in actions(store, case)


def test_freeze_rejected_then_resubmitted_by_the_town(engine, store, people):
    case = file(engine, store, "townstaff1", **change("freeze", "clerk1"))
    do(engine, case, "account_review", REJECT, "reviewer1")
    assert task_of(engine, case, "account_revise_town").candidate_role == "town_staff"
    assert user(store, "clerk1").active
    fix = {"fix_town_action": "resubmit", "fix_town_request_reason": "该同志已调离，经乡镇研究冻结其账号"}
    do(engine, case, "account_revise_town", fix, "townstaff1")
    do(engine, case, "account_review", APPROVE, "reviewer2")
    assert not user(store, "clerk1").active


def test_unlock_clears_lockout_and_reactivates(engine, store, clock, people):
    with store.session(write=True) as s:
        locked = s.scalar(select(User).where(User.username == "clerk2"))
        locked.active, locked.failed_logins, locked.locked_until = False, 3, clock() + timedelta(minutes=10)
        for _ in range(5):
            throttle.fail(s, throttle.account_key("clerk2", "203.0.113.9"), 5, clock())
    case = file(engine, store, "admin1", **change("unlock", "clerk2"))
    do(engine, case, "account_review", REJECT, "reviewer1")
    assert task_of(engine, case, "account_revise_county").candidate_role == "admin"
    do(engine, case, "account_revise_county", {"fix_county_action": "resubmit",
                                               "fix_county_request_reason": "本人已回岗"}, "admin1")
    do(engine, case, "account_review", APPROVE, "reviewer1")
    unlocked = user(store, "clerk2")
    assert (unlocked.active, unlocked.failed_logins, unlocked.locked_until) == (True, 0, None)
    with store.session() as s:  # the lock from every address is lifted too
        assert s.scalar(select(func.count()).select_from(LoginThrottle)) == 0
    # clerk2's point had no staff_authorised milestone: an operator account became active there now
    with store.session() as s:
        assert s.scalar(select(PointMilestone.point_code)) == "ZZ-V01"


def test_cancel_is_final(engine, store, clock, people):
    case = file(engine, store, "admin1", **change("cancel", "clerk2"))
    do(engine, case, "account_review", APPROVE, "reviewer1")
    cancelled = user(store, "clerk2")
    with store.session() as s:
        assert s.get(StaffProfile, cancelled.id).cancelled_at == clock()
    assert not cancelled.active
    with pytest.raises(Refused, match="已注销"):
        file(engine, store, "admin1", **change("unlock", "clerk2"))


def test_cancel_rejected_then_resubmitted(engine, store, people):
    case = file(engine, store, "admin1", **change("cancel", "clerk2"))
    do(engine, case, "account_review", REJECT, "reviewer1")
    do(engine, case, "account_revise_county", {"fix_county_action": "resubmit"}, "admin1")
    do(engine, case, "account_review", APPROVE, "reviewer1")
    assert not user(store, "clerk2").active and request_row(store, case).status == "approved"


def test_change_role_corrected_then_takes_effect(engine, store, people):
    item = start_item11(engine)
    engine.claim(open_tasks(engine, item)[0].task_id, "clerk1")
    case = file(engine, store, "admin1", **change("change_role", "clerk1", account_role="county_backbone"))
    do(engine, case, "account_review", REJECT, "reviewer1")
    fix = {"fix_county_action": "resubmit", "fix_county_account_role": "town_staff",
           "fix_county_account_binding": "LG", "fix_county_staff_type": "part_time"}
    do(engine, case, "account_revise_county", fix, "admin1")
    review = task_of(engine, case, "account_review")
    assert user(store, "clerk1").role == "clerk"
    do(engine, case, "account_review", APPROVE, "reviewer1")
    changed = user(store, "clerk1")
    assert (changed.role, changed.point_code, changed.town_code, changed.active) == ("town_staff", None, "LG", True)
    assert review.task_id not in {t.task_id for t in open_tasks(engine, case)}
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(InboxTask).where(InboxTask.assignee == "clerk1")) == 0
        assert s.get(StaffProfile, changed.id).staff_type == "part_time"


def test_change_role_through_approval(engine, store, people):
    case = file(engine, store, "townstaff1", **change("change_role", "clerk1", account_role="town_staff",
                                                      account_binding="LG"))
    do(engine, case, "account_review", APPROVE, "reviewer1")
    assert (user(store, "clerk1").role, user(store, "clerk1").town_code) == ("town_staff", "LG")


def test_withdrawal_ends_the_case_and_changes_nothing(engine, store, people):
    case = file(engine, store, "townstaff1", **change("freeze", "clerk1"))
    do(engine, case, "account_review", REJECT, "reviewer1")
    do(engine, case, "account_revise_town", {"fix_town_action": "withdraw", "fix_town_note": "误报"}, "townstaff1")
    assert case_row(store, case).status == "completed" and request_row(store, case).status == "withdrawn"
    assert user(store, "clerk1").active and "account_request_withdrawn" in actions(store, case)


def test_nobody_reviews_a_request_about_their_own_account(engine, store, people):
    case = file(engine, store, "admin1", **change("freeze", "reviewer1"))
    do(engine, case, "account_review", APPROVE, "reviewer1")
    assert user(store, "reviewer1").active  # nothing applied
    assert bpmn_ids(engine, case) == ["account_review"] and request_row(store, case).status == "pending"
    assert "review_recused" in actions(store, case)
    do(engine, case, "account_review", APPROVE, "reviewer2")
    assert not user(store, "reviewer1").active


def test_nobody_reviews_their_own_request(engine, store, people):
    case = file(engine, store, "townstaff1", **NEW_CLERK)
    with store.session(write=True) as s:  # promoted to the county while the request waits
        promoted = s.scalar(select(User).where(User.username == "townstaff1"))
        promoted.role, promoted.town_code = "county_reviewer", None
    do(engine, case, "account_review", REJECT, "townstaff1")
    assert request_row(store, case).status == "pending" and bpmn_ids(engine, case) == ["account_review"]
    do(engine, case, "account_review", APPROVE, "reviewer1")
    assert user(store, "wangfang") is not None


def test_a_correction_that_fails_the_checks_goes_back_to_the_requester(engine, store, people):
    case = file(engine, store, "townstaff1", **NEW_CLERK)
    do(engine, case, "account_review", REJECT, "reviewer1")
    do(engine, case, "account_revise_town", {"fix_town_action": "resubmit", "fix_town_account_username": "clerk1"},
       "townstaff1")
    assert bpmn_ids(engine, case) == ["account_revise_town"]
    with store.session() as s:
        workflow = engine.load_workflow(s, s.get(ProcessInstance, case))
    (task,) = [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == "account_revise_town"]
    assert "已被使用" in task.data["return_reason"]


def test_approval_that_can_no_longer_be_applied_returns_to_the_requester(engine, store, clock, people):
    case = file(engine, store, "townstaff1", **NEW_CLERK)
    with store.session(write=True) as s:
        create_user(s, username="wangfang", display_name="同名", password_hash="x", role="clerk", point_code="LG-V03",
                    now=clock())
    do(engine, case, "account_review", APPROVE, "reviewer1")
    assert request_row(store, case).status == "returned" and bpmn_ids(engine, case) == ["account_revise_town"]
    assert user(store, "wangfang").point_code == "LG-V03"


@pytest.mark.parametrize(("filer", "fields", "words"), [
    ("townstaff1", dict(NEW_CLERK, account_username="clerk2"), "已被使用"),
    ("townstaff1", dict(NEW_CLERK, person_id_number="140521199003070010"), "校验码错误"),
    ("admin1", change("freeze", "nobody"), "没有找到用户名为“nobody”的账号"),
    ("clerk1", change("freeze", "clerk2"), "只能为本网点"),
    ("clerk1", dict(NEW_CLERK, account_binding="ZZ-V01"), "只能为本网点"),
    ("townstaff1", dict(NEW_CLERK, account_binding="ZZ-V02"), "只能为本乡镇"),
    ("townstaff1", dict(NEW_CLERK, account_role="admin"), "只能为本乡镇"),
    ("admin1", change("unlock", "clerk2"), "无需解锁"),
    ("admin1", change("change_role", "clerk2", account_role="clerk", account_binding="ZZ-V01"), "现有权限相同"),
])
def test_bad_requests_are_refused_and_start_nothing(engine, store, people, filer, fields, words):
    with pytest.raises(Refused) as refused:
        file(engine, store, filer, **fields)
    assert words in refused.value.message
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ProcessInstance)) == 0
        assert s.scalar(select(func.count()).select_from(AccountRequest)) == 0


def test_one_open_request_per_account_and_double_submit_is_one_case(engine, store, people):
    filer = user(store, "townstaff1")
    first = services.file_request(engine, filer, NEW_CLERK, request_key="k1")
    assert services.file_request(engine, filer, NEW_CLERK, request_key="k1") == first
    with pytest.raises(Refused, match="已有未办结的申请"):
        services.file_request(engine, filer, NEW_CLERK, request_key="k2")


def test_overdue_review_goes_to_a_supervisor(engine, store, clock, people):
    case = file(engine, store, "townstaff1", **NEW_CLERK)
    due = case_row(store, case).due_at
    assert due.isoformat() == "2026-11-25T09:30:00+00:00"  # Wednesday 17:30 Beijing: two working days
    clock.set(due + timedelta(minutes=1))
    assert fire_due_timers(engine).fired == 1
    assert set(bpmn_ids(engine, case)) == {"account_review", "supervise_overdue"} and case_row(store, case).overdue
    do(engine, case, "supervise_overdue", {"overdue_reason": "审核人出差", "supervise_action": "已督促"}, "supervisor1")
    do(engine, case, "account_review", APPROVE, "reviewer1")
    assert case_row(store, case).status == "completed" and user(store, "wangfang").active
