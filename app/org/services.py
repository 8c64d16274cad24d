"""Change the organisation: add and rename towns and points, close a point, bind a county-level account."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import ROLES, role_label, role_level
from app.org.counties import bind_member
from app.org.models import AREA_LABELS, KIND_LABELS, County, CountyMember, Point, Town
from engine import audit

MAX_NAME = 100
MAX_TOWN_NAME = 40
TOWN_CODE = re.compile(r"[A-Z][A-Z0-9]{0,9}")
POINT_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,39}")


class OrgError(Exception):
    """A change refused, with a Chinese message for the user."""


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())  # pasted names often carry stray spaces or line breaks


def _name(text: str | None, what: str, longest: int) -> str:
    """Return a cleaned name; raise OrgError when it is empty or too long."""
    name = _clean(text)
    if not name:
        raise OrgError(f"请填写{what}名称。")
    if len(name) > longest:
        raise OrgError(f"{what}名称不能超过 {longest} 个字。")
    return name


def _town_in(session: Session, code: str, county_code: str | None) -> Town:
    """Return a town of the county (any county when None); LookupError when there is none (404 to the user)."""
    town = session.get(Town, code)
    if town is None or (county_code is not None and town.county_code != county_code):
        raise LookupError(code)
    return town


def add_town(session: Session, county_code: str, code: str, name: str, *, actor: str, at: datetime) -> Town:
    """Add a town to a county, last in its order; raise OrgError with the reason when refused."""
    if session.get(County, county_code) is None:
        raise LookupError(county_code)
    code = _clean(code).upper()
    if not TOWN_CODE.fullmatch(code):
        raise OrgError("乡镇代码须以字母开头，由 1-10 位大写字母或数字组成，例如 LG。")
    name = _name(name, "乡镇", MAX_TOWN_NAME)
    taken = session.get(Town, code)
    if taken is not None:
        raise OrgError(f"乡镇代码 {code} 已被“{taken.name}”使用。")
    clash = session.scalar(select(Town.code).where(Town.name == name))
    if clash is not None:
        raise OrgError(f"已有名为“{name}”的乡镇（{clash}）。")
    last = session.scalar(select(func.max(Town.ordinal)).where(Town.county_code == county_code)) or 0
    town = Town(code=code, name=name, county_code=county_code, ordinal=last + 1)
    session.add(town)
    session.flush()
    audit.record(session, at=at, actor=actor, action="add_town", county=county_code, town=code, name=name)
    return town


def rename_town(session: Session, code: str, new_name: str, *, actor: str, at: datetime,
                county_code: str | None = None) -> Town:
    """Give a town of the county a new name; raise OrgError with the reason when refused."""
    town = _town_in(session, code, county_code)
    name = _name(new_name, "乡镇", MAX_TOWN_NAME)
    if name == town.name:
        raise OrgError("新名称与原名称相同。")
    clash = session.scalar(select(Town.code).where(Town.name == name))
    if clash is not None:
        raise OrgError(f"已有名为“{name}”的乡镇（{clash}）。")
    old, town.name = town.name, name
    audit.record(session, at=at, actor=actor, action="rename_town", town=code, old=old, new=name)
    return town


def add_point(session: Session, form: dict, *, actor: str, at: datetime, county_code: str | None = None) -> Point:
    """Add a service point to a town of the county, dated now; raise OrgError with the reason when refused."""
    town = _town_in(session, _clean(form.get("town")), county_code)
    code = _clean(form.get("code")).upper()
    if not POINT_CODE.fullmatch(code):
        raise OrgError("网点编号须由 1-40 位大写字母、数字或“-”组成，例如 LG-V26。")
    name = _name(form.get("name"), "网点", MAX_NAME)
    area, kind = _clean(form.get("area")), _clean(form.get("kind"))
    if area not in AREA_LABELS:
        raise OrgError("请选择网点所在区域：行政村、社区或乡镇。")
    if kind not in KIND_LABELS:
        raise OrgError("请选择网点类型：基础网点或示范网点。")
    taken = session.get(Point, code)
    if taken is not None:
        raise OrgError(f"网点编号 {code} 已被“{taken.name}”使用{'（已停用）' if not taken.active else ''}。")
    clash = session.scalar(select(Point.code).where(Point.town_code == town.code, Point.name == name))
    if clash is not None:
        raise OrgError(f"{town.name}已有名为“{name}”的网点（{clash}）。")
    point = Point(code=code, name=name, town_code=town.code, kind=kind, area=area, active=True,
                  created_at=at, created_by=actor)
    session.add(point)
    session.flush()
    audit.record(session, at=at, actor=actor, action="add_point", point_code=code, town=town.code, name=name,
                 kind=kind, area=area)
    return point


def close_point(session: Session, code: str, reason: str, *, actor: str, at: datetime,
                county_code: str | None = None) -> Point:
    """Mark a point closed from now on (never deleted: cases and reports refer to it); raise OrgError when refused."""
    point = session.get(Point, code)
    if point is None:
        raise LookupError(code)
    _town_in(session, point.town_code, county_code)
    if not point.active:
        raise OrgError(f"网点 {code} 已经停用。")
    reason = _clean(reason)
    if not reason:
        raise OrgError("请填写停用原因。")
    if len(reason) > 200:
        raise OrgError("停用原因不能超过 200 个字。")
    point.active, point.closed_at, point.closed_by = False, at, actor
    audit.record(session, at=at, actor=actor, action="close_point", point_code=code, reason=reason)
    return point


def rename_point(session: Session, code: str, new_name: str, *, actor: str, at: datetime,
                 county_code: str | None = None) -> Point:
    """Give a point a new name, recording who did it; raise OrgError with the reason when refused."""
    point = session.get(Point, code)
    if point is None:
        raise LookupError(code)
    _town_in(session, point.town_code, county_code)
    name = _name(new_name, "网点的新", MAX_NAME)
    if name == point.name:
        raise OrgError("新名称与原名称相同。")
    clash = session.scalar(select(Point.code).where(Point.town_code == point.town_code, Point.name == name))
    if clash is not None:
        town = session.get(Town, point.town_code)
        raise OrgError(f"{town.name if town else point.town_code}已有名为“{name}”的网点（{clash}）。")
    old = point.name
    point.name = name
    point.renamed_by = actor
    point.renamed_at = at
    audit.record(session, at=at, actor=actor, action="rename_point", point_code=code, old=old, new=name)
    return point


def bind_county(session: Session, username: str, county_code: str, *, actor: str, at: datetime,
                own_county: str | None = None) -> County:
    """Bind a county-level account to the county it works for; raise OrgError with the reason when refused.

    With `own_county` (a county admin on the web) only that county is offered, and an account already bound to
    another county is left alone: taking it would blind that county's work.
    """
    username = _clean(username)
    if not username:
        raise OrgError("请填写要绑定的账号。")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise OrgError(f"没有账号“{username}”。")
    if role_level(user.role) != "county":
        raise OrgError(f"{username} 的角色是{role_label(user.role)}，不是县级角色，按网点或乡镇划定范围。")
    county = session.get(County, county_code)
    if county is None:
        raise OrgError(f"没有代码为 {county_code} 的县。")
    if own_county is not None:
        if county.code != own_county:
            raise OrgError("只能把账号绑定到本县。")
        bound = session.scalar(select(CountyMember.county_code).where(CountyMember.user_id == user.id))
        if bound is not None and bound != own_county:
            other = session.get(County, bound)
            raise OrgError(f"{username} 已绑定到{other.name if other else bound}，请由该县管理员或用命令行改绑。")
    bind_member(session, user.id, county.code)
    audit.record(session, at=at, actor=actor, action="bind_county", username=username, county=county.code)
    return county


def county_accounts(session: Session, county_code: str) -> list[tuple[User, str | None]]:
    """Return the county-level accounts a county's admin may see: bound to it, or bound to none (with binding)."""
    county_roles = [code for code, role in ROLES.items() if role.level == "county"]
    rows = session.execute(select(User, CountyMember.county_code)
                           .outerjoin(CountyMember, CountyMember.user_id == User.id)
                           .where(User.role.in_(county_roles),
                                  (CountyMember.county_code == county_code) | CountyMember.county_code.is_(None))
                           .order_by(User.username))
    return [(user, bound) for user, bound in rows]

