"""Change the organisation: rename a point, bind a county-level account to its county."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import role_label, role_level
from app.org.counties import bind_member
from app.org.models import County, Point, Town
from engine import audit

MAX_NAME = 100


class OrgError(Exception):
    """A change refused, with a Chinese message for the user."""


def rename_point(session: Session, code: str, new_name: str, *, actor: str, at: datetime) -> Point:
    """Give a point a new name, recording who did it; raise OrgError with the reason when refused."""
    point = session.get(Point, code)
    if point is None:
        raise LookupError(code)
    name = " ".join(new_name.split())  # pasted names often carry stray spaces or line breaks
    if not name:
        raise OrgError("请填写网点的新名称。")
    if len(name) > MAX_NAME:
        raise OrgError(f"网点名称不能超过 {MAX_NAME} 个字。")
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


def bind_county(session: Session, username: str, county_code: str, *, actor: str, at: datetime) -> County:
    """Bind a county-level account to the county it works for; raise OrgError with the reason when refused."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise OrgError(f"没有账号“{username}”。")
    if role_level(user.role) != "county":
        raise OrgError(f"{username} 的角色是{role_label(user.role)}，不是县级角色，按网点或乡镇划定范围。")
    county = session.get(County, county_code)
    if county is None:
        raise OrgError(f"没有代码为 {county_code} 的县。")
    bind_member(session, user.id, county.code)
    audit.record(session, at=at, actor=actor, action="bind_county", username=username, county=county.code)
    return county
