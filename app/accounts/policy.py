"""Who may file, review and follow account requests: four eyes, and the filers' scope.

`may_review` and `may_work` take no session so the task pages can call them with the task's data; the
review operator repeats the check with the database (`review_problem`), so the rule holds even where a
page forgot to ask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import vocab
from app.accounts.models import AccountRequest, StaffProfile
from app.auth import roles
from app.auth.models import User
from app.auth.policy import can_see

REVIEW_TASK = "account_review"
OWN_REQUEST = "申请人本人不能审核自己提交的账号申请，请由其他审核人审核。"
OWN_ACCOUNT = "审核人不能审核针对本人账号的申请，请由其他审核人审核。"
UNKNOWN_REVIEWER = "无法确认审核人，请重新审核。"


def _enabled(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", True) and getattr(user, "active", False))


def may_file(user: object) -> bool:
    """Tell whether the user may file account requests (a point's or town's administrator, or an admin)."""
    return _enabled(user) and getattr(user, "role", None) in vocab.FILER_ROLES


def review_refusal(user: object, case_data: Mapping[str, Any]) -> str | None:
    """Return why the user may not review this request (their own, or about their own account), or None."""
    username = getattr(user, "username", None)
    if not _enabled(user) or not username:
        return UNKNOWN_REVIEWER
    if username == case_data.get("requester"):
        return OWN_REQUEST
    if case_data.get("request_kind") != vocab.NEW and username == case_data.get("account_username"):
        return OWN_ACCOUNT
    return None


def may_review(user: object, case_data: Mapping[str, Any]) -> bool:
    """Tell whether the user may review this request: never their own, never one about their own account."""
    return review_refusal(user, case_data) is None


def work_refusal(user: object, bpmn_id: str, case_data: Mapping[str, Any]) -> str | None:
    """Return why the user may not open or complete this task beyond its role and scope (four eyes), or None."""
    return review_refusal(user, case_data) if bpmn_id == REVIEW_TASK else None


def may_work(user: object, bpmn_id: str, case_data: Mapping[str, Any]) -> bool:
    """Tell whether the user may open or complete this task beyond its role and scope (four eyes on reviews)."""
    return work_refusal(user, bpmn_id, case_data) is None


def review_problem(session: Session, reviewer: str | None, case_data: Mapping[str, Any]) -> str | None:
    """Return why this reviewer may not decide the request (the database check behind may_review), or None."""
    if not reviewer:
        return UNKNOWN_REVIEWER
    if reviewer == case_data.get("requester"):
        return OWN_REQUEST
    if case_data.get("request_kind") != vocab.NEW:
        return OWN_ACCOUNT if reviewer == case_data.get("account_username") else None
    # A new account is "for themselves" when it carries the reviewer's own ID number.
    user = session.scalar(select(User).where(User.username == reviewer))
    profile = session.get(StaffProfile, user.id) if user is not None else None
    number = (case_data.get("person_id_number") or "").upper()
    if profile is not None and profile.id_number and number and profile.id_number.upper() == number:
        return OWN_ACCOUNT
    return None


def may_see_request(user: object, row: AccountRequest) -> bool:
    """Tell whether the user may see a request: its point or town is in their scope, or they filed it."""
    return can_see(user, row.point_code, row.town_code, row.county_code) or (
        _enabled(user) and getattr(user, "username", None) == row.requester)


def may_issue_password(user: object, row: AccountRequest) -> bool:
    """Tell whether the user may generate the initial password of a new account: its requester, its
    reviewer, or an admin."""
    if not _enabled(user) or not may_see_request(user, row):
        return False
    return getattr(user, "username", None) in (row.requester, row.reviewed_by) or \
        getattr(user, "role", None) == roles.ADMIN
