"""The life of an account request: file it, decide it, correct or withdraw it, hand out the first password."""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.accounts import labels, vocab
from app.accounts.changes import Stamp, apply_change
from app.accounts.models import AccountRequest
from app.accounts.policy import may_issue_password, review_problem
from app.accounts.rules import FIELDS, Checked, Filer, Refused, check_request
from app.auth import roles
from app.auth.models import User, new_session_token
from app.auth.passwords import PasswordRules, policy_problems
from app.auth.services import set_password
from app.auth.sessions import revoke_all
from app.auth.throttle import forget_account
from app.org.counties import placed, user_county
from engine import audit
from engine.clock import CHINA
from engine.models import ProcessInstance
from engine.runtime import CaseContext, Engine

PROCESS_ID = "account_request"
REVIEW_TASK = "account_review"
# The correction goes back to the filer's own role; each role's form posts its own names (a case's forms never
# share a field name), and `revise` reads them back under the request's keys.
REVISE_TASKS = {roles.CLERK: "account_revise_point", roles.TOWN_STAFF: "account_revise_town",
                roles.ADMIN: "account_revise_county"}
REVISE_PREFIX = {roles.CLERK: "fix_point_", roles.TOWN_STAFF: "fix_town_", roles.ADMIN: "fix_county_"}
_FIXED_BINDING = ("account_role", "account_binding")  # a clerk's requests are always for their own point
_PASSWORD_LETTERS = "".join(c for c in string.ascii_letters if c not in "IlO")
_PASSWORD_DIGITS = "23456789"
PASSWORD_LENGTH = 10


def _today(now: datetime):
    return now.astimezone(CHINA).date()


def _start_data(session: Session, checked: Checked, filer: Filer) -> dict[str, Any]:
    target_name = checked.target.display_name if checked.target is not None else checked.request["person_name"]
    data = {**checked.request, "requester": filer.username, "requester_name": filer.display_name,
            "requester_role": filer.role, "requester_point": filer.point_code or "",
            "requester_town": filer.town_code or "", "return_reason": "", "review_notice": "",
            **labels.display_data(session, checked.request, checked.point_code, checked.town_code, target_name)}
    if filer.role == roles.TOWN_STAFF:  # the town's correction form picks the binding from this list
        data["binding_choices"] = labels.binding_choices(session, filer)
    return data


def file_request(engine: Engine, user: Any, raw: Mapping[str, Any], *, request_key: str | None = None) -> int:
    """Check a request and start its case; raise Refused (nothing started) when it cannot be filed."""
    if request_key and (existing := engine.case_by_request_key(request_key)) is not None:
        return existing  # a double click: the first post already filed it
    filer, now = Filer.of(user), engine.clock()
    with engine.store.session() as session:
        checked = check_request(session, filer, dict(raw), now, _today(now))
        data = _start_data(session, checked, filer)
        # A county-level request (no town) belongs to the filer's county.
        context = placed(session, CaseContext(
            point_code=checked.case_point, town_code=checked.case_town, channel="counter",
            applicant_name=data["target_name"], applicant_id_number=checked.request["person_id_number"] or None),
            user_county(session, user))
    return engine.start_case(PROCESS_ID, context, actor=filer.username, data=data, request_key=request_key)


def record_filing(session: Session, instance: ProcessInstance, data: Mapping[str, Any], now: datetime) -> dict:
    """Keep the request's row beside its case (the list, the printout and the first password read it)."""
    row = AccountRequest(
        instance_id=instance.id, request_no=instance.case_no, kind=data["request_kind"],
        account_role=data.get("account_role") or None, username=data["account_username"],
        person_name=data["target_name"], requester=data["requester"], requester_role=data["requester_role"],
        point_code=instance.point_code, town_code=instance.town_code, county_code=instance.county_code,
        status="pending", filed_at=now,
        updated_at=now, rounds=1)
    session.add(row)
    session.flush()
    audit.record(session, at=now, actor=data["requester"], action="account_request_filed", instance_id=instance.id,
                 point_code=instance.point_code, kind=row.kind, user=row.username, request_no=row.request_no)
    return {"request_no": row.request_no}


def decide(session: Session, instance: ProcessInstance, data: Mapping[str, Any], now: datetime) -> dict:
    """Act on the review: refuse a reviewer who may not decide, record the decision, apply an approval."""
    reviewer = audit.last_completer(session, instance.id, {REVIEW_TASK})
    problem = review_problem(session, reviewer, data)
    if problem:
        audit.record(session, at=now, actor=reviewer or "?", action="review_recused", instance_id=instance.id,
                     point_code=instance.point_code, reason=problem)
        return {"status": "blocked", "message": problem}
    row = session.get(AccountRequest, instance.id)
    opinion = data.get("account_opinion") or ""
    row.reviewed_by, row.reviewed_at, row.updated_at = reviewer, now, now
    row.review_decision, row.review_opinion = data.get("account_decision"), opinion
    detail = {"instance_id": instance.id, "point_code": instance.point_code, "request_no": row.request_no}
    if data.get("account_decision") != "approve":
        row.status = "returned"
        audit.record(session, at=now, actor=reviewer, action="account_request_rejected", opinion=opinion, **detail)
        return {"status": "rejected", "message": f"审核不通过：{opinion}"}
    try:
        checked = check_request(session, Filer.from_data(dict(data)), dict(data), now, _today(now),
                                instance_id=instance.id, one_open=False)
    except Refused as refused:
        row.status = "returned"
        audit.record(session, at=now, actor=reviewer, action="account_request_refused", reason=refused.message,
                     **detail)
        return {"status": "refused", "message": f"审核同意，但该申请现已无法执行：{refused.message}"}
    user, message = apply_change(session, checked, Stamp(reviewer, now, instance.id))
    row.status, row.applied_at, row.user_id = "approved", now, user.id
    return {"status": "applied", "message": message, "username": user.username}


