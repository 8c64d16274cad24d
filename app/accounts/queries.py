"""Read account requests inside a user's scope, and what their printout needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.accounts.models import AccountRequest
from app.auth.models import User
from app.auth.policy import Scope
from app.org.models import Point, Town
from engine.queries import in_county

COUNTY_UNIT = "沁水县人力资源和社会保障局"
STATUS_LABELS = {"pending": "待审核", "returned": "已退回修改", "approved": "已同意并执行", "withdrawn": "已撤回"}


def list_requests(session: Session, scope: Scope, username: str, limit: int = 200) -> list[AccountRequest]:
    """Return the requests held in the scope, and those the user filed, newest first."""
    query = select(AccountRequest)
    if scope.point_code is not None:
        query = query.where(or_(AccountRequest.point_code == scope.point_code, AccountRequest.requester == username))
    elif scope.town_code is not None:
        query = query.where(or_(AccountRequest.town_code == scope.town_code, AccountRequest.requester == username))
    elif scope.towns is not None:
        query = query.where(or_(in_county(AccountRequest.town_code, AccountRequest.county_code, scope.towns,
                                          scope.county_code), AccountRequest.requester == username))
    return list(session.scalars(query.order_by(AccountRequest.filed_at.desc(), AccountRequest.instance_id.desc())
                                .limit(limit)))


def get_request(session: Session, instance_id: int) -> AccountRequest | None:
    """Return one request."""
    return session.get(AccountRequest, instance_id)


@dataclass(frozen=True)
class Printout:
    """Names the 附件8 form shows beside the request's own data."""

    requesting_unit: str
    requester_name: str
    reviewer_name: str


def _display_name(session: Session, username: str | None) -> str:
    if not username:
        return ""
    return session.scalar(select(User.display_name).where(User.username == username)) or username


def printout(session: Session, row: AccountRequest, data: Mapping[str, Any]) -> Printout:
    """Return the requesting unit (the filer's point or town when filing, else the county bureau) and the
    signers' names."""
    unit = COUNTY_UNIT
    if row.requester_role == "clerk" and data.get("requester_point"):
        point = session.get(Point, data["requester_point"])
        unit = point.name if point else data["requester_point"]
    elif row.requester_role == "town_staff" and data.get("requester_town"):
        town = session.get(Town, data["requester_town"])
        unit = f"{town.name}人民政府" if town else data["requester_town"]
    return Printout(unit, _display_name(session, row.requester), _display_name(session, row.reviewed_by))
