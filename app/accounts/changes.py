"""Apply an approved account request to the real users, in the caller's transaction, with audit events."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts import vocab
from app.accounts.milestones import set_milestone
from app.accounts.models import StaffProfile
from app.accounts.rules import Checked
from app.auth import roles, sessions, throttle
from app.auth.models import User, new_session_token
from app.auth.passwords import hash_password
from app.auth.services import create_user
from engine import audit
from engine.models import InboxTask

# The initial password is generated later, on its own page, so that it is shown once and stored nowhere.
_NO_PASSWORD_YET = 32


@dataclass(frozen=True)
class Stamp:
    """Who approved the change, when, and in which case."""

    actor: str
    at: datetime
    instance_id: int | None = None


def release_claimed_tasks(session: Session, username: str, stamp: Stamp, reason: str) -> int:
    """Put every task a user has claimed back into its point's queue; return how many."""
    held = session.execute(select(InboxTask.task_id, InboxTask.instance_id, InboxTask.point_code)
                           .where(InboxTask.assignee == username)).all()
    if held:
        session.execute(update(InboxTask).where(InboxTask.assignee == username).values(assignee=None))
    for task_id, instance_id, point_code in held:
        audit.record(session, at=stamp.at, actor=stamp.actor, action="unclaim", instance_id=instance_id,
                     task_id=task_id, point_code=point_code, released_from=username, reason=reason,
                     request_instance=stamp.instance_id)
    return len(held)


def _profile(session: Session, user: User, stamp: Stamp) -> StaffProfile:
    profile = session.get(StaffProfile, user.id)
    if profile is None:
        profile = StaffProfile(user_id=user.id, created_at=stamp.at)
        session.add(profile)
    profile.point_code, profile.town_code = user.point_code, user.town_code
    profile.instance_id, profile.updated_at = stamp.instance_id, stamp.at
    return profile


def _staff_authorised(session: Session, user: User, stamp: Stamp) -> bool:
    """Set the point's 工作人员授权 milestone when this is an active operator account at a point."""
    if not (user.active and user.role == roles.CLERK and user.point_code):
        return False
    # Accounts made outside requests (seeded, imported) leave no date to record; say so rather than guess one.
    earlier = session.scalars(select(User.username).where(User.point_code == user.point_code, User.active,
                                                          User.role == roles.CLERK, User.id != user.id)).all()
    note = f"账号 {user.username}" + (f"；此前已有未经账号申请开通的在用账号：{'、'.join(earlier)}" if earlier else "")
    return set_milestone(session, user.point_code, vocab.STAFF_AUTHORISED, at=stamp.at, by=stamp.actor,
                         source="account_request", instance_id=stamp.instance_id, note=note)


def _record(session: Session, stamp: Stamp, action: str, user: User, **detail) -> None:
    audit.record(session, at=stamp.at, actor=stamp.actor, action=action, instance_id=stamp.instance_id,
                 point_code=user.point_code, user=user.username, **detail)


def _new(session: Session, checked: Checked, stamp: Stamp) -> User:
    req = checked.request
    user = create_user(session, username=req["account_username"], display_name=req["person_name"],
                       password_hash=hash_password(secrets.token_urlsafe(_NO_PASSWORD_YET)), role=checked.role,
                       now=stamp.at, point_code=checked.point_code, town_code=checked.town_code,
                       must_change_password=True)
    profile = _profile(session, user, stamp)
    profile.staff_type = req["staff_type"] or None
    profile.unit, profile.post = req["person_unit"], req["person_post"]
    profile.id_number, profile.phone = req["person_id_number"], req["person_phone"]
    _record(session, stamp, "account_created", user, role=user.role, town=user.town_code,
            staff_type=profile.staff_type)
    return user


def _end_access(session: Session, user: User, stamp: Stamp, action: str) -> int:
    """Deactivate an account: sessions end at its next request, its claimed tasks go back to the queue."""
    user.active = False
    user.session_token = new_session_token()
    sessions.revoke_all(session, user.id, stamp.at, "disabled")
    released = release_claimed_tasks(session, user.username, stamp, reason=action)
    _record(session, stamp, action, user, sessions_ended=True, tasks_released=released)
    return released


def _change_role(session: Session, checked: Checked, user: User, stamp: Stamp) -> None:
    old = (user.role, user.point_code, user.town_code)
    new = (checked.role, checked.point_code, checked.town_code)
    user.role, user.point_code, user.town_code = new
    released = release_claimed_tasks(session, user.username, stamp, reason="account_role_changed") if old != new else 0
    profile = _profile(session, user, stamp)
    if checked.request["staff_type"]:
        profile.staff_type = checked.request["staff_type"]
    # flask-login reloads the user on every request, so the new role applies from the next page on.
    _record(session, stamp, "account_role_changed", user, old_role=old[0], old_point=old[1], old_town=old[2],
            new_role=new[0], new_point=new[1], new_town=new[2], staff_type=profile.staff_type,
            tasks_released=released)


def apply_change(session: Session, checked: Checked, stamp: Stamp) -> tuple[User, str]:
    """Change the account as the approved request says; return the user and a Chinese sentence saying what."""
    req, user = checked.request, checked.target
    kind, name = req["request_kind"], req["account_username"]
    if kind == vocab.NEW:
        user = _new(session, checked, stamp)
        message = (f"已新增账号“{name}”（{vocab.role_choice_label(user.role)}）。请在用户申请（变更）单页面生成"
                   "一次性初始密码并告知本人，首次登录须修改密码。")
    elif kind in (vocab.FREEZE, vocab.CANCEL):
        action = "account_frozen" if kind == vocab.FREEZE else "account_cancelled"
        if kind == vocab.CANCEL:
            _profile(session, user, stamp).cancelled_at = stamp.at
        released = _end_access(session, user, stamp, action)
        verb = "冻结" if kind == vocab.FREEZE else "注销"
        tasks = f"，{released} 项已认领的待办已退回队列。" if released else "。"
        message = f"账号“{name}”已{verb}，其登录已立即失效{tasks}"
    elif kind == vocab.UNLOCK:
        user.active, user.failed_logins, user.locked_until = True, 0, None
        throttle.forget_account(session, user.username)
        _record(session, stamp, "account_unlocked", user)
        message = f"账号“{name}”已解锁，可以重新登录。"
    else:
        _change_role(session, checked, user, stamp)
        message = f"账号“{name}”的权限已变更为{vocab.role_choice_label(user.role)}，下次操作时生效。"
    session.flush()
    if _staff_authorised(session, user, stamp):
        message += "该网点“工作人员授权”已完成。"
    return user, message