def revise(session: Session, instance: ProcessInstance, data: Mapping[str, Any], now: datetime) -> dict:
    """Take the requester's correction: withdraw, or merge what they changed and check the request again."""
    role = data["requester_role"]
    prefix = REVISE_PREFIX.get(role, REVISE_PREFIX[roles.ADMIN])
    actor = audit.last_completer(session, instance.id, set(REVISE_TASKS.values())) or data["requester"]
    row = session.get(AccountRequest, instance.id)
    point = instance.point_code
    if data.get(prefix + "action") == "withdraw":
        row.status, row.updated_at = "withdrawn", now
        audit.record(session, at=now, actor=actor, action="account_request_withdrawn", instance_id=instance.id,
                     point_code=point, note=data.get(prefix + "note") or "")
        return {"status": "withdrawn", "message": "申请已撤回。"}
    merged = {key: data.get(key) for key in FIELDS}
    for key in FIELDS:
        value = data.get(prefix + key)
        if key != "request_kind" and value not in (None, "") and not (role == roles.CLERK and key in _FIXED_BINDING):
            merged[key] = value  # an empty correction field keeps what the request said
    try:
        checked = check_request(session, Filer.from_data(dict(data)), merged, now, _today(now),
                                instance_id=instance.id)
    except Refused as refused:
        return {"status": "refused", "message": f"修改后的申请未通过检查：{refused.message}"}
    target_name = checked.target.display_name if checked.target is not None else checked.request["person_name"]
    shown = labels.display_data(session, checked.request, checked.point_code, checked.town_code, target_name)
    row.status, row.rounds, row.updated_at = "pending", row.rounds + 1, now
    row.username, row.account_role, row.person_name = checked.request["account_username"], checked.role, target_name
    # The case follows the corrected request: who it concerns and which point's or town's staff see it (a
    # county-level one stays in the county it was filed in).
    county = placed(session, CaseContext(town_code=checked.case_town), instance.county_code).county_code
    row.point_code, row.town_code, row.county_code = checked.case_point, checked.case_town, county
    instance.applicant_name = target_name
    instance.applicant_id_number = checked.request["person_id_number"] or None
    instance.point_code, instance.town_code, instance.county_code = checked.case_point, checked.case_town, county
    audit.record(session, at=now, actor=actor, action="account_request_resubmitted", instance_id=instance.id,
                 point_code=instance.point_code, round=row.rounds, note=data.get(prefix + "note") or "")
    return {"status": "resubmitted", "message": "", "request": {**checked.request, **shown}}


def generate_password(username: str = "", rules: PasswordRules | None = None) -> str:
    """Return a random password that meets the policy: upper and lower case letters and digits, no look-alikes."""
    rules = rules or PasswordRules()
    length = max(PASSWORD_LENGTH, rules.min_length)
    while True:
        password = "".join(secrets.choice(_PASSWORD_LETTERS + _PASSWORD_DIGITS) for _ in range(length))
        if not policy_problems(password, username=username, rules=rules):
            return password


def issue_initial_password(session: Session, instance_id: int, actor: Any, now: datetime,
                           rules: PasswordRules | None = None) -> tuple[User, str]:
    """Give an approved new account a one-time password; return it to show once (only its hash is kept)."""
    row = session.get(AccountRequest, instance_id)
    if row is None or row.kind != vocab.NEW or row.status != "approved" or row.user_id is None:
        raise Refused("只有已审核通过的新增账号申请才能生成初始密码。")
    if not may_issue_password(actor, row):
        raise PermissionError(actor.username)
    user = session.get(User, row.user_id)
    if not user.active:
        raise Refused(f"账号“{user.username}”已停用，不能生成初始密码。")
    if not user.must_change_password:
        raise Refused(f"账号“{user.username}”已由本人设置密码，不能再生成初始密码。")
    password = generate_password(user.username, rules)
    set_password(session, user, password, now)
    user.session_token = new_session_token()  # whoever held an earlier initial password is out
    revoke_all(session, user.id, now, "password")
    user.failed_logins, user.locked_until = 0, None
    forget_account(session, user.username)
    audit.record(session, at=now, actor=actor.username, action="initial_password_issued", instance_id=instance_id,
                 point_code=user.point_code, user=user.username)
    return user, password
