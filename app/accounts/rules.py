"""Check an account request (附件8) against the accounts that exist and the filer's scope.

A request is a flat dict of the keys in FIELDS, the same keys the process keeps in its task data. Every
refusal is a `Refused` with a Chinese sentence for the filer; nothing here writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import vocab
from app.accounts.models import AccountRequest, StaffProfile
from app.auth import roles
from app.auth.models import User
from app.org.models import Point, Town
from engine.errors import EngineError
from engine.idcard import IdNumberError, validate_id_number

FIELDS = ("request_kind", "account_role", "account_binding", "account_username", "person_name", "person_unit",
          "person_post", "person_id_number", "person_phone", "staff_type", "system_name", "request_reason",
          "contact_person", "contact_phone")
NEW_ACCOUNT_FIELDS = {"person_name": "账号使用人姓名", "person_unit": "单位", "person_post": "职务",
                      "person_id_number": "身份证号码", "person_phone": "联系电话"}
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_.]{2,39}")
OPEN_STATUSES = ("pending", "returned")


class Refused(EngineError):
    """A request refused; `message` is a Chinese sentence for the filer."""

    code = "refused"


@dataclass(frozen=True)
class Filer:
    """Who filed a request, with the scope they filed it in (kept in the case, in case they change later)."""

    username: str
    role: str
    point_code: str | None
    town_code: str | None
    display_name: str = ""

    @classmethod
    def of(cls, user: Any) -> Filer:
        """Return the filer for a user row."""
        return cls(user.username, user.role, user.point_code, user.town_code, user.display_name)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Filer:
        """Return the filer a case recorded at filing."""
        return cls(data["requester"], data["requester_role"], data.get("requester_point") or None,
                   data.get("requester_town") or None, data.get("requester_name") or "")


@dataclass(frozen=True)
class Checked:
    """A request that passed: the account it concerns and where the resulting account is bound."""

    request: dict[str, Any]
    target: User | None  # the existing account (None for a new one)
    role: str  # the resulting role
    point_code: str | None  # the resulting binding
    town_code: str | None

    @property
    def case_point(self) -> str | None:
        """Return the point the case is held at: the account's current binding (the new one for 新增)."""
        return self.target.point_code if self.target is not None else self.point_code

    @property
    def case_town(self) -> str | None:
        """Return the town the case is held at."""
        return self.target.town_code if self.target is not None else self.town_code


def normalise(raw: dict[str, Any]) -> dict[str, Any]:
    """Return the request's keys as trimmed strings ("" when missing)."""
    return {key: " ".join(str(raw.get(key) or "").split()) if key != "request_reason"
            else str(raw.get(key) or "").strip() for key in FIELDS}


def is_locked(user: User, now: datetime) -> bool:
    """Tell whether a user is inside a login lockout."""
    return user.locked_until is not None and user.locked_until > now


def resolve_binding(session: Session, role: str, binding: str) -> tuple[str | None, str | None]:
    """Return (point, town) for a role bound to `binding` (a point or town code); refuse what does not fit."""
    level = roles.role_level(role)
    if level is None:
        raise Refused("请选择账号类型。")
    if level == "county":
        return None, None  # county accounts are bound to no point or town, whatever was typed
    point = session.get(Point, binding) if binding else None
    town = session.get(Town, binding) if binding and point is None else None
    if level == "point":
        if point is None:
            raise Refused("窗口经办人账号须选择所属服务网点（不能只选乡镇）。" if not binding or town
                          else f"没有编号为“{binding}”的服务网点。")
        return point.code, point.town_code
    if town is None:
        raise Refused("乡镇工作人员账号须选择所属乡镇（不能选服务网点）。" if not binding or point
                      else f"没有编号为“{binding}”的乡镇。")
    return None, town.code


def _open_request(session: Session, username: str, exclude: int | None) -> AccountRequest | None:
    query = select(AccountRequest).where(AccountRequest.username == username,
                                         AccountRequest.status.in_(OPEN_STATUSES))
    if exclude is not None:
        query = query.where(AccountRequest.instance_id != exclude)
    return session.scalars(query.limit(1)).first()


def _check_new(session: Session, req: dict[str, Any], today: date) -> None:
    username = req["account_username"]
    if not USERNAME.fullmatch(username):
        raise Refused("用户名须为3至40位英文字母、数字、下划线或点，并以字母开头。")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Refused(f"用户名“{username}”已被使用，请换一个用户名。")
    for key, label in NEW_ACCOUNT_FIELDS.items():
        if not req[key]:
            raise Refused(f"新增账号须填写{label}。")
    try:
        req["person_id_number"] = validate_id_number(req["person_id_number"], today=today)
    except IdNumberError as exc:
        raise Refused(f"{exc}。") from None


def _check_existing(session: Session, req: dict[str, Any], now: datetime) -> User:
    kind, username = req["request_kind"], req["account_username"]
    target = session.scalar(select(User).where(User.username == username))
    if target is None:
        raise Refused(f"没有找到用户名为“{username}”的账号，请核对。")
    profile = session.get(StaffProfile, target.id)
    label = vocab.REQUEST_KINDS[kind]
    if profile is not None and profile.cancelled_at is not None:
        raise Refused(f"账号“{username}”已注销，不能再申请{label}。")
    if kind == vocab.FREEZE and not target.active:
        raise Refused(f"账号“{username}”已处于冻结状态。")
    if kind == vocab.UNLOCK and target.active and not is_locked(target, now):
        raise Refused(f"账号“{username}”未被冻结或锁定，无需解锁。")
    return target


def _check_scope(session: Session, filer: Filer, checked: Checked) -> None:
    """Refuse a request outside the filer's point or town (admins file for anyone)."""
    if filer.role == roles.ADMIN:
        return
    target = checked.target
    if filer.role == roles.CLERK:
        point = session.get(Point, filer.point_code) if filer.point_code else None
        name = point.name if point else filer.point_code
        if checked.role != roles.CLERK or checked.point_code != filer.point_code or (
                target is not None and target.point_code != filer.point_code):
            raise Refused(f"窗口经办人只能为本网点（{name}）的业务操作员账号提出申请。")
        return
    if filer.role == roles.TOWN_STAFF:
        town = session.get(Town, filer.town_code) if filer.town_code else None
        name = town.name if town else filer.town_code
        if checked.role not in (roles.CLERK, roles.TOWN_STAFF) or checked.town_code != filer.town_code or (
                target is not None and target.town_code != filer.town_code):
            raise Refused(f"乡镇工作人员只能为本乡镇（{name}）的业务操作员账号提出申请。")
        return
    raise Refused("只有网点、乡镇的账号管理人员或系统管理员可以提出账号申请。")


def check_request(session: Session, filer: Filer, raw: dict[str, Any], now: datetime, today: date, *,
                  instance_id: int | None = None, one_open: bool = True) -> Checked:
    """Check a request and return it normalised with the account it concerns; raise Refused when it cannot be.

    `one_open` refuses a second open request for the same account (filing and correcting); an approval
    skips it, so two requests that raced past it cannot block each other.
    """
    req = normalise(raw)
    kind = req["request_kind"]
    if kind not in vocab.REQUEST_KINDS:
        raise Refused("请选择申请事项。")
    if not req["account_username"]:
        raise Refused("请填写账号用户名。")
    if req["staff_type"] and req["staff_type"] not in vocab.STAFF_TYPES:
        raise Refused("人员身份只能是专职人员或兼职人员。")
    if not req["request_reason"]:
        raise Refused("请填写申请理由。")
    req["system_name"] = req["system_name"] or vocab.DEFAULT_SYSTEM
    target = None
    if kind == vocab.NEW:
        _check_new(session, req, today)
    else:
        target = _check_existing(session, req, now)
    if kind in (vocab.NEW, vocab.CHANGE_ROLE):
        role = req["account_role"]
        point, town = resolve_binding(session, role, req["account_binding"])
        if roles.role_level(role) in ("point", "town") and kind == vocab.NEW and not req["staff_type"]:
            raise Refused("请选择人员身份（专职人员或兼职人员）。")
        if kind == vocab.CHANGE_ROLE and (role, point, town) == (target.role, target.point_code, target.town_code):
            profile = session.get(StaffProfile, target.id)
            if not req["staff_type"] or (profile is not None and profile.staff_type == req["staff_type"]):
                raise Refused("申请变更的权限与该账号现有权限相同，无需变更。")
    else:
        role, point, town = target.role, target.point_code, target.town_code
        req["account_role"], req["account_binding"] = role, point or town or ""
    req["account_binding"] = point or town or ""
    checked = Checked(req, target, role, point, town)
    _check_scope(session, filer, checked)
    pending = _open_request(session, req["account_username"], instance_id) if one_open else None
    if pending is not None:
        raise Refused(f"账号“{req['account_username']}”已有未办结的申请（编号 {pending.request_no}），"
                      "请待其办结或撤回后再申请。")
    return checked
